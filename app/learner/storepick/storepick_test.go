package storepick

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/core/coretest"
	"github.com/tidbit-learn/tidbit/app/learn"
	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/store"
)

// complete records an attempt on lesson id with every question answered,
// right or wrong.
func complete(t *testing.T, st *store.Store, id string, at time.Time, right bool, n int) {
	t.Helper()
	ctx := context.Background()
	l, err := st.Lesson(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	att := fmt.Sprintf("att-%d", n)
	if err := st.StartAttempt(ctx, store.Attempt{ID: att, LessonID: id, Kind: "lesson", StartedAt: at}); err != nil {
		t.Fatal(err)
	}
	correct := 0
	for k, q := range l.Questions {
		if right {
			correct++
		}
		if err := st.RecordAnswer(ctx, store.Answer{ID: fmt.Sprintf("%s-%d", att, k), AttemptID: att, QuestionID: q.ID,
			QuestionHash: q.ContentHash, Chosen: []int{0}, Correct: right, AnsweredAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.FinishAttempt(ctx, store.AttemptResult{AttemptID: att, FinishedAt: at.Add(time.Minute), Outcome: "completed",
		Correct: correct, Answered: len(l.Questions), Seconds: 60}); err != nil {
		t.Fatal(err)
	}
}

func TestPickerOnStarterLibrary(t *testing.T) {
	a := coretest.Open(t)
	ctx := context.Background()
	if err := a.Store.SaveProfile(ctx, store.Profile{Role: "software-engineer", Goals: []string{"team-lead"},
		Notes: "Needs to improve stakeholder updates.", MinutesPerWeek: 60}); err != nil {
		t.Fatal(err)
	}
	lib, err := a.Store.Library(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	p := Picker{Store: a.Store, Taxonomy: a.Taxonomy, Now: func() time.Time { return now }}
	var _ learn.Picker = p
	done := map[string]bool{}
	prev := ""
	kinds := map[learner.Kind]int{}
	for i := 0; i < 3*len(lib); i++ {
		pk, err := p.Pick(ctx)
		if err != nil {
			t.Fatalf("pick %d: %v", i, err)
		}
		if pk.LessonID == prev {
			t.Fatalf("pick %d: %s twice in a row", i, pk.LessonID)
		}
		l, err := a.Store.Lesson(ctx, pk.LessonID)
		if err != nil {
			t.Fatal(err)
		}
		if pk.Kind != learner.KindReview {
			for _, pre := range l.Prerequisites {
				if !done[pre] {
					t.Fatalf("%s picked before its prerequisite %s", l.ID, pre)
				}
			}
		}
		if pk.Reason == "" || strings.Contains(pk.Reason, "\n") {
			t.Fatalf("pick %d: reason %q", i, pk.Reason)
		}
		if i == 0 && !strings.HasPrefix(pk.Reason, "Because ") {
			t.Errorf("first pick of a learner with goals should name them: %q", pk.Reason)
		}
		kinds[pk.Kind]++
		// The learner gets delegation wrong, the rest right.
		complete(t, a.Store, pk.LessonID, now, !strings.Contains(pk.LessonID, "delegat"), i)
		done[pk.LessonID] = true
		prev = pk.LessonID
		now = now.Add(20 * time.Hour)
	}
	if len(done) != len(lib) {
		t.Errorf("%d of %d lessons offered in %d picks", len(done), len(lib), 3*len(lib))
	}
	if kinds[learner.KindReview] == 0 {
		t.Errorf("no reviews in %d picks over %d days: %v", 3*len(lib), 3*len(lib)*20/24, kinds)
	}
	// Learn's Next carries the same pick.
	pk, err := p.Next(ctx)
	if err != nil || pk.LessonID == "" || pk.Reason == "" {
		t.Errorf("Next: %+v, %v", pk, err)
	}
}

func TestPickerEmptyStore(t *testing.T) {
	a := coretest.OpenWith(t, coretest.Options{NoStarter: true})
	_, err := Picker{Store: a.Store, Taxonomy: a.Taxonomy}.Next(context.Background())
	if !errors.Is(err, learn.ErrNothingToLearn) {
		t.Errorf("err %v, want learn.ErrNothingToLearn", err)
	}
	if _, err := (Picker{}).Next(context.Background()); err == nil {
		t.Error("no error without a store")
	}
}

func TestPickerMissedReason(t *testing.T) {
	a := coretest.Open(t)
	ctx := context.Background()
	if err := a.Store.SaveProfile(ctx, store.Profile{Goals: []string{"team-lead"}}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	complete(t, a.Store, "delegate-outcomes-not-tasks", now.Add(-72*time.Hour), false, 1)
	complete(t, a.Store, "five-line-stakeholder-update", now.Add(-48*time.Hour), true, 2)
	p := Picker{Store: a.Store, Taxonomy: a.Taxonomy, Now: func() time.Time { return now }, Seed: 1}
	pk, err := p.Pick(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Delegation was all wrong three days ago: it is the most forgotten
	// and the reason quotes the record.
	want := "Time to refresh delegation: you missed "
	if pk.LessonID != "delegate-outcomes-not-tasks" || pk.Kind != learner.KindReview || !strings.HasPrefix(pk.Reason, want) {
		t.Errorf("pick %+v, want a delegation review starting %q", pk, want)
	}
	complete(t, a.Store, pk.LessonID, now, true, 3)
	pk, err = p.Pick(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(pk.Reason, "Because your goal is Team lead and you ") {
		t.Errorf("second pick %+v: want a goal reason", pk)
	}
}
