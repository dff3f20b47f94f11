// Package aiquiz connects the llm package's ahead-of-time quiz queue to the
// content store, so neither imports the other: an Adapter is the queue's
// QuizStore (verified quizzes become AI-written questions with provenance,
// store.SaveAIQuiz) and its Cache (the store's model cache), and it turns
// stored lessons into the llm.Lesson values the queue works on. The pop-up
// path never comes here: it reads the store (store.Lesson's AIQuestions,
// learn.QuizQuestions), so it never waits for a model.
package aiquiz

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/llm"
)

// Adapter is the store as the queue sees it.
type Adapter struct {
	Store *store.Store
	// Log receives what each save did; nil logs nothing.
	Log *slog.Logger
}

var (
	_ llm.QuizStore = (*Adapter)(nil)
	_ llm.Cache     = (*Adapter)(nil)
)

// New returns an Adapter for st.
func New(st *store.Store) *Adapter { return &Adapter{Store: st} }

// SaveQuiz writes a verified quiz's questions as AI-written questions of
// its lesson, in one transaction (idempotent; authored questions are never
// replaced). A quiz written from a lesson text that changed meanwhile is
// refused with an error wrapping store.ErrStaleQuiz.
func (a *Adapter) SaveQuiz(ctx context.Context, q llm.Quiz) error {
	res, err := a.Store.SaveAIQuiz(ctx, ToStore(q))
	if err != nil {
		return fmt.Errorf("storing the AI quiz of %s: %w", q.LessonID, err)
	}
	if a.Log != nil {
		a.Log.Info("AI quiz stored", "lesson", q.LessonID, "added", res.Added, "same", res.Same,
			"authored_ids", res.Authored, "stale_retired", res.StaleRetired)
	}
	return nil
}

// CacheGet implements llm.Cache with the store's model cache.
func (a *Adapter) CacheGet(ctx context.Context, key string) (string, bool, error) {
	return a.Store.CacheGet(ctx, key)
}

// CachePut implements llm.Cache with the store's model cache.
func (a *Adapter) CachePut(ctx context.Context, key, kind, model, value string, ttl time.Duration) error {
	return a.Store.CachePut(ctx, key, kind, model, value, ttl)
}

// ToStore converts a verified quiz for the store. Each question's
// provenance says whether it was verified; the store refuses any that was
// not.
func ToStore(q llm.Quiz) store.AIQuiz {
	out := store.AIQuiz{LessonID: q.LessonID, LessonHash: q.LessonHash}
	for _, x := range q.Questions {
		opts := make([]store.Option, len(x.Options))
		for i, o := range x.Options {
			opts[i] = store.Option{Text: o.Text, Correct: o.Correct, Why: o.Why}
		}
		p := x.Provenance
		out.Questions = append(out.Questions, store.AIQuestion{
			ID: x.ID, Type: x.Type, Prompt: x.Prompt, Options: opts,
			Verified: p.AIWritten && p.Verified,
			Provenance: store.AIProvenance{Model: p.Model, ModelDigest: p.ModelDigest, PromptVersion: p.PromptVersion,
				GeneratedAt: p.GeneratedAt, LessonHash: q.LessonHash, Skill: x.Skill, Difficulty: x.Difficulty},
		})
	}
	return out
}

// ToLesson is a stored lesson as quiz generation takes it: its authored
// questions' prompts are Existing, so a generated copy of one is dropped.
func ToLesson(l store.Lesson) llm.Lesson {
	out := llm.Lesson{ID: l.ID, Title: l.Title, Body: l.Body, Skills: l.Skills, Level: l.Level, Hash: l.ContentHash}
	for _, q := range l.Questions {
		out.Existing = append(out.Existing, q.Prompt)
	}
	return out
}

// Wanted returns the lessons a quiz should be prepared for: of ids, in
// that order (the order the picker would offer them), or of the whole
// library when ids is empty, those with no active AI-written question of
// their current text. Unknown ids are skipped. Call it off the
// pop-up path (at start, after an import, after a lesson was done) and
// hand the result to llm.Queue.Enqueue.
func (a *Adapter) Wanted(ctx context.Context, ids ...string) ([]llm.Lesson, error) {
	if len(ids) == 0 {
		lib, err := a.Store.Library(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing lessons for AI quizzes: %w", err)
		}
		for _, s := range lib {
			ids = append(ids, s.ID)
		}
	}
	var out []llm.Lesson
	for _, id := range ids {
		l, err := a.Store.Lesson(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading lesson %s for an AI quiz: %w", id, err)
		}
		if len(l.AIQuestions) > 0 || l.Body == "" {
			continue
		}
		out = append(out, ToLesson(l))
	}
	return out, nil
}

// Ready reports whether lesson id has verified AI-written questions of its
// current text in the store: what a pop-up would find.
func (a *Adapter) Ready(ctx context.Context, id string) (bool, error) {
	n, err := a.Store.AIReady(ctx, id)
	return n > 0, err
}
