package storepick

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/core/coretest"
	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/learner/fsrs"
	"github.com/tidbit-learn/tidbit/app/learner/kt"
	"github.com/tidbit-learn/tidbit/app/store"
)

// answerMany records n answers spread over the starter library's questions,
// a day apart per question round, right with the pattern given.
func answerMany(t *testing.T, st *store.Store, n int, start time.Time, right func(i int) bool) {
	t.Helper()
	ctx := context.Background()
	lib, _ := st.Library(ctx)
	var qs []store.Question
	for _, l := range lib {
		full, _ := st.Lesson(ctx, l.ID)
		qs = append(qs, full.Questions...)
	}
	for i := 0; i < n; i++ {
		q := qs[i%len(qs)]
		at := start.Add(time.Duration(i/len(qs)) * 3 * 24 * time.Hour).Add(time.Duration(i%len(qs)) * time.Minute)
		att := fmt.Sprintf("att-%d-%d", start.Unix(), i)
		if err := st.StartAttempt(ctx, store.Attempt{ID: att, LessonID: q.LessonID, Kind: "quiz", StartedAt: at}); err != nil {
			t.Fatal(err)
		}
		if err := st.RecordAnswer(ctx, store.Answer{ID: att + "-a", AttemptID: att, QuestionID: q.ID, QuestionHash: q.ContentHash,
			Chosen: []int{0}, Correct: right(i), AnsweredAt: at}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestKTMasteryIsIncremental(t *testing.T) {
	a := coretest.Open(t)
	ctx := context.Background()
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	answerMany(t, a.Store, 60, start, func(i int) bool { return i%3 != 0 })
	if _, err := KTMastery(ctx, a.Store); err != nil {
		t.Fatal(err)
	}
	answerMany(t, a.Store, 40, start.Add(30*24*time.Hour), func(i int) bool { return i%2 == 0 })
	m, err := KTMastery(ctx, a.Store)
	if err != nil {
		t.Fatal(err)
	}
	// The same answers replayed from scratch give the same estimates.
	full := kt.DefaultModel().NewState()
	if _, err := a.Store.AnswersAfter(ctx, 0, func(e store.AnswerEvent) error {
		full.Update(e.Skill, e.Correct)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := learner.KTMastery{State: full}
	checked := 0
	for _, skill := range full.Practised() {
		got, exp := m.Estimate(skill), want.Estimate(skill)
		if math.Abs(got.P-exp.P) > 1e-12 || got.Answered != exp.Answered {
			t.Errorf("%s: incremental %+v, full replay %+v", skill, got, exp)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no skill practised")
	}
	var saved ktState
	if ok, _ := a.Store.Setting(ctx, SettingKTState, &saved); !ok || saved.Seq == 0 {
		t.Fatalf("state not saved: %+v", saved)
	}
}

func TestRefitIfDue(t *testing.T) {
	a := coretest.Open(t)
	ctx := context.Background()
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	answerMany(t, a.Store, MinAnswersToFit-1, start, func(i int) bool { return i%4 != 0 })
	now := start.Add(90 * 24 * time.Hour)
	if fitted, err := RefitIfDue(ctx, a.Store, now); fitted || err != nil {
		t.Fatalf("below the minimum: %v %v", fitted, err)
	}
	if ok, _ := a.Store.Setting(ctx, SettingFSRSWeights, &PersonalWeights{}); ok {
		t.Fatal("a fit was recorded below the minimum")
	}
	answerMany(t, a.Store, 200, start.Add(40*24*time.Hour), func(i int) bool { return i%5 != 0 })
	if _, err := RefitIfDue(ctx, a.Store, now); err != nil {
		t.Fatal(err)
	}
	var pw PersonalWeights
	if ok, _ := a.Store.Setting(ctx, SettingFSRSWeights, &pw); !ok || !pw.FittedAt.Equal(now) || pw.Answers < MinAnswersToFit {
		t.Fatalf("fit not recorded: %+v", pw)
	}
	if len(pw.W) > 0 && !(pw.LogLoss < pw.InitialLogLoss) {
		t.Fatalf("kept weights that predict worse than the defaults: %+v", pw)
	}
	// A day later with no new answers: not due again.
	if fitted, err := RefitIfDue(ctx, a.Store, now.Add(24*time.Hour)); fitted || err != nil {
		t.Fatalf("refit a day later: %v %v", fitted, err)
	}
	var again PersonalWeights
	a.Store.Setting(ctx, SettingFSRSWeights, &again)
	if !again.FittedAt.Equal(now) {
		t.Fatal("the fit was redone without new answers")
	}
}

func TestCardsForUsesPersonalWeights(t *testing.T) {
	a := coretest.OpenWith(t, coretest.Options{NoStarter: true})
	ctx := context.Background()
	c, err := CardsFor(ctx, a.Store)
	if err != nil || c.Scheduler.Weights() != fsrs.MustDefault().Weights() {
		t.Fatalf("no personal weights: want the defaults (%v)", err)
	}
	w := fsrs.MustDefault().Weights()
	w[2] = 5.0 // a learner whose first Good holds for longer
	if err := a.Store.SetSetting(ctx, SettingFSRSWeights, PersonalWeights{W: w[:]}); err != nil {
		t.Fatal(err)
	}
	c, err = CardsFor(ctx, a.Store)
	if err != nil || c.Scheduler.Weights()[2] != 5.0 {
		t.Fatalf("personal weights not used: %v %v", c.Scheduler.Weights()[2], err)
	}
	card, err := c.Next(store.SRSCard{QuestionID: "q"}, false, true, time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	if err != nil || card.Stability != 5.0 {
		t.Fatalf("first Good with w2=5: %+v %v", card, err)
	}
	// Weights that no longer validate fall back to the defaults.
	a.Store.SetSetting(ctx, SettingFSRSWeights, PersonalWeights{W: []float64{1, 2}})
	if c, err := CardsFor(ctx, a.Store); err != nil || c.Scheduler.Weights() != fsrs.MustDefault().Weights() {
		t.Fatalf("bad stored weights: %v", err)
	}
}
