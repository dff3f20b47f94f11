package lessonwin

import (
	"context"
	"errors"
	"fmt"
	"github.com/tidbit-learn/tidbit/widgets/internal/fynetest"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/tidbit-learn/tidbit/app/ipc"
	"github.com/tidbit-learn/tidbit/app/lessonflow"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/widgets"
)

func TestMain(m *testing.M) { fynetest.Main(m) }

// fakeRun records the calls a window makes.
type fakeRun struct {
	mu    sync.Mutex
	calls []string
	fail  error
}

func (f *fakeRun) log(s string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
	return f.fail
}
func (f *fakeRun) Shown(id string) { f.log("shown " + id) }
func (f *fakeRun) Answer(_ context.Context, id string, chosen []int, round int) (bool, error) {
	return false, f.log(fmt.Sprintf("answer %s %v round %d", id, chosen, round))
}
func (f *fakeRun) Grade(_ context.Context, id string, grade int) error {
	return f.log(fmt.Sprintf("grade %s %d", id, grade))
}
func (f *fakeRun) Reflect(_ context.Context, text string) error { return f.log("reflect " + text) }
func (f *fakeRun) Finish(_ context.Context, outcome string) error {
	return f.log("finish " + outcome)
}
func (f *fakeRun) got() string { f.mu.Lock(); defer f.mu.Unlock(); return strings.Join(f.calls, "; ") }

var item = lessonflow.Item{LessonID: "l1", Title: "Two-minute rule", Minutes: 3, Body: "Do it **now**.",
	Questions: []store.Question{
		{ID: "q1", Type: "single", Prompt: "When?", Options: []store.Option{{Text: "Now", Correct: true}, {Text: "Later"}}},
		{ID: "q2", Type: "multiple", Prompt: "Which?", Options: []store.Option{{Text: "A", Correct: true}, {Text: "B", Correct: true}}}},
	Reflection: &store.Reflection{Prompt: "Why?", ModelAnswer: "Because.", Rubric: []string{"short"}}}

func show(t *testing.T, it lessonflow.Item, r Run, outcomes *[]ipc.Outcome) (*Window, *Writer, *int) {
	t.Helper()
	a := test.NewTempApp(t)
	wr := NewWriter(context.Background())
	closed := 0
	w := Show(a, it, r, Options{Writer: wr, OnClosed: func() { closed++ },
		OnOutcome: func(o ipc.Outcome) { *outcomes = append(*outcomes, o) }})
	return w, wr, &closed
}

// press types keys, each after the writes queued before it are done:
// Shown runs on the UI thread and writes on the writer goroutine, so the
// log's order is only fixed this way.
func press(w *Window, names ...fyne.KeyName) {
	for _, n := range names {
		if !w.closed {
			drain(w.opts.Writer)
		}
		w.Card.HandleKey(&fyne.KeyEvent{Name: n})
	}
}

func drain(wr *Writer) {
	done := make(chan struct{})
	wr.Do(func(context.Context) error { close(done); return nil }, nil)
	<-done
}

func TestWindowFlows(t *testing.T) {
	cases := []struct {
		name    string
		item    lessonflow.Item
		do      func(t *testing.T, w *Window)
		want    string
		outcome ipc.Outcome
	}{
		{"whole lesson", item, func(t *testing.T, w *Window) {
			press(w, fyne.KeyReturn)            // lesson read
			press(w, fyne.Key2, fyne.KeyReturn) // q1 wrong, next
			press(w, fyne.Key1, fyne.Key2, fyne.KeyReturn, fyne.KeyReturn)
			press(w, fyne.KeyR, fyne.Key1, fyne.KeyReturn, fyne.KeyReturn) // retry q1, then Done
			rc, ok := w.Card.(*widgets.ReflectionCard)
			if !ok {
				t.Fatalf("card %T, want the reflection", w.Card)
			}
			test.Type(rc.Entry, "Saves time")
			test.Tap(rc.Submit)
			press(w, fyne.KeyReturn)
		}, "shown q1; answer q1 [1] round 1; shown q2; answer q2 [0 1] round 1; answer q1 [0] round 2; reflect Saves time; finish completed", ipc.Done},
		{"later", item, func(t *testing.T, w *Window) { press(w, fyne.KeyL) }, "finish later", ipc.Later},
		{"not for me", item, func(t *testing.T, w *Window) { press(w, fyne.KeyN) }, "finish not-for-me", ipc.NotForMe},
		{"escape before answering holds it", item, func(t *testing.T, w *Window) { press(w, fyne.KeyReturn, fyne.KeyEscape) }, "shown q1; finish later", ipc.Dismiss},
		{"escape after answering abandons", item, func(t *testing.T, w *Window) {
			press(w, fyne.KeyReturn, fyne.Key1, fyne.KeyEscape)
		}, "shown q1; answer q1 [0] round 1; finish abandoned", ipc.Dismiss},
		{"close button", item, func(t *testing.T, w *Window) { w.Close() }, "finish later", ipc.Dismiss},
		{"no questions", lessonflow.Item{Title: "Just read"}, func(t *testing.T, w *Window) { press(w, fyne.KeyReturn) }, "finish completed", ipc.Done},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := &fakeRun{}
			var outcomes []ipc.Outcome
			w, wr, closed := show(t, tc.item, r, &outcomes)
			if w.Canvas().Size() != Size {
				t.Fatalf("size %v", w.Canvas().Size())
			}
			tc.do(t, w)
			press(w, fyne.KeyEscape) // after the end: nothing more is written
			wr.Close()
			if got := r.got(); got != tc.want {
				t.Fatalf("calls:\n%s\nwant:\n%s", got, tc.want)
			}
			if *closed != 1 {
				t.Fatalf("OnClosed ran %d times", *closed)
			}
			if len(outcomes) != 1 || outcomes[0] != tc.outcome {
				t.Fatalf("outcomes %v, want [%s]", outcomes, tc.outcome)
			}
		})
	}
}

