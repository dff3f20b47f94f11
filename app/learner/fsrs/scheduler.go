package fsrs

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Rating is the learner's answer grade.
type Rating int8

// Ratings, numbered as in Anki and ts-fsrs.
const (
	Again Rating = 1
	Hard  Rating = 2
	Good  Rating = 3
	Easy  Rating = 4
)

// Ratings lists the four grades in order.
var Ratings = [4]Rating{Again, Hard, Good, Easy}

func (r Rating) String() string {
	switch r {
	case Again:
		return "again"
	case Hard:
		return "hard"
	case Good:
		return "good"
	case Easy:
		return "easy"
	}
	return "rating(" + strconv.Itoa(int(r)) + ")"
}

// Valid reports whether r is one of Again, Hard, Good, Easy.
func (r Rating) Valid() bool { return r >= Again && r <= Easy }

// State is where a card is in its life cycle.
type State int8

// Card states, numbered as in Anki and ts-fsrs.
const (
	New        State = 0 // never reviewed
	Learning   State = 1 // in the learning steps
	Review     State = 2 // scheduled in days
	Relearning State = 3 // in the relearning steps after a lapse
)

func (s State) String() string {
	switch s {
	case New:
		return "new"
	case Learning:
		return "learning"
	case Review:
		return "review"
	case Relearning:
		return "relearning"
	}
	return "state(" + strconv.Itoa(int(s)) + ")"
}

// Card is the scheduling state of one item. The zero Card (apart from Due)
// is a new card; see NewCard.
type Card struct {
	Due        time.Time // when the card should next be reviewed
	Stability  float64   // days until R falls to 90 %; 0 for a new card
	Difficulty float64   // 1..10; 0 for a new card
	// ElapsedDays is the number of UTC calendar days between the last two
	// reviews; ScheduledDays the interval, in days, the last review set (0
	// while in learning steps).
	ElapsedDays   int
	ScheduledDays int
	LearningStep  int // index into the (re)learning steps
	Reps          int // reviews so far
	Lapses        int // times forgotten (Again) in Review state
	State         State
	LastReview    time.Time // zero for a new card
}

// NewCard returns a new card due at now.
func NewCard(now time.Time) Card { return Card{Due: now, State: New} }

// ReviewLog records one review: the rating and the card as it was before
// the review, so that a review can be undone or a history replayed.
type ReviewLog struct {
	Rating          Rating
	Review          time.Time // when the review happened
	State           State     // state before the review
	Due             time.Time // due date before the review
	Stability       float64   // before the review
	Difficulty      float64   // before the review
	ElapsedDays     int       // UTC calendar days since the previous review (t)
	LastElapsedDays int       // the card's ElapsedDays before the review
	ScheduledDays   int       // the card's ScheduledDays before the review
	LearningStep    int       // the card's LearningStep before the review
	// Retrievability is the predicted probability of recall the update
	// used: R(ElapsedDays, Stability); 0 for a new card.
	Retrievability float64
}

// ScheduledCard is one outcome of Preview.
type ScheduledCard struct {
	Card Card
	Log  ReviewLog
}

// Scheduler computes FSRS-6 schedules. It is immutable and safe for
// concurrent use.
type Scheduler struct {
	params     Parameters
	m          model
	ivlMod     float64
	learning   []int // minutes
	relearning []int // minutes
}

// NewScheduler validates p and returns a scheduler. Weights are migrated
// (17 or 19 given) and clamped to their ranges exactly as ts-fsrs 5.4.2
// does; other invalid values are errors.
func NewScheduler(p Parameters) (*Scheduler, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	w, err := MigrateWeights(p.W, len(p.RelearningSteps))
	if err != nil {
		return nil, err
	}
	s := &Scheduler{params: p, m: newModel(w)}
	s.params.W = w[:]
	s.params.LearningSteps = append([]time.Duration(nil), p.LearningSteps...)
	s.params.RelearningSteps = append([]time.Duration(nil), p.RelearningSteps...)
	s.ivlMod = s.m.intervalModifier(p.DesiredRetention)
	if math.IsNaN(s.ivlMod) || math.IsInf(s.ivlMod, 0) || s.ivlMod < 0 {
		return nil, fmt.Errorf("fsrs: desired retention %v gives interval modifier %v", p.DesiredRetention, s.ivlMod)
	}
	for _, d := range p.LearningSteps {
		s.learning = append(s.learning, int(d/time.Minute))
	}
	for _, d := range p.RelearningSteps {
		s.relearning = append(s.relearning, int(d/time.Minute))
	}
	return s, nil
}

// MustDefault returns a scheduler with DefaultParameters.
func MustDefault() *Scheduler {
	s, err := NewScheduler(DefaultParameters())
	if err != nil {
		panic(err) // the defaults are valid; a failure here is a bug
	}
	return s
}

// Parameters returns the effective parameters: W holds the 21 migrated,
// clamped weights in use.
func (s *Scheduler) Parameters() Parameters {
	p := s.params
	p.W = append([]float64(nil), s.params.W...)
	p.LearningSteps = append([]time.Duration(nil), s.params.LearningSteps...)
	p.RelearningSteps = append([]time.Duration(nil), s.params.RelearningSteps...)
	return p
}

