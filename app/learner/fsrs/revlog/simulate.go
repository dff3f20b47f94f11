package revlog

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/tidbit-learn/tidbit/app/learner/fsrs"
)

// SimulationWeights are the weights Simulate uses by default: the FSRS-6
// defaults moved the way a real learner's might be (higher initial
// stabilities, a steeper forgetting curve), so that fitting has something
// to find.
var SimulationWeights = [fsrs.NumWeights]float64{
	0.4, 1.8, 4.5, 15, 5.8, 0.8334, 2.2, 0.001, 1.6, 0.25, 1.1,
	1.9, 0.0614, 0.2629, 1.2, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.3,
}

// SimOptions configures Simulate.
type SimOptions struct {
	Cards int    // cards to simulate (1-MaxSimCards)
	Seed  uint64 // the same seed gives the same rows
	// Weights drive recall; the zero value means SimulationWeights.
	Weights [fsrs.NumWeights]float64
	// Start is the first day (default 2024-01-01 UTC); Days the span of the
	// log (default 730): new cards arrive during its first 60 %.
	Start time.Time
	Days  int
	// ManualShare is the probability of a manual entry (rating 0, state
	// 5, as "set due date" leaves) after a review (default 0.01; negative
	// for none). Such rows do not change the schedule.
	ManualShare float64
}

// MaxSimCards bounds SimOptions.Cards.
const MaxSimCards = 1_000_000

// Simulate draws a review log from the FSRS-6 memory model: each card is
// introduced on a random day with a first rating (Again 20 %, Hard 10 %,
// Good 55 %, Easy 15 %; state New), Again and Hard get a learning step
// minutes later (Good, state Learning), then reviews follow at the interval
// for a per-card retention of 75-95 % stretched by 0.6-1.5, recalled with
// the model's probability (then Hard 10 %, Good 80 %, Easy 10 %; state
// Review); a lapse gets a relearning step (Good, state Relearning) 80 % of
// the time. Reviews fall between 06:00 and 23:00 UTC, so the default day
// boundary (04:00 UTC) reads back the simulated days exactly. Rows come
// grouped by card, in time order.
func Simulate(opt SimOptions) ([]Row, error) {
	if opt.Cards < 1 || opt.Cards > MaxSimCards {
		return nil, fmt.Errorf("simulate: %d cards: want 1-%d", opt.Cards, MaxSimCards)
	}
	if opt.Weights == ([fsrs.NumWeights]float64{}) {
		opt.Weights = SimulationWeights
	}
	if err := fsrs.ValidateWeights(opt.Weights[:], 1); err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	if opt.Start.IsZero() {
		opt.Start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	start := opt.Start.UTC().Truncate(24 * time.Hour)
	if opt.Days <= 0 {
		opt.Days = 730
	}
	if opt.Days > 36500 {
		return nil, fmt.Errorf("simulate: %d days: want at most 36500", opt.Days)
	}
	if opt.ManualShare == 0 {
		opt.ManualShare = 0.01
	}
	rng := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x5eed))
	mm := fsrs.NewMemoryModel(opt.Weights)
	pick := func(ps ...float64) fsrs.Rating {
		x := rng.Float64()
		for i, p := range ps {
			if x < p {
				return fsrs.Rating(i + 1)
			}
			x -= p
		}
		return fsrs.Rating(len(ps))
	}
	const minute = int64(60_000)
	dayMS := func(day int) int64 {
		// A random moment between 06:00 and 22:00 UTC; steps add minutes.
		return start.UnixMilli() + int64(day)*86_400_000 + 6*3_600_000 + rng.Int64N(16*3_600_000)
	}
	var rows []Row
	base := start.UnixMilli()
	for c := range opt.Cards {
		id := strconv.FormatInt(base+int64(c), 10)
		add := func(t int64, g fsrs.Rating, state int) {
			rows = append(rows, Row{CardID: id, Time: t, Rating: int(g), State: state, Duration: 2000 + rng.Int64N(18000)})
		}
		target := 0.75 + 0.2*rng.Float64()
		day := rng.IntN(max(1, opt.Days*6/10))
		t := dayMS(day)
		g := pick(0.2, 0.1, 0.55, 0.15)
		add(t, g, StateNew)
		s, d := mm.Init(g)
		if g <= fsrs.Hard {
			t += minute * (1 + rng.Int64N(10))
			add(t, fsrs.Good, StateLearning)
			s, d = mm.Next(s, d, fsrs.ReviewEvent{Rating: fsrs.Good})
		}
		for n := 0; n < 100; n++ {
			ivl := mm.Interval(s, target) * (0.6 + 0.9*rng.Float64())
			gap := max(1, int(math.Round(math.Min(ivl, 36500))))
			if day+gap >= opt.Days {
				break
			}
			if opt.ManualShare > 0 && rng.Float64() < opt.ManualShare {
				add(t+minute, 0, StateManual)
			}
			day += gap
			t = dayMS(day)
			g := fsrs.Again
			if rng.Float64() < mm.R(float64(gap), s) {
				g = pick(0, 0.1, 0.8, 0.1)
			}
			add(t, g, StateReview)
			s, d = mm.Next(s, d, fsrs.ReviewEvent{Rating: g, DeltaT: gap})
			if g == fsrs.Again && rng.Float64() < 0.8 {
				t += minute * (5 + rng.Int64N(10))
				add(t, fsrs.Good, StateRelearning)
				s, d = mm.Next(s, d, fsrs.ReviewEvent{Rating: fsrs.Good})
			}
		}
	}
	return rows, nil
}
