package lessonwin

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/ipc"
	"github.com/tidbit-learn/tidbit/app/learn"
	"github.com/tidbit-learn/tidbit/app/learner/storepick"
	"github.com/tidbit-learn/tidbit/app/lessonflow"
	"github.com/tidbit-learn/tidbit/app/paths"
)

type reviewPicker struct{ id string }

func (p reviewPicker) Next(context.Context) (learn.Pick, error) {
	return learn.Pick{LessonID: p.id, Reason: "due", Review: true}, nil
}

// TestReviewWindowStore: the review window on a real lessonflow run and
// SQLite store — a lesson learnt, its cards due a month later, graded Easy
// and Again by key — stores each grade as the answer's rating with the
// card of that rating (Easy's due after Again's), and completes the
// attempt.
func TestReviewWindowStore(t *testing.T) {
	ctx := context.Background()
	p, err := paths.Resolve(filepath.Join(t.TempDir(), "data"), paths.OS())
	if err != nil {
		t.Fatal(err)
	}
	app, err := core.Open(ctx, p, core.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Close() })
	lib, err := app.Store.Library(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cards, err := storepick.NewCards()
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	f := &lessonflow.Flow{Store: app.Store, Taxonomy: app.Taxonomy, Cards: cards,
		Now: func() time.Time { clock = clock.Add(time.Second); return clock }}
	var lessonID string
	for _, s := range lib {
		if l, err := app.Store.Lesson(ctx, s.ID); err == nil && len(l.Questions) >= 2 {
			lessonID = l.ID
			break
		}
	}
	learnt, err := f.Start(ctx, lessonID)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range learnt.Questions[:2] {
		var right []int
		for i, o := range q.Options {
			if o.Correct {
				right = append(right, i)
			}
		}
		if _, err := learnt.Answer(ctx, q.ID, right, 1); err != nil {
			t.Fatal(err)
		}
	}
	if err := learnt.Finish(ctx, lessonflow.Completed); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(30 * 24 * time.Hour)
	f.Picker = reviewPicker{lessonID}
	run, err := f.Start(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if !run.Review || len(run.Questions) != 2 {
		t.Fatalf("review with %d questions (review %v)", len(run.Questions), run.Review)
	}

	wr := NewWriter(ctx)
	var outcomes []ipc.Outcome
	w := Show(test.NewTempApp(t), run.Item, run, Options{Writer: wr, OnOutcome: func(o ipc.Outcome) { outcomes = append(outcomes, o) }})
	press(w, fyne.KeySpace, fyne.Key4, fyne.KeySpace, fyne.Key1, fyne.KeyReturn)
	wr.Close()
	if len(outcomes) != 1 || outcomes[0] != ipc.Done {
		t.Fatalf("outcomes %v", outcomes)
	}

	answers, err := app.Store.AnswersOf(ctx, run.AttemptID)
	if err != nil {
		t.Fatal(err)
	}
	if len(answers) != 2 || answers[0].Rating != 4 || !answers[0].Correct || answers[1].Rating != 1 || answers[1].Correct {
		t.Fatalf("stored answers %+v", answers)
	}
	easy, _, err := app.Store.SRSCard(ctx, answers[0].QuestionID)
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := app.Store.SRSCard(ctx, answers[1].QuestionID)
	if err != nil {
		t.Fatal(err)
	}
	if easy.Reps != 2 || again.Reps != 2 || again.Lapses != 1 || !easy.Due.After(again.Due) {
		t.Fatalf("cards: easy %+v, again %+v", easy, again)
	}
	prog, err := app.Store.Progress(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if prog[lessonID].Completed != 2 {
		t.Fatalf("progress of %s: %+v (the review must complete its attempt)", lessonID, prog[lessonID])
	}
}
