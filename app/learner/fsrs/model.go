package fsrs

import "math"

// model holds clamped FSRS-6 weights and the constants derived from them.
// Every formula rounds where ts-fsrs 5.4.2 rounds (8 decimals), so the two
// implementations agree to the last printed digit rather than merely to
// within floating-point noise.
type model struct {
	w      [NumWeights]float64
	decay  float64 // -w20
	factor float64 // 0.9^(1/decay) - 1, so that R(S, S) = 0.9
}

func newModel(w [NumWeights]float64) model {
	decay := -w[20]
	factor := roundTo(math.Exp(1/decay*math.Log(0.9))-1, 8)
	return model{w: w, decay: decay, factor: factor}
}

// forgettingCurve is R(t, S) = (1 + factor*t/S)^decay, rounded to 8 decimals.
func (m *model) forgettingCurve(elapsedDays, s float64) float64 {
	if s < MinStability || math.IsNaN(s) {
		s = MinStability
	}
	if elapsedDays < 0 || math.IsNaN(elapsedDays) {
		elapsedDays = 0
	}
	r := roundTo(math.Pow(1+m.factor*elapsedDays/s, m.decay), 8)
	if math.IsNaN(r) {
		return 0
	}
	return clamp(r, 0, 1)
}

// intervalModifier is I(S)/S for desired retention r: the interval at
// which R falls to r is S times this.
func (m *model) intervalModifier(r float64) float64 {
	return roundTo((math.Pow(r, 1/m.decay)-1)/m.factor, 8)
}

func (m *model) initStability(g Rating) float64 {
	return math.Max(m.w[g-1], 0.1)
}

// initDifficulty is D0(G) = w4 - e^(w5 (G-1)) + 1, unclamped (mean
// reversion uses the unclamped D0(Easy)).
func (m *model) initDifficulty(g Rating) float64 {
	return roundTo(m.w[4]-math.Exp(float64(g-1)*m.w[5])+1, 8)
}

// nextDifficulty applies linear damping towards 10 and mean reversion
// towards D0(Easy).
func (m *model) nextDifficulty(d float64, g Rating) float64 {
	delta := -m.w[6] * float64(g-3)
	next := d + roundTo(delta*(10-d)/9, 8)
	rev := roundTo(m.w[7]*m.initDifficulty(Easy)+(1-m.w[7])*next, 8)
	return guard(clamp(rev, MinDifficulty, MaxDifficulty), d)
}

func (m *model) recallStability(d, s, r float64, g Rating) float64 {
	w := &m.w
	hard, easy := 1.0, 1.0
	if g == Hard {
		hard = w[15]
	}
	if g == Easy {
		easy = w[16]
	}
	next := s * (1 + math.Exp(w[8])*(11-d)*math.Pow(s, -w[9])*(math.Exp((1-r)*w[10])-1)*hard*easy)
	return guard(roundTo(clamp(next, MinStability, MaxStability), 8), s)
}

func (m *model) forgetStability(d, s, r float64) float64 {
	w := &m.w
	next := w[11] * math.Pow(d, -w[12]) * (math.Pow(s+1, w[13]) - 1) * math.Exp((1-r)*w[14])
	return guard(roundTo(clamp(next, MinStability, MaxStability), 8), s)
}

func (m *model) shortTermStability(s float64, g Rating) float64 {
	w := &m.w
	sinc := math.Pow(s, -w[19]) * math.Exp(w[17]*(float64(g)-3+w[18]))
	if g >= Hard {
		sinc = math.Max(sinc, 1)
	}
	return guard(roundTo(clamp(s*sinc, MinStability, MaxStability), 8), s)
}

// nextState returns the memory state after a review with grade g, t whole
// days after the previous one. A zero state (d == 0 && s == 0) is a first
// review.
func (m *model) nextState(d, s float64, t int, g Rating) (nd, ns float64) {
	if d == 0 && s == 0 {
		return clamp(m.initDifficulty(g), MinDifficulty, MaxDifficulty), m.initStability(g)
	}
	// ts-fsrs rejects such states; clamping keeps a corrupted card usable.
	d = clamp(d, MinDifficulty, MaxDifficulty)
	s = clamp(s, MinStability, MaxStability)
	if t < 0 {
		t = 0
	}
	r := m.forgettingCurve(float64(t), s)
	switch {
	case t == 0:
		ns = m.shortTermStability(s, g)
	case g == Again:
		fail := m.forgetStability(d, s, r)
		floor := roundTo(s/math.Exp(m.w[17]*m.w[18]), 8)
		ns = math.Min(math.Max(floor, MinStability), fail)
	default:
		ns = m.recallStability(d, s, r, g)
	}
	return m.nextDifficulty(d, g), ns
}

// guard replaces a non-finite result by fallback. With clamped weights and
// a clamped state the formulas stay finite; this is the last line of
// defence so that a NaN can never be stored in a card.
func guard(x, fallback float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return fallback
	}
	return x
}
