package aiquiz

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/core/coretest"
	"github.com/tidbit-learn/tidbit/app/learn"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/llm"
)

var genAt = time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)

// verifiedQuiz is what llm.Generator returns for l: n verified questions.
func verifiedQuiz(l llm.Lesson, n int) llm.Quiz {
	q := llm.Quiz{LessonID: l.ID, LessonHash: l.Hash}
	for i := range n {
		q.Questions = append(q.Questions, llm.Question{ID: fmt.Sprintf("%s/ai-%012x", l.ID, i), Type: "single",
			Prompt: fmt.Sprintf("Generated question %d about %s?", i, l.Title), Difficulty: 2, Skill: l.Skills[0],
			Options: []llm.Option{{Text: "A", Correct: true, Why: "The lesson says so."}, {Text: "B", Why: "It does not."},
				{Text: "C", Why: "It does not."}, {Text: "D", Why: "It does not."}},
			Provenance: llm.Provenance{AIWritten: true, Model: "llama3.2:1b", ModelDigest: "sha256:1b", PromptVersion: llm.PromptVersion,
				GeneratedAt: genAt, Verified: true, LessonHash: l.Hash}})
	}
	return q
}

// maker answers every lesson with a verified quiz at once.
type maker struct{ calls int }

func (m *maker) Quiz(_ context.Context, l llm.Lesson) (llm.Quiz, error) {
	m.calls++
	return verifiedQuiz(l, 3), nil
}

func TestQueueThroughAdapter(t *testing.T) {
	a := coretest.Open(t)
	ctx := context.Background()
	ad := New(a.Store)
	want, err := ad.Wanted(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lib, _ := a.Store.Library(ctx)
	if len(want) != len(lib) || len(want) == 0 {
		t.Fatalf("Wanted: %d lessons of %d", len(want), len(lib))
	}
	first, _ := a.Store.Lesson(ctx, want[0].ID)
	if want[0].Hash != first.ContentHash || len(want[0].Existing) != len(first.Questions) || want[0].Body != first.Body {
		t.Errorf("ToLesson: %+v", want[0])
	}

	m := &maker{}
	q := &llm.Queue{Maker: m, Model: "llama3.2:1b", Cache: ad, Store: ad, Idle: true}
	q.Enqueue(ctx, want[:3]...)
	qctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { q.Run(qctx); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for q.Stats().Prepared < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	for _, l := range want[:3] {
		if ok, err := ad.Ready(ctx, l.ID); !ok || err != nil {
			t.Errorf("%s: not ready after the queue prepared it (%v)", l.ID, err)
		}
		sl, _ := a.Store.Lesson(ctx, l.ID)
		quiz := learn.QuizQuestions(sl, learn.QuizSize)
		if last := quiz[len(quiz)-1]; last.AI == nil || last.AI.ModelDigest != "sha256:1b" || last.AI.PromptVersion != llm.PromptVersion {
			t.Errorf("%s: quiz ends with %+v", l.ID, last)
		}
	}
	again, _ := ad.Wanted(ctx, want[0].ID, want[3].ID, "no-such-lesson")
	if len(again) != 1 || again[0].ID != want[3].ID {
		t.Errorf("Wanted after preparing: %+v", again)
	}
	// A restart finds the quizzes in the cache: nothing is asked again.
	q2 := &llm.Queue{Maker: m, Model: "llama3.2:1b", Cache: ad, Store: ad}
	q2.Enqueue(ctx, want[:3]...)
	if s := q2.Stats(); s.Ready != 3 || s.Pending != 0 {
		t.Errorf("after a restart: %+v", s)
	}
}

func TestSaveQuizRefuses(t *testing.T) {
	a := coretest.Open(t)
	ctx := context.Background()
	ad := New(a.Store)
	want, _ := ad.Wanted(ctx)
	l := want[0]
	cases := []struct {
		name   string
		change func(*llm.Quiz)
		is     error
	}{
		{"unverified", func(q *llm.Quiz) { q.Questions[0].Provenance.Verified = false }, nil},
		{"not marked AI-written", func(q *llm.Quiz) { q.Questions[1].Provenance.AIWritten = false }, nil},
		{"stale lesson text", func(q *llm.Quiz) { q.LessonHash = "older" }, store.ErrStaleQuiz},
		{"unknown lesson", func(q *llm.Quiz) { *q = verifiedQuiz(llm.Lesson{ID: "gone", Hash: "h", Skills: []string{"s"}}, 1) }, store.ErrNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := verifiedQuiz(l, 2)
			tc.change(&q)
			err := ad.SaveQuiz(ctx, q)
			if err == nil || (tc.is != nil && !errors.Is(err, tc.is)) {
				t.Fatalf("SaveQuiz: %v", err)
			}
			if ok, _ := ad.Ready(ctx, l.ID); ok {
				t.Error("a refused quiz left questions behind")
			}
		})
	}
}
