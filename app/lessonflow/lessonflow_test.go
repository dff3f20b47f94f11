package lessonflow

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/core/coretest"
	"github.com/tidbit-learn/tidbit/app/learn"
	"github.com/tidbit-learn/tidbit/app/learner/storepick"
	"github.com/tidbit-learn/tidbit/app/store"
)

type fixedPicker struct{ pick learn.Pick }

func (f fixedPicker) Next(context.Context) (learn.Pick, error) { return f.pick, nil }

type failPicker struct{}

func (failPicker) Next(context.Context) (learn.Pick, error) {
	return learn.Pick{}, learn.ErrNothingToLearn
}

func newFlow(t *testing.T, a *core.App, p learn.Picker) *Flow {
	cards, err := storepick.NewCards()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	clock := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	return &Flow{Store: a.Store, Taxonomy: a.Taxonomy, Picker: p, Cards: cards,
		Now:   func() time.Time { clock = clock.Add(10 * time.Second); return clock },
		NewID: func() string { n++; return fmt.Sprintf("id-%03d", n) }}
}

// firstWithQuestions is a starter lesson with at least two questions.
func firstWithQuestions(t *testing.T, a *core.App, reflection bool) store.Lesson {
	t.Helper()
	lib, err := a.Store.Library(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range lib {
		l, err := a.Store.Lesson(context.Background(), s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Questions) >= 2 && (l.Reflection != nil) == reflection {
			return l
		}
	}
	t.Fatalf("no starter lesson with 2+ questions (reflection %v)", reflection)
	return store.Lesson{}
}

func rightChoice(q store.Question) []int {
	var out []int
	for i, o := range q.Options {
		if o.Correct {
			out = append(out, i)
		}
	}
	return out
}

func wrongChoice(q store.Question) []int {
	for i, o := range q.Options {
		if !o.Correct {
			return []int{i}
		}
	}
	return nil
}

func TestRunRecordsEveryAnswerWithCards(t *testing.T) {
	ctx := context.Background()
	a := coretest.Open(t)
	l := firstWithQuestions(t, a, false)
	f := newFlow(t, a, fixedPicker{learn.Pick{LessonID: l.ID, Reason: "because"}})
	r, err := f.Start(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.LessonID != l.ID || r.Why != "because" || r.Review || r.Title != l.Title || r.Meta == "" {
		t.Fatalf("item %+v", r.Item)
	}
	for i, q := range r.Questions {
		r.Shown(q.ID)
		choice, want := rightChoice(q), true
		if i == 0 {
			choice, want = wrongChoice(q), false
		}
		ok, err := r.Answer(ctx, q.ID, choice, 1)
		if err != nil || ok != want {
			t.Fatalf("answer %d: %v %v", i, ok, err)
		}
		card, known, err := a.Store.SRSCard(ctx, q.ID)
		if err != nil || !known || card.Reps == 0 {
			t.Fatalf("card of %s after answering: %+v %v %v", q.ID, card, known, err)
		}
	}
	// A retry is checked, not recorded.
	if ok, err := r.Answer(ctx, r.Questions[0].ID, rightChoice(r.Questions[0]), 2); err != nil || !ok {
		t.Fatalf("retry: %v %v", ok, err)
	}
	if err := r.Finish(ctx, Completed); err != nil {
		t.Fatal(err)
	}
	if err := r.Finish(ctx, Abandoned); err != nil {
		t.Fatalf("second finish: %v", err)
	}
	got, err := a.Store.AnswersOf(ctx, r.AttemptID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(r.Questions) || got[0].Correct {
		t.Fatalf("stored answers %+v", got)
	}
	c, n := r.Counts()
	if c != len(r.Questions)-1 || n != len(r.Questions) {
		t.Fatalf("counts %d/%d", c, n)
	}
	st, err := a.Store.Stats(ctx, f.now(), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if st.Sessions != 1 || st.Answered != len(r.Questions) {
		t.Fatalf("stats %+v", st)
	}
	if _, err := r.Answer(ctx, r.Questions[0].ID, []int{0}, 1); err != ErrFinished {
		t.Fatalf("answer after finish: %v", err)
	}
}

func TestRunRejectsBadAnswers(t *testing.T) {
	ctx := context.Background()
	a := coretest.Open(t)
	l := firstWithQuestions(t, a, false)
	r, err := newFlow(t, a, nil).Start(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		question string
		chosen   []int
		err      string
	}{
		{"unknown question", "nope", []int{0}, "not part of lesson"},
		{"option too high", l.Questions[0].ID, []int{99}, "has no option 100"},
		{"negative option", l.Questions[0].ID, []int{-1}, "has no option 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Answer(ctx, tc.question, tc.chosen, 1)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err %v, want %q", err, tc.err)
			}
		})
	}
	if err := r.Finish(ctx, "exploded"); err == nil {
		t.Fatal("unknown outcome accepted")
	}
	if _, n := r.Counts(); n != 0 {
		t.Fatalf("bad answers counted: %d", n)
	}
}

func TestRunReflection(t *testing.T) {
	ctx := context.Background()
	a := coretest.Open(t)
	l := firstWithQuestions(t, a, true)
	r, err := newFlow(t, a, nil).Start(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Reflection == nil {
		t.Fatal("reflection missing")
	}
	if err := r.Reflect(ctx, "   "); err != nil {
		t.Fatal(err)
	}
	if err := r.Reflect(ctx, " I would ask first. "); err != nil {
		t.Fatal(err)
	}
	if err := r.Finish(ctx, Completed); err != nil {
		t.Fatal(err)
	}
	var n int
	var text string
	db, err := sql.Open("sqlite3", "file:"+a.Store.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRowContext(ctx, `SELECT count(*), max(text) FROM reflections WHERE attempt_id = ?`, r.AttemptID).Scan(&n, &text); err != nil {
		t.Fatal(err)
	}
	if n != 1 || text != "I would ask first." {
		t.Fatalf("reflections: %d %q", n, text)
	}
}

func TestReviewAsksOnlyDueQuestions(t *testing.T) {
	ctx := context.Background()
	a := coretest.Open(t)
	l := firstWithQuestions(t, a, false)
	f := newFlow(t, a, nil)
	r, err := f.Start(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Only the first question is answered, so only it has a card.
	if _, err := r.Answer(ctx, l.Questions[0].ID, rightChoice(l.Questions[0]), 1); err != nil {
		t.Fatal(err)
	}
	if err := r.Finish(ctx, Completed); err != nil {
		t.Fatal(err)
	}
	f.Picker = fixedPicker{learn.Pick{LessonID: l.ID, Reason: "due", Review: true}}
	later := time.Date(2027, 6, 1, 9, 0, 0, 0, time.UTC)
	f.Now = func() time.Time { return later }
	rv, err := f.Start(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if !rv.Review || rv.Reflection != nil || len(rv.Questions) != 1 || rv.Questions[0].ID != l.Questions[0].ID {
		t.Fatalf("review item: review %v, %d questions", rv.Review, len(rv.Questions))
	}
}

func TestStartErrors(t *testing.T) {
	ctx := context.Background()
	a := coretest.Open(t)
	cases := []struct {
		name   string
		flow   *Flow
		lesson string
		err    string
	}{
		{"no store", &Flow{}, "x", "required"},
		{"no picker without lesson", &Flow{Store: a.Store, Taxonomy: a.Taxonomy}, "", "required"},
		{"empty library", &Flow{Store: a.Store, Taxonomy: a.Taxonomy, Picker: failPicker{}}, "", "picking the next lesson"},
		{"unknown lesson", &Flow{Store: a.Store, Taxonomy: a.Taxonomy}, "no-such-lesson", "loading lesson no-such-lesson"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.flow.Start(ctx, tc.lesson)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err %v, want %q", err, tc.err)
			}
		})
	}
}

func TestIsCorrect(t *testing.T) {
	q := store.Question{Options: []store.Option{{Correct: true}, {}, {Correct: true}}}
	cases := []struct {
		name   string
		chosen []int
		want   bool
	}{
		{"all right ones", []int{0, 2}, true},
		{"one missing", []int{0}, false},
		{"wrong extra", []int{0, 1, 2}, false},
		{"duplicate", []int{0, 0}, false},
		{"out of range", []int{3}, false},
		{"none", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := learn.IsCorrect(q, tc.chosen); got != tc.want {
				t.Fatalf("learn.IsCorrect(%v) = %v", tc.chosen, got)
			}
		})
	}
}
