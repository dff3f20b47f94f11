package lessonflow

import (
	"context"
	"strings"
	"testing"

	"github.com/tidbit-learn/tidbit/app/core/coretest"
	"github.com/tidbit-learn/tidbit/app/learn"
	"github.com/tidbit-learn/tidbit/app/store"
)

// TestRunMixesAndReportsAIQuestions: verified AI questions in the store
// join the quiz after the authored ones (learn.QuizQuestions), and a
// reported one is retired for good.
func TestRunMixesAndReportsAIQuestions(t *testing.T) {
	a := coretest.Open(t)
	ctx := context.Background()
	l := firstWithQuestions(t, a, false)
	coretest.AddAIQuestions(t, a.Store, l, 3)
	f := newFlow(t, a, fixedPicker{})
	r, err := f.Start(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ai []string
	for _, q := range r.Questions {
		if q.AI != nil {
			ai = append(ai, q.ID)
		}
	}
	if len(r.Questions) != learn.QuizSize || len(ai) != learn.MaxAIPerQuiz || r.Questions[0].AI != nil {
		t.Fatalf("quiz of %d questions with AI ones %v", len(r.Questions), ai)
	}
	if err := r.Report(ctx, r.Questions[0].ID); err == nil || !strings.Contains(err.Error(), "only AI-written questions") {
		t.Errorf("reporting an authored question: %v", err)
	}
	if err := r.Report(ctx, "nope"); err == nil {
		t.Error("reporting a question of another lesson worked")
	}
	if err := r.Report(ctx, ai[0]); err != nil {
		t.Fatal(err)
	}
	// The answer to a reported question can still be recorded (it was on
	// screen), and the run finishes normally.
	if _, err := r.Answer(ctx, ai[1], []int{0}, 1); err != nil {
		t.Fatal(err)
	}
	if err := r.Finish(ctx, Completed); err != nil {
		t.Fatal(err)
	}
	r2, err := f.Start(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range r2.Questions {
		if q.ID == ai[0] {
			t.Errorf("the reported question %s is asked again", q.ID)
		}
	}
	if last := r2.Questions[len(r2.Questions)-1]; last.ID != l.ID+"/ai-2" {
		t.Errorf("next quiz ends with %s, want the third AI question", last.ID)
	}
}

// TestFullQuiz: a pop-up's quiz is learn.QuizSize questions; a flow with
// FullQuiz (`tidbit learn`) asks every authored question and up to
// learn.MaxAIPerQuiz AI-written ones, in a lesson and in its review.
func TestFullQuiz(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name     string
		full     bool
		review   bool
		wantAuth func(l store.Lesson) int
		wantAI   int
	}{
		{"pop-up lesson", false, false, func(store.Lesson) int { return learn.QuizSize - learn.MaxAIPerQuiz }, learn.MaxAIPerQuiz},
		{"full lesson", true, false, func(l store.Lesson) int { return len(l.Questions) }, learn.MaxAIPerQuiz},
		{"full review without cards", true, true, func(l store.Lesson) int { return len(l.Questions) }, learn.MaxAIPerQuiz},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := coretest.Open(t)
			l := firstWithQuestions(t, a, false)
			if len(l.Questions) < learn.QuizSize {
				t.Skipf("lesson %s has only %d questions", l.ID, len(l.Questions))
			}
			coretest.AddAIQuestions(t, a.Store, l, 3)
			f := newFlow(t, a, fixedPicker{learn.Pick{LessonID: l.ID, Review: tc.review}})
			f.FullQuiz = tc.full
			r, err := f.Start(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			auth, ai := 0, 0
			for _, q := range r.Questions {
				if q.AI != nil {
					ai++
				} else {
					auth++
				}
			}
			if auth != tc.wantAuth(l) || ai != tc.wantAI || r.Review != tc.review {
				t.Fatalf("%d authored and %d AI questions (review %v), want %d and %d", auth, ai, r.Review, tc.wantAuth(l), tc.wantAI)
			}
		})
	}
}
