package lessonflow

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/core/coretest"
	"github.com/tidbit-learn/tidbit/app/learn"
	"github.com/tidbit-learn/tidbit/app/learner/storepick"
	"github.com/tidbit-learn/tidbit/app/store"
)

var _ Grader = storepick.Cards{}

// reviewRun learns a lesson (its first question answered right, so it
// has a card) and starts its review 30 days later, when the card is due.
func reviewRun(t *testing.T) (*Flow, *Run, store.SRSCard) {
	t.Helper()
	ctx := context.Background()
	a := coretest.Open(t)
	l := firstWithQuestions(t, a, false)
	f := newFlow(t, a, nil)
	r, err := f.Start(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Answer(ctx, l.Questions[0].ID, rightChoice(l.Questions[0]), 1); err != nil {
		t.Fatal(err)
	}
	if err := r.Finish(ctx, Completed); err != nil {
		t.Fatal(err)
	}
	prev, known, err := a.Store.SRSCard(ctx, l.Questions[0].ID)
	if err != nil || !known {
		t.Fatalf("card after learning: %v %v", known, err)
	}
	f.Picker = fixedPicker{learn.Pick{LessonID: l.ID, Reason: "due", Review: true}}
	clock := time.Date(2026, 12, 25, 9, 0, 0, 0, time.UTC)
	f.Now = func() time.Time { clock = clock.Add(10 * time.Second); return clock }
	rv, err := f.Start(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if !rv.Review || len(rv.Questions) != 1 {
		t.Fatalf("review: %v, %d questions", rv.Review, len(rv.Questions))
	}
	return f, rv, prev
}

// TestGradeRecordsAnswerAndCard: each grade stores a self-graded answer
// (its rating, no options chosen, right from Hard up) and the card FSRS
// gives for that rating, in the same write; Again comes back soonest and
// Easy latest.
func TestGradeRecordsAnswerAndCard(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name  string
		grade int
		right bool
	}{
		{"again", 1, false},
		{"hard", 2, true},
		{"good", 3, true},
		{"easy", 4, true},
	}
	due := map[int]time.Time{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, r, prev := reviewRun(t)
			q := r.Questions[0]
			r.Shown(q.ID)
			if err := r.Grade(ctx, q.ID, tc.grade); err != nil {
				t.Fatal(err)
			}
			gradedAt := f.Now().Add(-10 * time.Second) // the clock ticks per call
			got, err := f.Store.AnswersOf(ctx, r.AttemptID)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].QuestionID != q.ID || got[0].Rating != tc.grade || got[0].Correct != tc.right ||
				len(got[0].Chosen) != 0 || got[0].Duration != 10*time.Second {
				t.Fatalf("stored answers %+v", got)
			}
			card, known, err := f.Store.SRSCard(ctx, q.ID)
			if err != nil || !known {
				t.Fatalf("card: %v %v", known, err)
			}
			want, err := f.Cards.(Grader).Grade(prev, true, tc.grade, gradedAt)
			if err != nil {
				t.Fatal(err)
			}
			want.QuestionID = q.ID
			if !card.Due.Equal(want.Due) || card.Reps != prev.Reps+1 || card.Stability != want.Stability ||
				card.Lapses != want.Lapses || !card.LastReview.Equal(gradedAt) {
				t.Fatalf("stored card %+v\nwant %+v", card, want)
			}
			due[tc.grade] = card.Due
			var events []store.AnswerEvent
			if _, err := f.Store.AnswersAfter(ctx, 0, func(e store.AnswerEvent) error { events = append(events, e); return nil }); err != nil {
				t.Fatal(err)
			}
			if last := events[len(events)-1]; last.QuestionID != q.ID || last.Rating != tc.grade || events[0].Rating != 0 {
				t.Fatalf("answer events for the learner models: %+v", events)
			}
			if c, n := r.Counts(); n != 1 || (c == 1) != tc.right {
				t.Fatalf("counts %d/%d", c, n)
			}
			if err := r.Finish(ctx, Completed); err != nil {
				t.Fatal(err)
			}
		})
	}
	for g := 2; g <= 4; g++ {
		if !due[g].After(due[g-1]) {
			t.Errorf("grade %d due %v, not after grade %d's %v", g, due[g], g-1, due[g-1])
		}
	}
}

func TestGradeRefuses(t *testing.T) {
	ctx := context.Background()
	_, r, _ := reviewRun(t)
	q := r.Questions[0].ID
	cases := []struct {
		name  string
		id    string
		grade int
		want  string
	}{
		{"grade 0", q, 0, "grade 0 of question"},
		{"grade 5", q, 5, "is not 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)"},
		{"unknown question", "nope", 3, "not part of lesson"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := r.Grade(ctx, tc.id, tc.grade); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
	if err := r.Grade(ctx, q, 3); err != nil {
		t.Fatal(err)
	}
	if err := r.Grade(ctx, q, 4); err == nil || !strings.Contains(err.Error(), "already graded") {
		t.Fatalf("second grade: %v", err)
	}
	if err := r.Finish(ctx, Completed); err != nil {
		t.Fatal(err)
	}
	if err := r.Grade(ctx, q, 3); !errors.Is(err, ErrFinished) {
		t.Fatalf("after finish: %v", err)
	}
	if c, n := r.Counts(); c != 1 || n != 1 {
		t.Fatalf("counts %d/%d: refused grades must not count", c, n)
	}
}

// nextOnly hides Cards.Grade: a scheduler that only knows right or wrong.
type nextOnly struct{ c storepick.Cards }

func (n nextOnly) Next(prev store.SRSCard, known, correct bool, at time.Time) (store.SRSCard, error) {
	return n.c.Next(prev, known, correct, at)
}

// TestGradeWithoutGrader: a scheduler that cannot take grades schedules
// Hard or better as a right answer (Good).
func TestGradeWithoutGrader(t *testing.T) {
	ctx := context.Background()
	f, r, prev := reviewRun(t)
	cards := f.Cards.(storepick.Cards)
	f.Cards = nextOnly{cards}
	q := r.Questions[0].ID
	if err := r.Grade(ctx, q, 4); err != nil {
		t.Fatal(err)
	}
	at := f.Now().Add(-10 * time.Second)
	got, _, err := f.Store.SRSCard(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := cards.Grade(prev, true, 3, at)
	if !got.Due.Equal(want.Due) {
		t.Fatalf("due %v, want Good's %v", got.Due, want.Due)
	}
}
