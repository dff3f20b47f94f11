// Package learn holds what every lesson front end shares, below the engine
// that runs an attempt (app/lessonflow): the Picker contract and its basic
// rule, which questions a quiz or a review asks (QuizQuestions,
// DueQuestions), how an answer is judged (IsCorrect), and the hooks the
// engine records through (CardScheduler for spaced repetition, Outbox for
// xAPI statements). It records nothing itself: the lesson window and
// `tidbit learn` (app/lessonflow/terminal) both record through lessonflow.
package learn

import (
	"context"
	"fmt"
	"time"

	"github.com/tidbit-learn/tidbit/app/store"
)

// Outbox turns progress records into outbox items; app/xapi's Recorder is
// one. A method may return nil (e.g. when no LRS is configured).
type Outbox interface {
	Started(l store.Lesson, a store.Attempt) []store.OutboxItem
	Answered(l store.Lesson, q store.Question, a store.Answer) []store.OutboxItem
	Finished(l store.Lesson, a store.Attempt, r store.AttemptResult) []store.OutboxItem
}

// CardScheduler computes a question's next spaced-repetition state from its
// previous one (known is false for a first answer) and the answer.
type CardScheduler interface {
	Next(prev store.SRSCard, known bool, correct bool, at time.Time) (store.SRSCard, error)
}

// DueQuestions keeps the questions whose review is due; when the lesson is
// due as a whole but no single card is (cards were never stored for it),
// all of them. app/lessonflow asks it for every review.
func DueQuestions(ctx context.Context, st *store.Store, qs []store.Question, now time.Time) ([]store.Question, error) {
	var due []store.Question
	for _, q := range qs {
		c, ok, err := st.SRSCard(ctx, q.ID)
		if err != nil {
			return nil, fmt.Errorf("reading the review card of %s: %w", q.ID, err)
		}
		if ok && !c.Due.After(now) {
			due = append(due, q)
		}
	}
	if len(due) == 0 {
		return qs, nil
	}
	return due, nil
}

// IsCorrect says whether chosen is exactly q's set of correct options
// (out-of-range or repeated indexes are wrong). app/lessonflow judges every
// quiz answer with it.
func IsCorrect(q store.Question, chosen []int) bool {
	seen := map[int]bool{}
	for _, c := range chosen {
		if c < 0 || c >= len(q.Options) || !q.Options[c].Correct || seen[c] {
			return false
		}
		seen[c] = true
	}
	want := 0
	for _, o := range q.Options {
		if o.Correct {
			want++
		}
	}
	return len(seen) == want
}
