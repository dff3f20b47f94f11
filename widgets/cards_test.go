package widgets

import (
	"fmt"
	"github.com/tidbit-learn/tidbit/widgets/internal/fynetest"
	"reflect"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestMain(m *testing.M) { fynetest.Main(m) }

var (
	lesson = Lesson{Title: "Two-minute rule", Minutes: 3, Meta: "Time management · lesson",
		Why:  "New to you: a first look at time management.",
		Body: "If a task takes **less than two minutes**, do it now.\n\n- it saves a list entry\n- it keeps momentum"}
	qSingle = Question{ID: "q1", Prompt: "A reply takes a minute. When?", Options: []Option{
		{Text: "Now", Correct: true, Why: "Under two minutes: do it."},
		{Text: "Tomorrow", Why: "Tracking it costs more than doing it."},
		{Text: "Never", Why: "It still needs doing."}}}
	qMulti = Question{ID: "q2", Prompt: "Which are two-minute tasks?", Multi: true, Options: []Option{
		{Text: "Filing a receipt", Correct: true, Why: "Quick."},
		{Text: "Writing a report", Why: "Hours."},
		{Text: "Confirming a meeting", Correct: true, Why: "One click."}}}
	qTrue = Question{ID: "q3", Prompt: "The rule applies to any task.", Options: []Option{
		{Text: "True", Why: "Only to short ones."}, {Text: "False", Correct: true, Why: "Only tasks under two minutes."}}}
	reflection = Reflection{Prompt: "A colleague interrupts you with a quick question. What do you do?",
		ModelAnswer: "Answer it if it takes **under two minutes**; otherwise agree on a time.",
		Rubric:      []string{"Names the two-minute test", "Protects focus time"}}
)

var desktopCtrlEnter = desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierControl}

func key(name fyne.KeyName) *fyne.KeyEvent { return &fyne.KeyEvent{Name: name} }

// window shows o in a pop-up sized window and routes typed keys to h.
func window(t *testing.T, o fyne.CanvasObject, h KeyHandler) fyne.Window {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, o)
	w.Resize(fyne.NewSize(380, 260))
	Attach(w, h)
	return w
}

// press types a key on w's canvas, as the window's driver would.
func press(w fyne.Window, name fyne.KeyName) { w.Canvas().OnTypedKey()(key(name)) }