// Weights returns the 21 effective weights.
func (s *Scheduler) Weights() [NumWeights]float64 { return s.m.w }

// ForgettingCurve returns R after t days (fractional days allowed) for
// stability st: (1 + F t / S)^(-w20), rounded to 8 decimals.
func (s *Scheduler) ForgettingCurve(t, st float64) float64 {
	return s.m.forgettingCurve(t, st)
}

// Retrievability returns the probability that the card is recalled at now,
// as ts-fsrs get_retrievability: 0 for a new card, otherwise R(t, S) with t
// the whole 24-hour periods since the last review (never negative).
func (s *Scheduler) Retrievability(c Card, now time.Time) float64 {
	if c.State == New {
		return 0
	}
	t := 0.0
	if !c.LastReview.IsZero() {
		t = math.Max(math.Floor(float64(now.UnixMilli()-c.LastReview.UnixMilli())/msPerDay), 0)
	}
	return s.m.forgettingCurve(t, roundTo(c.Stability, 8))
}

// Interval returns the review interval in whole days for stability st at
// the desired retention, clamped to [1, MaximumInterval], without fuzz.
func (s *Scheduler) Interval(st float64) int {
	return int(s.rawInterval(st))
}

func (s *Scheduler) rawInterval(st float64) float64 {
	if math.IsNaN(st) {
		st = MinStability
	}
	return math.Min(math.Max(1, jsRound(st*s.ivlMod)), float64(s.params.MaximumInterval))
}

const msPerDay = 86400000

// utcDay is the number of the UTC calendar day of t.
func utcDay(t time.Time) int64 {
	ms := t.UnixMilli()
	d := ms / msPerDay
	if ms%msPerDay < 0 {
		d--
	}
	return d
}

func checkCard(c Card) error {
	if math.IsNaN(c.Stability) || math.IsInf(c.Stability, 0) || c.Stability < 0 {
		return fmt.Errorf("fsrs: card stability %v is not a non-negative number", c.Stability)
	}
	if math.IsNaN(c.Difficulty) || math.IsInf(c.Difficulty, 0) || c.Difficulty < 0 {
		return fmt.Errorf("fsrs: card difficulty %v is not a non-negative number", c.Difficulty)
	}
	if c.State < New || c.State > Relearning {
		return fmt.Errorf("fsrs: card has unknown state %d", c.State)
	}
	return nil
}

// Next returns the card after a review with rating r at now, and the log of
// that review. It follows ts-fsrs 5.4.2's default (basic) scheduler: new
// cards go through the learning steps, Again on a review card through the
// relearning steps, and a review on the same UTC day as the previous one
// uses the short-term stability formula. A review dated before the last
// review (clock skew) counts as 0 days elapsed. In Review state the Hard,
// Good and Easy intervals are kept strictly increasing, so at the maximum
// interval Good and Easy exceed it by 1 and 2 days, as in ts-fsrs.
func (s *Scheduler) Next(c Card, now time.Time, r Rating) (Card, ReviewLog, error) {
	if !r.Valid() {
		return c, ReviewLog{}, fmt.Errorf("fsrs: invalid rating %d, want 1 (again) to 4 (easy)", r)
	}
	if err := checkCard(c); err != nil {
		return c, ReviewLog{}, err
	}
	rv := s.newReview(c, now)
	return rv.grade(r), rv.log(r), nil
}

// Preview returns the outcome of each rating (index 0 = Again ... 3 =
// Easy), as Next would return it.
func (s *Scheduler) Preview(c Card, now time.Time) ([4]ScheduledCard, error) {
	var out [4]ScheduledCard
	if err := checkCard(c); err != nil {
		return out, err
	}
	rv := s.newReview(c, now)
	for i, r := range Ratings {
		out[i] = ScheduledCard{Card: rv.grade(r), Log: rv.log(r)}
	}
	return out, nil
}

// review is one review in progress (ts-fsrs AbstractScheduler).
type review struct {
	s       *Scheduler
	last    Card // as given
	cur     Card // reps+1, last review = now
	now     time.Time
	elapsed int
	r       float64
	fuzz    float64 // cached fuzzFactor
	fuzzSet bool
}

func (s *Scheduler) newReview(c Card, now time.Time) review {
	rv := review{s: s, last: c, cur: c, now: now}
	if c.State != New && !c.LastReview.IsZero() {
		rv.elapsed = int(utcDay(now) - utcDay(c.LastReview))
		if rv.elapsed < 0 {
			rv.elapsed = 0 // clock skew
		}
	}
	rv.cur.LastReview = now
	rv.cur.ElapsedDays = rv.elapsed
	rv.cur.Reps++
	if c.State != New {
		rv.r = s.m.forgettingCurve(float64(rv.elapsed), c.Stability)
	}
	return rv
}