func TestWriteErrorShown(t *testing.T) {
	r := &fakeRun{fail: errors.New("disk full")}
	a := test.NewTempApp(t)
	wr := NewWriter(context.Background())
	errs := make(chan error, 4)
	w := Show(a, item, r, Options{Writer: wr, OnError: func(err error) { errs <- err }})
	press(w, fyne.KeyReturn, fyne.Key1)
	wr.Close()
	err := <-errs
	if err == nil || err.Error() != "disk full" {
		t.Fatalf("reported %v", err)
	}
	// The real driver runs this on the UI thread through fyne.Do; the test
	// driver would run it on the writer goroutine, so it is called here.
	w.showError(err)
	if m := test.RenderToMarkup(w.Canvas()); !strings.Contains(m, "Could not save: disk full") {
		t.Fatalf("error not shown:\n%s", m)
	}
}

func TestLinger(t *testing.T) {
	quit := make(chan struct{}, 2)
	l := NewLinger(30*time.Millisecond, func() { quit <- struct{}{} })
	l.Opened()
	l.Closed()
	l.Opened() // a new window before the countdown ends keeps the process
	select {
	case <-quit:
		t.Fatal("quit with a window open")
	case <-time.After(100 * time.Millisecond):
	}
	l.Closed()
	l.Closed() // an extra close does not go negative or quit twice
	select {
	case <-quit:
	case <-time.After(5 * time.Second):
		t.Fatal("no quit after the last window")
	}
	select {
	case <-quit:
		t.Fatal("quit twice")
	case <-time.After(100 * time.Millisecond):
	}
}

func TestQuestions(t *testing.T) {
	got := Questions(item.Questions)
	if len(got) != 2 || got[0].Multi || !got[1].Multi || got[0].Options[0].Text != "Now" || !got[0].Options[0].Correct {
		t.Fatalf("%+v", got)
	}
}

// TestPopupHides: an untouched pop-up hides itself after HideAfter, the
// item held ("later" in the store, ipc.Held); a key, a click, the focus
// (the Shower's touched callback) or a button keeps it up.
func TestPopupHides(t *testing.T) {
	cases := []struct {
		name    string
		touch   func(w *Window, touched func())
		want    string
		outcome ipc.Outcome
	}{
		{"untouched", func(*Window, func()) {}, "finish later", ipc.Held},
		{"a key", func(w *Window, _ func()) {
			w.Canvas().(interface{ OnTypedKey() func(*fyne.KeyEvent) }).OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyDown})
		}, "", ""},
		{"a click on the text", func(w *Window, _ func()) {
			c := w.Content().(*fyne.Container).Objects[0].(*clickCatcher)
			c.MouseDown(&desktop.MouseEvent{})
		}, "", ""},
		{"the focus", func(_ *Window, touched func()) { touched() }, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			wr := NewWriter(context.Background())
			r := &fakeRun{}
			outcomes := make(chan ipc.Outcome, 2)
			var touched func()
			var shownAsPopup bool
			// The test goroutine is the UI thread: the hide timer's end is
			// queued to it.
			ui := make(chan func(), 1)
			w := Show(a, item, r, Options{Writer: wr, Popup: true, HideAfter: 50 * time.Millisecond,
				OnOutcome: func(o ipc.Outcome) { outcomes <- o },
				Show:      func(fw fyne.Window, popup bool, t func()) { shownAsPopup, touched = popup, t; fw.Show() },
				Do:        func(f func()) { ui <- f }})
			if !shownAsPopup || touched == nil {
				t.Fatalf("Show got popup=%v touched=%v", shownAsPopup, touched != nil)
			}
			tc.touch(w, touched)
			select {
			case f := <-ui:
				f()
			case <-time.After(300 * time.Millisecond):
			}
			var got ipc.Outcome
			select {
			case got = <-outcomes:
			default:
			}
			wr.Close()
			if got != tc.outcome || r.got() != tc.want {
				t.Fatalf("outcome %q, calls %q; want %q, %q", got, r.got(), tc.outcome, tc.want)
			}
			if w.Touched() == (tc.outcome == ipc.Held) {
				t.Fatalf("touched %v", w.Touched())
			}
		})
	}
}
