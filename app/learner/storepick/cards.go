package storepick

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/tidbit-learn/tidbit/app/learn"
	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/learner/fsrs"
	"github.com/tidbit-learn/tidbit/app/store"
)

// Cards schedules questions with FSRS-6 and converts between the store's
// SRSCard and fsrs.Card. A right answer is Good and a wrong one Again: a
// quiz answer says whether you recalled, not how hard it felt (the desktop
// review card asks for all four grades; Grade applies them).
type Cards struct {
	Scheduler *fsrs.Scheduler
}

var _ learn.CardScheduler = Cards{}

// NewCards returns FSRS-6 with default weights and no learning steps: a
// micro-lesson's questions come back days later, not in ten minutes.
func NewCards() (Cards, error) {
	p := fsrs.DefaultParameters()
	p.LearningSteps, p.RelearningSteps = nil, nil
	s, err := fsrs.NewScheduler(p)
	if err != nil {
		return Cards{}, fmt.Errorf("review scheduler: %w", err)
	}
	return Cards{Scheduler: s}, nil
}

var stateNames = map[fsrs.State]string{fsrs.New: "new", fsrs.Learning: "learning", fsrs.Review: "review", fsrs.Relearning: "relearning"}

func toFSRS(c store.SRSCard) fsrs.Card {
	st := fsrs.New
	for k, v := range stateNames {
		if v == c.State {
			st = k
		}
	}
	return fsrs.Card{Due: c.Due, Stability: c.Stability, Difficulty: c.Difficulty, ScheduledDays: c.ScheduledDays,
		LearningStep: c.Step, Reps: c.Reps, Lapses: c.Lapses, State: st, LastReview: c.LastReview}
}

func fromFSRS(id string, c fsrs.Card) store.SRSCard {
	return store.SRSCard{QuestionID: id, State: stateNames[c.State], Due: c.Due, Stability: c.Stability, Difficulty: c.Difficulty,
		Reps: c.Reps, Lapses: c.Lapses, Step: c.LearningStep, ScheduledDays: c.ScheduledDays, LastReview: c.LastReview}
}

// Next implements learn.CardScheduler.
func (c Cards) Next(prev store.SRSCard, known, correct bool, at time.Time) (store.SRSCard, error) {
	r := fsrs.Again
	if correct {
		r = fsrs.Good
	}
	return c.Grade(prev, known, int(r), at)
}

// Grade applies an explicit FSRS rating (1 Again, 2 Hard, 3 Good, 4 Easy),
// given by the learner on a review card, to a question's card; known is
// false for a question that has no card yet. It implements
// lessonflow.Grader.
func (c Cards) Grade(prev store.SRSCard, known bool, rating int, at time.Time) (store.SRSCard, error) {
	r := fsrs.Rating(rating)
	if rating < int(fsrs.Again) || rating > int(fsrs.Easy) {
		return store.SRSCard{}, fmt.Errorf("grading %s: rating %d is not 1 (Again) to 4 (Easy)", prev.QuestionID, rating)
	}
	card := fsrs.NewCard(at)
	if known {
		card = toFSRS(prev)
	}
	next, _, err := c.Scheduler.Next(card, at, r)
	if err != nil {
		return store.SRSCard{}, fmt.Errorf("scheduling %s: %w", prev.QuestionID, err)
	}
	return fromFSRS(prev.QuestionID, next), nil
}

// storedReviews makes lessons due from their questions' stored cards: a
// lesson is due when any of its cards is, and its predicted recall is the
// lowest of its cards'. Lessons done before cards were kept fall back to
// the completion model.
type storedReviews struct {
	sched    *fsrs.Scheduler
	lessons  []store.LessonCards
	fallback *completionReviews
}

func (p Picker) reviews(ctx context.Context, done []store.LessonSummary) (learner.Reviews, error) {
	cards, err := p.Store.Cards(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading review cards: %w", err)
	}
	has := map[string]bool{}
	for _, lc := range cards {
		has[lc.LessonID] = true
	}
	var rest []store.LessonSummary
	for _, l := range done {
		if !has[l.ID] {
			rest = append(rest, l)
		}
	}
	c, err := NewCards()
	if err != nil {
		return nil, err
	}
	return &storedReviews{sched: c.Scheduler, lessons: cards, fallback: newCompletionReviews(rest)}, nil
}

func (s *storedReviews) Due(now time.Time, limit int) []learner.DueReview {
	out := s.fallback.Due(now, -1)
	for _, lc := range s.lessons {
		var due *learner.DueReview
		for _, c := range lc.Cards {
			if c.Due.After(now) || c.State == "new" {
				continue
			}
			r := s.sched.Retrievability(toFSRS(c), now)
			if due == nil {
				due = &learner.DueReview{LessonID: lc.LessonID, Due: c.Due, Retrievability: r}
				continue
			}
			if c.Due.Before(due.Due) {
				due.Due = c.Due
			}
			due.Retrievability = min(due.Retrievability, r)
		}
		if due != nil {
			out = append(out, *due)
		}
	}
	// Stable, so equally urgent lessons keep the fallback's order (the
	// one done longest ago first).
	sort.SliceStable(out, func(i, j int) bool { return out[i].Retrievability < out[j].Retrievability })
	if limit >= 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}