func (rv *review) log(r Rating) ReviewLog {
	return ReviewLog{
		Rating:          r,
		Review:          rv.now,
		State:           rv.last.State,
		Due:             rv.last.Due,
		Stability:       rv.last.Stability,
		Difficulty:      rv.last.Difficulty,
		ElapsedDays:     rv.elapsed,
		LastElapsedDays: rv.last.ElapsedDays,
		ScheduledDays:   rv.last.ScheduledDays,
		LearningStep:    rv.last.LearningStep,
		Retrievability:  rv.r,
	}
}

// withState returns cur with the memory state after rating g.
func (rv *review) withState(g Rating) Card {
	c := rv.cur
	c.Difficulty, c.Stability = rv.s.m.nextState(rv.cur.Difficulty, rv.cur.Stability, rv.elapsed, g)
	return c
}

func (rv *review) grade(g Rating) Card {
	switch rv.last.State {
	case New:
		c := rv.withState(g)
		rv.applySteps(&c, g, Learning)
		return c
	case Learning, Relearning:
		c := rv.withState(g)
		rv.applySteps(&c, g, rv.last.State)
		return c
	}
	// Review: Again lapses into relearning; Hard < Good < Easy intervals.
	if g == Again {
		c := rv.withState(Again)
		rv.applySteps(&c, Again, Relearning)
		c.Lapses++
		return c
	}
	hard, good, easy := rv.withState(Hard), rv.withState(Good), rv.withState(Easy)
	hi := rv.interval(hard.Stability)
	gi := rv.interval(good.Stability)
	hi = min(hi, gi)
	gi = max(gi, hi+1)
	days := hi
	c := hard
	switch g {
	case Good:
		days, c = gi, good
	case Easy:
		days, c = max(rv.interval(easy.Stability), gi+1), easy
	}
	c.ScheduledDays = days
	c.Due = rv.now.Add(time.Duration(days) * 24 * time.Hour)
	c.State = Review
	c.LearningStep = 0
	return c
}

// fuzzFactor is the first Alea number for ts-fsrs's default seed
// "<review ms>_<reps>_<D*S>" (reps after, D and S before the review).
func (rv *review) fuzzFactor() float64 {
	if !rv.fuzzSet {
		seed := strconv.FormatInt(rv.now.UnixMilli(), 10) + "_" + strconv.Itoa(rv.cur.Reps) + "_" +
			jsNumber(rv.cur.Difficulty*rv.cur.Stability)
		rv.fuzz, rv.fuzzSet = aleaFirst(seed), true
	}
	return rv.fuzz
}

// interval is the review interval for stability st, fuzzed if enabled.
func (rv *review) interval(st float64) int {
	s := rv.s
	ivl := s.rawInterval(st)
	if !s.params.EnableFuzz || ivl < 2.5 {
		return int(ivl)
	}
	lo, hi := fuzzBounds(ivl, rv.elapsed, s.params.MaximumInterval)
	return int(math.Floor(rv.fuzzFactor()*(hi-lo+1) + lo))
}

// stepFor is ts-fsrs BasicLearningStepsStrategy: the minutes until the
// next step and the index of that step for rating g, or ok == false when g
// leaves the steps.
func (s *Scheduler) stepFor(state State, cur int, g Rating) (minutes float64, next int, ok bool) {
	steps := s.learning
	if state == Relearning || state == Review {
		steps = s.relearning
	}
	n := len(steps)
	if n == 0 || cur >= n {
		return 0, 0, false
	}
	first := float64(steps[0])
	if state == Review {
		if g != Again {
			return 0, 0, false
		}
		return float64(steps[max(0, cur)]), 0, true
	}
	switch g {
	case Again:
		return first, 0, true
	case Hard:
		if n == 1 {
			return jsRound(first * 1.5), cur, true
		}
		return jsRound((first + float64(steps[1])) / 2), cur, true
	case Good:
		if i := cur + 1; i >= 0 && i < n && steps[i] != 0 {
			return float64(steps[i]), i, true
		}
	}
	return 0, 0, false
}

// applySteps is ts-fsrs BasicScheduler.applyLearningSteps: keep the card in
// (re)learning for a step shorter than a day, otherwise graduate it to
// Review, either after a step of a day or more or after the FSRS interval.
func (rv *review) applySteps(c *Card, g Rating, to State) {
	minutes, next, _ := rv.s.stepFor(rv.cur.State, rv.cur.LearningStep, g)
	minutes = math.Max(0, minutes)
	next = max(0, next)
	switch {
	case minutes > 0 && minutes < 1440:
		c.LearningStep = next
		c.ScheduledDays = 0
		c.State = to
		c.Due = rv.now.Add(time.Duration(jsRound(minutes)) * time.Minute)
	case minutes >= 1440:
		c.State = Review
		c.LearningStep = next
		c.Due = rv.now.Add(time.Duration(jsRound(minutes)) * time.Minute)
		c.ScheduledDays = int(minutes / 1440)
	default:
		c.State = Review
		c.LearningStep = 0
		days := rv.interval(c.Stability)
		c.ScheduledDays = days
		c.Due = rv.now.Add(time.Duration(days) * 24 * time.Hour)
	}
}
