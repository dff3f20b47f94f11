package fsrs_test

import (
	"fmt"
	"time"

	"github.com/tidbit-learn/tidbit/app/learner/fsrs"
)

func Example() {
	s := fsrs.MustDefault()
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	card := fsrs.NewCard(now)

	card, _, _ = s.Next(card, now, fsrs.Good) // learning step: due in 10 minutes
	fmt.Println(card.State, card.Due.Sub(now), card.Stability)

	now = now.Add(3 * 24 * time.Hour)
	fmt.Printf("R after 3 days: %.4f\n", s.Retrievability(card, now))
	card, _, _ = s.Next(card, now, fsrs.Good) // graduates
	fmt.Println(card.State, card.ScheduledDays, card.Stability)
	// Output:
	// learning 10m0s 2.3065
	// R after 3 days: 0.8809
	// review 14 13.82690327
}