func TestLessonCard(t *testing.T) {
	cases := []struct {
		name string
		do   func(c *LessonCard, w fyne.Window)
		want string
	}{
		{"tap done", func(c *LessonCard, w fyne.Window) { test.Tap(c.Done) }, "done"},
		{"enter", func(c *LessonCard, w fyne.Window) { press(w, fyne.KeyReturn) }, "done"},
		{"tap later", func(c *LessonCard, w fyne.Window) { test.Tap(c.Later) }, "later"},
		{"key L", func(c *LessonCard, w fyne.Window) { press(w, fyne.KeyL) }, "later"},
		{"tap not for me", func(c *LessonCard, w fyne.Window) { test.Tap(c.NotForMe) }, "not-for-me"},
		{"key N", func(c *LessonCard, w fyne.Window) { press(w, fyne.KeyN) }, "not-for-me"},
		{"escape", func(c *LessonCard, w fyne.Window) { press(w, fyne.KeyEscape) }, "dismiss"},
		{"other key", func(c *LessonCard, w fyne.Window) { press(w, fyne.KeyX) }, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			c := NewLessonCard(lesson, LessonActions{
				OnDone: func() { got = "done" }, OnLater: func() { got = "later" },
				OnNotForMe: func() { got = "not-for-me" }, OnDismiss: func() { got = "dismiss" }})
			w := window(t, c, c)
			tc.do(c, w)
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLessonCardMarkup(t *testing.T) {
	c := NewLessonCard(lesson, LessonActions{})
	w := window(t, c, c)
	test.AssertRendersToMarkup(t, "lesson/shown.xml", w.Canvas())
	noWhy := lesson
	noWhy.Why, noWhy.Meta = "", ""
	c = NewLessonCard(noWhy, LessonActions{})
	w.SetContent(c)
	test.AssertRendersToMarkup(t, "lesson/no_why.xml", w.Canvas())
}

// TestLessonCardBodyLater: a card shown without its body and given it
// afterwards (as a lesson window does) renders as one built whole.
func TestLessonCardBodyLater(t *testing.T) {
	head := lesson
	head.Body = ""
	c := NewLessonCard(head, LessonActions{})
	w := window(t, c, c)
	c.SetBody(lesson.Body)
	test.AssertRendersToMarkup(t, "lesson/shown.xml", w.Canvas())
}

// TestShowBeforeLayout: a card's content set before the card has a size
// is laid out when the card gets one (show skips the layout at size zero,
// which would wrap every word onto its own line for nothing).
func TestShowBeforeLayout(t *testing.T) {
	test.NewTempApp(t)
	c := NewLessonCard(lesson, LessonActions{})
	if got := c.box.Objects[0].Size(); !got.IsZero() {
		t.Fatalf("content laid out at %v before the card had a size", got)
	}
	w := window(t, c, c)
	if got := c.box.Objects[0].Size(); got.Width < 300 {
		t.Fatalf("content %v in a 380 wide window: not laid out", got)
	}
	_ = w
}

// TestQuizLongOptionsWrap: long options (single and multiple choice) wrap
// inside the pop-up's width instead of widening it, and tapping a
// multiple-choice option's text toggles its box.
func TestQuizLongOptionsWrap(t *testing.T) {
	long := "Summarise what you heard in your own words, name the feeling behind it, and ask one open question before you offer any advice at all"
	for _, multi := range []bool{false, true} {
		t.Run(fmt.Sprintf("multi=%v", multi), func(t *testing.T) {
			q := Question{ID: "long", Prompt: "What comes first?", Multi: multi, Options: []Option{
				{Text: long, Correct: true, Why: "Listening first."}, {Text: "Advice", Why: "Too soon."}}}
			c, w, _ := newQuiz(t, []Question{q})
			if min := c.MinSize().Width; min > 372 {
				t.Fatalf("quiz card needs %v px: wider than the 380 px pop-up", min)
			}
			if w.Canvas().Size().Width != 380 {
				t.Fatalf("window grew to %v", w.Canvas().Size())
			}
			if multi {
				var lbl *tapLabel
				for _, o := range test.LaidOutObjects(w.Canvas().Content()) {
					if l, ok := o.(*tapLabel); ok && l.Text == "1) "+long {
						lbl = l
					}
				}
				if lbl == nil {
					t.Fatal("no tappable text for the first option")
				}
				test.Tap(lbl)
				if !c.Options[0].(*widget.Check).Checked {
					t.Fatal("tapping the option's text did not check it")
				}
			}
		})
	}
}

type quizLog struct {
	answers          []Answer
	finished         bool
	correct, answerd int
	dismissed        bool
}

func newQuiz(t *testing.T, qs []Question) (*QuizCard, fyne.Window, *quizLog) {
	l := &quizLog{}
	c := NewQuizCard(qs, QuizActions{
		OnAnswer:  func(a Answer) { l.answers = append(l.answers, a) },
		OnFinish:  func(c, n int) { l.finished, l.correct, l.answerd = true, c, n },
		OnDismiss: func() { l.dismissed = true }})
	return c, window(t, c, c), l
}

func TestQuizCardFlow(t *testing.T) {
	c, w, l := newQuiz(t, []Question{qSingle, qMulti, qTrue})
	test.AssertRendersToMarkup(t, "quiz/single_asking.xml", w.Canvas())

	press(w, fyne.Key2) // wrong
	test.AssertRendersToMarkup(t, "quiz/single_wrong.xml", w.Canvas())
	press(w, fyne.KeyReturn)

	test.AssertRendersToMarkup(t, "quiz/multi_asking.xml", w.Canvas())
	press(w, fyne.KeyReturn) // nothing chosen: stays
	if len(l.answers) != 1 {
		t.Fatalf("Enter with nothing chosen answered: %+v", l.answers)
	}
	press(w, fyne.Key1)
	test.Tap(c.Options[2].(*widget.Check))
	test.AssertRendersToMarkup(t, "quiz/multi_checked.xml", w.Canvas())
	test.Tap(c.Next)
	test.AssertRendersToMarkup(t, "quiz/multi_right.xml", w.Canvas())
	test.Tap(c.Next)

	test.Tap(c.Options[1].(*widget.Button)) // right
	press(w, fyne.KeySpace)
	test.AssertRendersToMarkup(t, "quiz/summary_missed.xml", w.Canvas())

	want := []Answer{{"q1", []int{1}, false, 1}, {"q2", []int{0, 2}, true, 1}, {"q3", []int{1}, true, 1}}
	if !reflect.DeepEqual(l.answers, want) {
		t.Fatalf("answers %+v, want %+v", l.answers, want)
	}

	press(w, fyne.KeyR) // retry the missed one
	test.AssertRendersToMarkup(t, "quiz/retry_asking.xml", w.Canvas())
	press(w, fyne.Key1)
	press(w, fyne.KeyReturn)
	test.AssertRendersToMarkup(t, "quiz/retry_summary.xml", w.Canvas())
	if got := l.answers[len(l.answers)-1]; got.QuestionID != "q1" || !got.Correct || got.Round != 2 {
		t.Fatalf("retry answer %+v", got)
	}
	if c.Retry != nil {
		t.Fatal("retry offered with nothing missed")
	}
	press(w, fyne.KeyReturn)
	if !l.finished || l.correct != 2 || l.answerd != 3 {
		t.Fatalf("finish: %+v (first round counts 2 of 3)", l)
	}
}

func TestQuizCardAllRight(t *testing.T) {
	_, w, l := newQuiz(t, []Question{qTrue})
	press(w, fyne.Key2)
	test.AssertRendersToMarkup(t, "quiz/single_right.xml", w.Canvas())
	press(w, fyne.KeyReturn)
	test.AssertRendersToMarkup(t, "quiz/summary_all_right.xml", w.Canvas())
	press(w, fyne.KeyR) // nothing to retry
	press(w, fyne.KeyEscape)
	if !l.dismissed || l.finished {
		t.Fatalf("escape: %+v", l)
	}
}

func TestQuizCardKeys(t *testing.T) {
	cases := []struct {
		name    string
		keys    []fyne.KeyName
		answers int
	}{
		{"out of range digit ignored", []fyne.KeyName{fyne.Key9}, 0},
		{"zero ignored", []fyne.KeyName{fyne.Key0}, 0},
		{"letter ignored", []fyne.KeyName{fyne.KeyA}, 0},
		{"digit answers once", []fyne.KeyName{fyne.Key1, fyne.Key2}, 1},
		{"enter on single does nothing", []fyne.KeyName{fyne.KeyReturn}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, w, l := newQuiz(t, []Question{qSingle, qTrue})
			for _, k := range tc.keys {
				press(w, k)
			}
			if len(l.answers) != tc.answers {
				t.Fatalf("%d answers, want %d: %+v", len(l.answers), tc.answers, l.answers)
			}
		})
	}
}

func TestQuizCardCapsQuestions(t *testing.T) {
	var qs []Question
	for range 7 {
		qs = append(qs, qTrue)
	}
	_, w, l := newQuiz(t, qs)
	for range 7 {
		press(w, fyne.Key2)
		press(w, fyne.KeyReturn)
	}
	if !l.finished || l.answerd != MaxQuizQuestions {
		t.Fatalf("asked %d, want %d", l.answerd, MaxQuizQuestions)
	}
}

func TestCorrect(t *testing.T) {
	cases := []struct {
		name   string
		q      Question
		chosen []int
		want   bool
	}{
		{"single right", qSingle, []int{0}, true},
		{"single wrong", qSingle, []int{1}, false},
		{"multi exact", qMulti, []int{2, 0}, true},
		{"multi partial", qMulti, []int{0}, false},
		{"multi extra", qMulti, []int{0, 1, 2}, false},
		{"duplicate", qMulti, []int{0, 0}, false},
		{"out of range", qSingle, []int{7}, false},
		{"negative", qSingle, []int{-1}, false},
		{"empty", qSingle, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Correct(tc.q, tc.chosen); got != tc.want {
				t.Fatalf("Correct(%v) = %v", tc.chosen, got)
			}
		})
	}
}

func TestReviewCard(t *testing.T) {
	var grades []int
	var events []string
	finished := 0
	c := NewReviewCard([]Question{qSingle, qTrue}, ReviewActions{
		OnAsk:    func(id string) { events = append(events, "ask "+id) },
		OnReveal: func(id string) { events = append(events, "reveal "+id) },
		OnGrade:  func(id string, g int) { grades = append(grades, g) },
		OnFinish: func(n int) { finished = n }})
	w := window(t, c, c)
	test.AssertRendersToMarkup(t, "review/prompt.xml", w.Canvas())
	press(w, fyne.Key3) // grading before the answer is shown does nothing
	press(w, fyne.KeySpace)
	test.AssertRendersToMarkup(t, "review/revealed.xml", w.Canvas())
	press(w, fyne.Key5) // not a grade
	press(w, fyne.Key1)
	test.Tap(c.Reveal)
	test.Tap(c.Grades[3])
	test.AssertRendersToMarkup(t, "review/done.xml", w.Canvas())
	press(w, fyne.KeyReturn)
	if !reflect.DeepEqual(grades, []int{Again, Easy}) || finished != 2 {
		t.Fatalf("grades %v, finished %d", grades, finished)
	}
	if want := []string{"ask " + qSingle.ID, "reveal " + qSingle.ID, "ask " + qTrue.ID, "reveal " + qTrue.ID}; !reflect.DeepEqual(events, want) {
		t.Fatalf("events %v, want %v", events, want)
	}
	if s := c.summary(); s != "Again 1 · Easy 1" {
		t.Fatalf("summary %q", s)
	}
}

func TestReflectionCard(t *testing.T) {
	cases := []struct {
		name   string
		text   string
		submit func(c *ReflectionCard)
		want   []string
		golden string
	}{
		{"ctrl+enter", "  I would answer quickly.  ", func(c *ReflectionCard) {
			c.Entry.TypedShortcut(&desktopCtrlEnter)
		}, []string{"I would answer quickly."}, "reflection/answered.xml"},
		{"button", "Ask for a time.", func(c *ReflectionCard) { test.Tap(c.Submit) }, []string{"Ask for a time."}, ""},
		{"blank submit records nothing", "   ", func(c *ReflectionCard) { test.Tap(c.Submit) }, nil, ""},
		{"skip", "draft", func(c *ReflectionCard) { test.Tap(c.Skip) }, nil, "reflection/skipped.xml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			done, dismissed := false, false
			c := NewReflectionCard(reflection, ReflectionActions{
				OnSubmit:  func(s string) { got = append(got, s) },
				OnDone:    func() { done = true },
				OnDismiss: func() { dismissed = true }})
			w := window(t, c, c)
			if tc.name == "ctrl+enter" {
				test.AssertRendersToMarkup(t, "reflection/writing.xml", w.Canvas())
			}
			test.Type(c.Entry, tc.text)
			tc.submit(c)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("submitted %q, want %q", got, tc.want)
			}
			if tc.golden != "" {
				test.AssertRendersToMarkup(t, tc.golden, w.Canvas())
			}
			tc.submit(c) // a second submit is ignored
			if len(got) != len(tc.want) {
				t.Fatalf("second submit recorded again: %q", got)
			}
			w.Canvas().Unfocus()
			press(w, fyne.KeyReturn)
			if !done || dismissed {
				t.Fatalf("done %v dismissed %v", done, dismissed)
			}
		})
	}
}

func TestReflectionEscapeInEntry(t *testing.T) {
	dismissed := false
	c := NewReflectionCard(reflection, ReflectionActions{OnDismiss: func() { dismissed = true }})
	w := window(t, c, c)
	w.Canvas().Focus(c.Entry)
	c.Entry.TypedKey(key(fyne.KeyEscape))
	if !dismissed {
		t.Fatal("Escape in the entry did not dismiss")
	}
}
