package learner

import (
	"fmt"
	"sort"
	"time"

	"github.com/tidbit-learn/tidbit/app/learner/fsrs"
)

// CardReviews adapts FSRS-6 cards, one per lesson, to Reviews: a lesson is
// due when its card is. The zero value is not usable; use NewCardReviews.
type CardReviews struct {
	Scheduler *fsrs.Scheduler
	Cards     map[string]fsrs.Card
}

// NewCardReviews starts with no cards. A nil scheduler means FSRS-6
// defaults without learning steps: a micro-lesson is not re-shown within
// minutes, its first review is days later.
func NewCardReviews(s *fsrs.Scheduler) (*CardReviews, error) {
	if s == nil {
		p := fsrs.DefaultParameters()
		p.LearningSteps, p.RelearningSteps = nil, nil
		var err error
		if s, err = fsrs.NewScheduler(p); err != nil {
			return nil, fmt.Errorf("review scheduler: %w", err)
		}
	}
	return &CardReviews{Scheduler: s, Cards: map[string]fsrs.Card{}}, nil
}

// Due implements Reviews: cards due at or before now, lowest predicted
// recall first (ties by lesson id).
func (c *CardReviews) Due(now time.Time, limit int) []DueReview {
	var out []DueReview
	for id, card := range c.Cards {
		if card.State == fsrs.New || card.Due.After(now) {
			continue
		}
		out = append(out, DueReview{LessonID: id, Due: card.Due, Retrievability: c.Scheduler.Retrievability(card, now)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Retrievability != out[j].Retrievability {
			return out[i].Retrievability < out[j].Retrievability
		}
		return out[i].LessonID < out[j].LessonID
	})
	if limit >= 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Review records that the lesson was done (first time or again) at now with
// the given rating.
func (c *CardReviews) Review(lessonID string, now time.Time, r fsrs.Rating) error {
	card, ok := c.Cards[lessonID]
	if !ok {
		card = fsrs.NewCard(now)
	}
	next, _, err := c.Scheduler.Next(card, now, r)
	if err != nil {
		return fmt.Errorf("reviewing %s: %w", lessonID, err)
	}
	c.Cards[lessonID] = next
	return nil
}

// RatingFor turns a lesson's score into an FSRS rating: all right is Good,
// at least two thirds Hard, less Again (and no questions Good).
func RatingFor(correct, answered int) fsrs.Rating {
	switch {
	case answered <= 0 || correct >= answered:
		return fsrs.Good
	case 3*correct >= 2*answered:
		return fsrs.Hard
	}
	return fsrs.Again
}
