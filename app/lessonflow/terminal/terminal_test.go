package terminal

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/core/coretest"
	"github.com/tidbit-learn/tidbit/app/learn"
	"github.com/tidbit-learn/tidbit/app/lessonflow"
	"github.com/tidbit-learn/tidbit/app/store"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestParseChoice(t *testing.T) {
	tests := []struct {
		name  string
		line  string
		n     int
		multi bool
		want  []int
		err   string
	}{
		{name: "single", line: "2", n: 4, want: []int{1}},
		{name: "spaces around", line: "  3 ", n: 4, want: []int{2}},
		{name: "empty", line: "", n: 4, err: "Type a number from 1 to 4"},
		{name: "out of range", line: "5", n: 4, err: `"5" is not an option`},
		{name: "zero", line: "0", n: 4, err: `"0" is not an option`},
		{name: "letters", line: "b", n: 4, err: `"b" is not an option`},
		{name: "two for single", line: "1 2", n: 4, err: "Choose just one option"},
		{name: "multi spaced", line: "3 1", n: 4, multi: true, want: []int{0, 2}},
		{name: "multi commas", line: "1,3", n: 4, multi: true, want: []int{0, 2}},
		{name: "multi run together", line: "13", n: 4, multi: true, want: []int{0, 2}},
		{name: "multi duplicates", line: "1 1", n: 4, multi: true, want: []int{0}},
		{name: "multi bad", line: "1 9", n: 4, multi: true, err: `"9" is not an option`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseChoice(tc.line, tc.n, tc.multi)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func FuzzParseChoice(f *testing.F) {
	for _, s := range []string{"2", "1 3", "13", "", "q", "1,2;3", "99", "-1"} {
		f.Add(s, 4, true)
	}
	f.Fuzz(func(t *testing.T, line string, n int, multi bool) {
		if n < 1 || n > 6 {
			return
		}
		got, err := ParseChoice(line, n, multi)
		if err != nil {
			return
		}
		if len(got) == 0 || (!multi && len(got) != 1) {
			t.Fatalf("accepted %q as %v", line, got)
		}
		for i, v := range got {
			if v < 0 || v >= n || (i > 0 && got[i-1] >= v) {
				t.Fatalf("accepted %q as %v", line, got)
			}
		}
	})
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		os.WriteFile(p, []byte(got), 0o644)
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file:\n%s", name, got)
	}
}

func TestRender(t *testing.T) {
	md := "# Heading\n\nA paragraph with **bold** words that goes on long enough to need wrapping at forty columns.\n" +
		"Second line of the same paragraph.\n\n- a list item that is also long enough to wrap around\n- short\n\n" +
		"> a quote\n\n```\ncode  stays   as is\n```\n\n**Takeaway:** end."
	golden(t, "render.txt", Render(md, 40)+"\n")
}

// fixedPicker always picks one lesson, as a review when review is set.
type fixedPicker struct {
	id     string
	review bool
}

func (f fixedPicker) Next(context.Context) (learn.Pick, error) {
	return learn.Pick{LessonID: f.id, Reason: "test", Review: f.review}, nil
}

func newSession(a *core.App, in string, out *bytes.Buffer) *Session {
	n := 0
	clock := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	flow := &lessonflow.Flow{Store: a.Store, Taxonomy: a.Taxonomy, Picker: learn.BasicPicker{Store: a.Store, Taxonomy: a.Taxonomy},
		Source: "test", FullQuiz: true,
		Now:   func() time.Time { clock = clock.Add(10 * time.Second); return clock },
		NewID: func() string { n++; return fmt.Sprintf("id-%03d", n) }}
	return &Session{Flow: flow, In: strings.NewReader(in), Out: out}
}

// answersFor returns input lines answering every question of l, right or
// wrong, in order.
func answersFor(l store.Lesson, right bool) []string {
	var lines []string
	for _, q := range l.Questions {
		var picks []string
		for i, o := range q.Options {
			if o.Correct == right || (!right && q.Type == "multiple" && o.Correct && len(picks) == 0 && i == len(q.Options)-1) {
				picks = append(picks, fmt.Sprint(i+1))
			}
		}
		if !right && q.Type != "multiple" {
			picks = picks[:1]
		}
		lines = append(lines, strings.Join(picks, " "))
	}
	return lines
}

func TestSessionRecordsEveryAnswer(t *testing.T) {
	a := coretest.Open(t)
	ctx := context.Background()
	pick, err := (learn.BasicPicker{Store: a.Store, Taxonomy: a.Taxonomy}).Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l, err := a.Store.Lesson(ctx, pick.LessonID)
	if err != nil {
		t.Fatal(err)
	}
	lines := answersFor(l, true)
	lines[0] = "9\n" + lines[0] // one invalid answer first: asked again
	in := "\n" + strings.Join(lines, "\n") + "\n\n"
	var out bytes.Buffer
	s := newSession(a, in, &out)
	res, err := s.Run(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != "completed" || res.Answered != len(l.Questions) || res.Correct != len(l.Questions) {
		t.Fatalf("result %+v, output:\n%s", res, out.String())
	}
	if !strings.Contains(out.String(), `"9" is not an option`) || !strings.Contains(out.String(), "Why this: ") {
		t.Errorf("output lacks the re-prompt or the reason:\n%s", out.String())
	}
	answers, err := a.Store.AnswersOf(ctx, res.AttemptID)
	if err != nil || len(answers) != len(l.Questions) {
		t.Fatalf("stored %d answers (%v), want %d", len(answers), err, len(l.Questions))
	}
	for i, an := range answers {
		if an.QuestionID != l.Questions[i].ID || !an.Correct || an.QuestionHash != l.Questions[i].ContentHash {
			t.Errorf("answer %d: %+v", i, an)
		}
	}
	st, _ := a.Store.Stats(ctx, time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), time.UTC)
	if st.LessonsCompleted != 1 || st.TodayCompleted != 1 || st.StreakDays != 1 {
		t.Errorf("stats after one lesson: %+v", st)
	}
	// The next pick is another lesson, of the other kind (soft/hard).
	next, _ := (learn.BasicPicker{Store: a.Store, Taxonomy: a.Taxonomy}).Next(ctx)
	if next.LessonID == l.ID {
		t.Errorf("picked %s twice in a row", l.ID)
	}
}

func TestSessionWrongAnswersExplained(t *testing.T) {
	a := coretest.Open(t)
	ctx := context.Background()
	lib, _ := a.Store.Library(ctx)
	l, _ := a.Store.Lesson(ctx, lib[0].ID)
	var out bytes.Buffer
	res, err := newSession(a, "\n"+strings.Join(answersFor(l, false), "\n")+"\n\n", &out).Run(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Correct != 0 || res.Answered != len(l.Questions) {
		t.Fatalf("%+v", res)
	}
	q := l.Questions[0]
	for _, o := range q.Options {
		if o.Correct && !strings.Contains(out.String(), "Right answer") {
			t.Fatalf("the right answer is not shown:\n%s", out.String())
		}
	}
	if !strings.Contains(out.String(), "Worth another look: question 1") {
		t.Errorf("no summary of missed questions:\n%s", out.String())
	}
	// The whole transcript: header, lesson text, quiz, explanations.
	golden(t, "lesson-wrong.txt", out.String())
}

func TestSessionQuitKeepsAnswers(t *testing.T) {
	a := coretest.Open(t)
	ctx := context.Background()
	lib, _ := a.Store.Library(ctx)
	l, _ := a.Store.Lesson(ctx, lib[0].ID)
	first := answersFor(l, true)[0]
	var out bytes.Buffer
	res, err := newSession(a, "\n"+first+"\nq\n", &out).Run(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != "abandoned" || res.Answered != 1 {
		t.Fatalf("%+v", res)
	}
	answers, _ := a.Store.AnswersOf(ctx, res.AttemptID)
	if len(answers) != 1 {
		t.Fatalf("%d answers kept, want 1", len(answers))
	}
	if !strings.Contains(out.String(), "Your answers so far are saved") {
		t.Errorf("output: %s", out.String())
	}
	// End of input in the middle behaves like q.
	res, err = newSession(a, "\n", &out).Run(ctx, l.ID)
	if err != nil || res.Outcome != "abandoned" {
		t.Fatalf("EOF: %+v %v", res, err)
	}
}

func TestSessionReflection(t *testing.T) {
	a := coretest.Open(t)
	ctx := context.Background()
	lib, _ := a.Store.Library(ctx)
	var l store.Lesson
	for _, s := range lib {
		if s.Kind == "reflection" {
			l, _ = a.Store.Lesson(ctx, s.ID)
			break
		}
	}
	if l.Reflection == nil {
		t.Fatal("the starter library has no reflection lesson")
	}
	in := "\n" + strings.Join(answersFor(l, true), "\n") + "\nI would breathe first.\nThen ask a question.\n\n"
	var out bytes.Buffer
	res, err := newSession(a, in, &out).Run(ctx, l.ID)
	if err != nil || res.Outcome != "completed" {
		t.Fatalf("%+v %v", res, err)
	}
	if !strings.Contains(out.String(), "A model answer") || !strings.Contains(out.String(), l.Reflection.ModelAnswer[:20]) {
		t.Errorf("no model answer shown:\n%s", out.String())
	}
	b, err := a.Store.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refl := b.Tables["reflections"]
	if len(refl) != 1 || refl[0]["text"] != "I would breathe first.\nThen ask a question." {
		t.Fatalf("reflections stored: %v", refl)
	}
}
