package learner

import (
	"math"
	"math/bits"
	"sort"

	"github.com/tidbit-learn/tidbit/app/learner/kt"
)

// Estimate is a belief about one skill of one learner.
type Estimate struct {
	// P is the mastery: the probability of answering a typical question on
	// the skill correctly, in (0, 1).
	P float64
	// Uncertainty is the standard deviation of the belief about P.
	Uncertainty float64
	// Answered and Right count all answers on the skill; RecentRight of
	// RecentN is the recent record used in reasons ("you missed 3 of 5").
	Answered, Right      int
	RecentN, RecentRight int
}

// Mastery estimates per-skill mastery. Implementations must be cheap (the
// recommender asks once per skill per pick) and must not return NaN; the
// recommender sanitises anyway.
type Mastery interface {
	Estimate(skill string) Estimate
}

// recentWindow is how many recent answers reasons quote.
const recentWindow = 5

// KTMastery adapts a knowledge-tracing state (app/learner/kt) to Mastery.
// Feed answers to State.Update; Estimate reads the model's prediction, its
// Beta-style standard deviation and the last recentWindow answers.
type KTMastery struct {
	State *kt.State
}

// Estimate implements Mastery.
func (k KTMastery) Estimate(skill string) Estimate {
	if k.State == nil {
		return Estimate{P: 0.6, Uncertainty: 0.3}
	}
	pr := k.State.Predict(skill)
	st := k.State.Skills[skill]
	n := min(st.RecentN, recentWindow)
	return sanitize(Estimate{
		P: pr.P, Uncertainty: pr.Std,
		Answered: st.Right + st.Wrong, Right: st.Right,
		RecentN: n, RecentRight: bits.OnesCount16(st.Recent & uint16(1<<n-1)),
	})
}

// BetaMastery is the simple fallback: per skill a Beta(1.2, 0.8) prior
// (mean 0.6, like kt's default model for an unseen skill) updated with
// right and wrong answers. It has no notion of order, so the "recent"
// record it reports is the whole record.
type BetaMastery struct {
	counts map[string][2]int // right, answered
}

// NewBetaMastery returns an empty estimator.
func NewBetaMastery() *BetaMastery { return &BetaMastery{counts: map[string][2]int{}} }

// Add records right of answered answers on skill (negative or inconsistent
// counts are clamped).
func (b *BetaMastery) Add(skill string, right, answered int) {
	answered = max(answered, 0)
	right = max(0, min(right, answered))
	c := b.counts[skill]
	c[0] = min(c[0]+right, 1<<40)
	c[1] = min(c[1]+answered, 1<<40)
	b.counts[skill] = c
}

// Update records one answer.
func (b *BetaMastery) Update(skill string, correct bool) {
	r := 0
	if correct {
		r = 1
	}
	b.Add(skill, r, 1)
}

// Estimate implements Mastery.
func (b *BetaMastery) Estimate(skill string) Estimate {
	c := b.counts[skill]
	a := 1.2 + float64(c[0])
	bb := 0.8 + float64(c[1]-c[0])
	p := a / (a + bb)
	u := math.Sqrt(a * bb / ((a + bb) * (a + bb) * (a + bb + 1)))
	return sanitize(Estimate{P: p, Uncertainty: u, Answered: c[1], Right: c[0], RecentN: c[1], RecentRight: c[0]})
}

func sanitize(e Estimate) Estimate {
	if math.IsNaN(e.P) || math.IsInf(e.P, 0) {
		e.P = 0.5
	}
	e.P = math.Max(1e-4, math.Min(1-1e-4, e.P))
	if math.IsNaN(e.Uncertainty) || math.IsInf(e.Uncertainty, 0) || e.Uncertainty < 0 {
		e.Uncertainty = 0.5
	}
	e.Uncertainty = math.Min(e.Uncertainty, 0.5)
	e.RecentN = max(e.RecentN, 0)
	e.RecentRight = max(0, min(e.RecentRight, e.RecentN))
	return e
}

// Blend combines the evidence of m with the learner's self-rating (if any)
// as a precision-weighted mean: a self-rating counts like a belief with
// standard deviation 0.2 around LevelP(rating), so it dominates before the
// first answers and fades as answers accumulate.
func (p *Profile) Blend(skill string, e Estimate) (mastery, uncertainty float64) {
	e = sanitize(e)
	r, ok := p.selfRating(skill)
	if !ok {
		return e.P, e.Uncertainty
	}
	u := math.Max(e.Uncertainty, 0.01)
	we, ws := 1/(u*u), 1/(selfRatingStdDev*selfRatingStdDev)
	m := (e.P*we + LevelP(r)*ws) / (we + ws)
	return m, math.Sqrt(1 / (we + ws))
}

// Gap is how far one target skill is from its target.
type Gap struct {
	Skill       string   `json:"skill"`
	Level       float64  `json:"target_level"` // 1-5
	TargetP     float64  `json:"target_p"`     // LevelP(Level)
	Mastery     float64  `json:"mastery"`      // estimate blended with the self-rating
	Uncertainty float64  `json:"uncertainty"`  // standard deviation of Mastery
	Gap         float64  `json:"gap"`          // TargetP - Mastery; negative when above target
	Sources     []Source `json:"sources"`
	Estimate    Estimate `json:"-"`
}

// Gaps returns the gap of every target skill, largest first (ties by skill
// id). m may be nil (no evidence: every skill at the prior 0.6 ± 0.3).
func Gaps(p *Profile, m Mastery) []Gap {
	if p == nil {
		return []Gap{}
	}
	out := make([]Gap, 0, len(p.Targets))
	for _, t := range p.Targets {
		e := Estimate{P: 0.6, Uncertainty: 0.3}
		if m != nil {
			e = m.Estimate(t.Skill)
		}
		mast, u := p.Blend(t.Skill, e)
		tp := LevelP(t.Level)
		out = append(out, Gap{Skill: t.Skill, Level: t.Level, TargetP: tp, Mastery: mast, Uncertainty: u,
			Gap: tp - mast, Sources: t.Sources, Estimate: sanitize(e)})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Gap != out[j].Gap {
			return out[i].Gap > out[j].Gap
		}
		return out[i].Skill < out[j].Skill
	})
	return out
}

func (p *Profile) selfRating(skill string) (float64, bool) {
	if p == nil {
		return 0, false
	}
	r, ok := p.SelfRatings[skill]
	return r, ok
}
