// Package coretest is for tests only: it opens Tidbit's real state (the
// SQLite store with the taxonomy and the starter library) in a temp
// folder, and puts verified AI-written questions into it.
//
// It exists because helpers in _test.go files cannot be shared between
// packages, and the same opener was written again in app/aiquiz,
// app/learn, app/learner/storepick, app/lessonflow, app/personal and
// llm's external tests. Production code must not import it: it imports
// package testing.
package coretest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/app/store"
)

// Options for OpenWith.
type Options struct {
	// NoStarter opens a store with the taxonomy but no lessons.
	NoStarter bool
}

// Open opens a fresh store with the starter library in a temp folder and
// closes it when the test ends. Any failure ends the test.
func Open(t testing.TB) *core.App {
	t.Helper()
	return OpenWith(t, Options{})
}

// OpenWith is Open with options.
func OpenWith(t testing.TB, o Options) *core.App {
	t.Helper()
	p, err := paths.Resolve(filepath.Join(t.TempDir(), "data"), paths.OS())
	if err != nil {
		t.Fatal(err)
	}
	a, err := core.Open(context.Background(), p, core.Options{NoStarter: o.NoStarter})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// AIGeneratedAt is when AddAIQuestions' questions say they were written.
var AIGeneratedAt = time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)

// AddAIQuestions saves n verified AI-written single-choice questions for
// l, as a verified quiz from the model would be saved (store.SaveAIQuiz).
// Question i has the ID "LESSON/ai-i" and the prompt "Generated question
// i?"; of its options "Yes" and "No" the first is right. Reading l back,
// they are its AIQuestions, in order. Any failure ends the test.
func AddAIQuestions(t testing.TB, st *store.Store, l store.Lesson, n int) {
	t.Helper()
	q := store.AIQuiz{LessonID: l.ID, LessonHash: l.ContentHash}
	for i := range n {
		q.Questions = append(q.Questions, store.AIQuestion{ID: fmt.Sprintf("%s/ai-%d", l.ID, i), Type: "single",
			Prompt: fmt.Sprintf("Generated question %d?", i), Verified: true,
			Options:    []store.Option{{Text: "Yes", Correct: true, Why: "Right."}, {Text: "No", Why: "Wrong."}},
			Provenance: store.AIProvenance{Model: "tiny", ModelDigest: "d", PromptVersion: "quiz-v1", GeneratedAt: AIGeneratedAt}})
	}
	if _, err := st.SaveAIQuiz(context.Background(), q); err != nil {
		t.Fatalf("saving %d AI questions for %s: %v", n, l.ID, err)
	}
}
