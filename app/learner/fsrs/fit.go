package fsrs

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// ReviewEvent is one review in a card's history, as the optimizer sees it.
type ReviewEvent struct {
	Rating Rating
	// DeltaT is the number of whole days since the card's previous review
	// (UTC calendar days, as the scheduler counts them): 0 for the first
	// review and for reviews on the same day.
	DeltaT int
}

// HistoryFromReviews turns a card's review times and ratings, in
// chronological order, into the events Fit takes. Times going backwards
// (clock skew) count as the same day.
func HistoryFromReviews(times []time.Time, ratings []Rating) ([]ReviewEvent, error) {
	if len(times) != len(ratings) {
		return nil, fmt.Errorf("fsrs: %d review times but %d ratings", len(times), len(ratings))
	}
	out := make([]ReviewEvent, len(times))
	for i, r := range ratings {
		if !r.Valid() {
			return nil, fmt.Errorf("fsrs: review %d has invalid rating %d", i+1, r)
		}
		out[i].Rating = r
		if i > 0 {
			out[i].DeltaT = max(0, int(utcDay(times[i])-utcDay(times[i-1])))
		}
	}
	return out, nil
}

// FitOptions tunes Fit. Zero fields take the fsrs-rs defaults.
type FitOptions struct {
	Epochs       int     // passes over the data (default 5)
	BatchSize    int     // predicted reviews per Adam step (default 512)
	LearningRate float64 // Adam step size, cosine-annealed to 0 (default 0.04)
	// Gamma weighs the L2 pull towards the starting weights, scaled by
	// the spread of weights fitted across Anki users (default 1; negative
	// disables it).
	Gamma float64
	Seed  uint64 // shuffling seed (default 2023)
	// NumRelearningSteps sets the ceiling of w17/w18 as in WeightRanges
	// (default 1).
	NumRelearningSteps int
}

func (o *FitOptions) fill() {
	if o.Epochs <= 0 {
		o.Epochs = 5
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 512
	}
	if o.LearningRate <= 0 {
		o.LearningRate = 0.04
	}
	if o.Gamma == 0 {
		o.Gamma = 1
	}
	if o.Gamma < 0 {
		o.Gamma = 0
	}
	if o.Seed == 0 {
		o.Seed = 2023
	}
	if o.NumRelearningSteps <= 0 {
		o.NumRelearningSteps = 1
	}
}

// FitResult is the outcome of Fit.
type FitResult struct {
	W [NumWeights]float64
	// LogLoss is the mean binary cross-entropy of W on the predicted
	// reviews; InitialLogLoss that of the default weights.
	LogLoss, InitialLogLoss float64
	Samples                 int  // predicted reviews (those a day or more after the previous one)
	Trained                 bool // false: too little data, only w0..w3 were estimated
}

// ErrTooFewReviews is returned by Fit when fewer than 8 reviews can be
// predicted (a review is predicted when it comes a day or more after the
// card's previous one).
var ErrTooFewReviews = errors.New("fsrs: too few reviews to fit weights")

// paramsStddev is the spread of FSRS-6 weights fitted per user (fsrs-rs),
// used to scale the L2 regularization.
var paramsStddev = [NumWeights]float64{
	6.43, 9.66, 17.58, 27.85, 0.57, 0.28, 0.6, 0.12, 0.39, 0.18, 0.33, 0.3, 0.09, 0.16, 0.57, 0.25,
	1.03, 0.31, 0.32, 0.14, 0.27,
}

// Fit estimates the 21 weights from review histories (one slice per card,
// chronological, first DeltaT 0) like the fsrs-rs optimizer: the initial
// stabilities w0..w3 are first estimated per first rating from each card's
// first review on a later day, then all weights are trained by Adam on the
// log loss of every review made a day or more after the previous one, with
// a cosine-annealed learning rate, L2 regularization towards the starting
// weights, clamping to WeightRanges after every step, and the best epoch
// kept.
func Fit(cards [][]ReviewEvent, opts FitOptions) (FitResult, error) {
	opts.fill()
	var res FitResult
	if err := checkHistories(cards); err != nil {
		return res, err
	}
	res.Samples = countSamples(cards)
	res.InitialLogLoss, _ = LogLoss(DefaultWeights, cards)
	if res.Samples < 8 {
		return res, fmt.Errorf("%w: %d predictable reviews, need at least 8", ErrTooFewReviews, res.Samples)
	}

	w := DefaultWeights
	s0 := pretrainInitialStability(cards, w[20])
	copy(w[:4], s0[:])
	clampWeights(&w, opts.NumRelearningSteps)
	init := w
	best := w
	bestLoss, _ := LogLoss(w, cards)
	if res.Samples < 64 {
		res.W, res.LogLoss = best, bestLoss
		return res, nil
	}

	order := make([]int, len(cards))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
	total := float64(res.Samples)
	iters := (res.Samples/opts.BatchSize + 1) * opts.Epochs
	var m1, m2 [NumWeights]float64
	step := 0
	adam := func(grad *[NumWeights]float64, batch int) {
		// L2 pull towards the starting weights, weighted by this batch's
		// share of the data (as fsrs-rs does per batch).
		k := opts.Gamma * float64(batch) / total
		for i := range grad {
			grad[i] += k * 2 * (w[i] - init[i]) / (paramsStddev[i] * paramsStddev[i])
		}
		step++
		lr := opts.LearningRate * 0.5 * (1 + math.Cos(math.Pi*float64(step-1)/float64(iters)))
		const b1, b2, eps = 0.9, 0.999, 1e-8
		c1 := 1 - math.Pow(b1, float64(step))
		c2 := 1 - math.Pow(b2, float64(step))
		for i := range w {
			g := grad[i]
			if math.IsNaN(g) || math.IsInf(g, 0) {
				continue
			}
			m1[i] = b1*m1[i] + (1-b1)*g
			m2[i] = b2*m2[i] + (1-b2)*g*g
			w[i] -= lr * (m1[i] / c1) / (math.Sqrt(m2[i]/c2) + eps)
		}
		clampWeights(&w, opts.NumRelearningSteps)
	}

	for epoch := 0; epoch < opts.Epochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		var grad [NumWeights]float64
		batch := 0
		dm := newDualModel(w)
		for _, ci := range order {
			loss, n := dm.cardLoss(cards[ci])
			if n == 0 {
				continue
			}
			for i := range grad {
				grad[i] += loss.g[i]
			}
			batch += n
			if batch >= opts.BatchSize {
				adam(&grad, batch)
				grad, batch = [NumWeights]float64{}, 0
				dm = newDualModel(w)
			}
		}
		if batch > 0 {
			adam(&grad, batch)
		}
		if l, _ := LogLoss(w, cards); l < bestLoss {
			best, bestLoss = w, l
		}
	}
	res.W, res.LogLoss, res.Trained = best, bestLoss, true
	return res, nil
}

func checkHistories(cards [][]ReviewEvent) error {
	for c, h := range cards {
		for i, ev := range h {
			if !ev.Rating.Valid() {
				return fmt.Errorf("fsrs: card %d review %d: invalid rating %d", c+1, i+1, ev.Rating)
			}
			if ev.DeltaT < 0 {
				return fmt.Errorf("fsrs: card %d review %d: negative delta_t %d", c+1, i+1, ev.DeltaT)
			}
		}
	}
	return nil
}

func countSamples(cards [][]ReviewEvent) int {
	n := 0
	for _, h := range cards {
		for i := 1; i < len(h); i++ {
			if h[i].DeltaT > 0 {
				n++
			}
		}
	}
	return n
}

func clampWeights(w *[NumWeights]float64, numRelearningSteps int) {
	r := WeightRanges(w[:], numRelearningSteps)
	for i := range w {
		w[i] = clamp(w[i], r[i].Min, r[i].Max)
	}
}

// LogLoss returns the mean binary cross-entropy of weights w on every
// review made a day or more after the card's previous review (label:
// recalled = rating above Again), and the number of such reviews. This is
// the loss fsrs-rs's evaluate reports.
func LogLoss(w [NumWeights]float64, cards [][]ReviewEvent) (float64, int) {
	m := plainModel{w: w}
	m.init()
	sum, n := 0.0, 0
	for _, h := range cards {
		if len(h) == 0 {
			continue
		}
		s, d := m.first(h[0].Rating)
		for i := 1; i < len(h); i++ {
			ev := h[i]
			if ev.DeltaT > 0 {
				r := clamp(m.r(float64(ev.DeltaT), s), probEps, 1-probEps)
				if ev.Rating > Again {
					sum -= math.Log(r)
				} else {
					sum -= math.Log(1 - r)
				}
				n++
			}
			s, d = m.step(s, d, ev)
		}
	}
	if n == 0 {
		return 0, 0
	}
	return sum / float64(n), n
}

// probEps keeps predicted probabilities off 0 and 1 in the log loss.
const probEps = 1e-7

// plainModel is the FSRS-6 memory model in float64 without the rounding
// of the scheduler: the function fsrs-rs trains and evaluates.
type plainModel struct {
	w             [NumWeights]float64
	decay, factor float64
}

func (m *plainModel) init() {
	m.decay = -m.w[20]
	m.factor = math.Pow(0.9, 1/m.decay) - 1
}

func (m *plainModel) r(t, s float64) float64 { return math.Pow(1+m.factor*t/s, m.decay) }

func (m *plainModel) d0(g Rating) float64 { return m.w[4] - math.Exp(m.w[5]*float64(g-1)) + 1 }

func (m *plainModel) first(g Rating) (s, d float64) {
	return clamp(m.w[g-1], MinStability, MaxStability), clamp(m.d0(g), MinDifficulty, MaxDifficulty)
}

func (m *plainModel) step(s, d float64, ev ReviewEvent) (float64, float64) {
	w := &m.w
	g := ev.Rating
	var ns float64
	switch {
	case ev.DeltaT == 0:
		sinc := math.Exp(w[17]*(float64(g)-3+w[18])) * math.Pow(s, -w[19])
		if g >= Hard {
			sinc = math.Max(sinc, 1)
		}
		ns = s * sinc
	case g == Again:
		r := m.r(float64(ev.DeltaT), s)
		f := w[11] * math.Pow(d, -w[12]) * (math.Pow(s+1, w[13]) - 1) * math.Exp((1-r)*w[14])
		ns = math.Min(f, s/math.Exp(w[17]*w[18]))
	default:
		r := m.r(float64(ev.DeltaT), s)
		h, b := 1.0, 1.0
		if g == Hard {
			h = w[15]
		}
		if g == Easy {
			b = w[16]
		}
		ns = s * (1 + math.Exp(w[8])*(11-d)*math.Pow(s, -w[9])*(math.Exp((1-r)*w[10])-1)*h*b)
	}
	nd := d + (-w[6]*float64(g-3))*(10-d)/9
	nd = w[7]*m.d0(Easy) + (1-w[7])*nd
	return guard(clamp(ns, MinStability, MaxStability), s), guard(clamp(nd, MinDifficulty, MaxDifficulty), d)
}

// dualModel is plainModel with gradients.
type dualModel struct {
	w             [NumWeights]dual
	decay, factor dual
}

func newDualModel(w [NumWeights]float64) *dualModel {
	m := &dualModel{}
	for i, x := range w {
		m.w[i] = variable(i, x)
	}
	m.decay = m.w[20].scale(-1)
	// factor = 0.9^(1/decay) - 1 = exp(ln 0.9 / decay) - 1
	m.factor = constant(math.Log(0.9)).div(m.decay).exp().addc(-1)
	return m
}

func (m *dualModel) r(t float64, s dual) dual {
	return m.factor.scale(t).div(s).addc(1).pow(m.decay)
}

func (m *dualModel) d0(g Rating) dual {
	return m.w[4].sub(m.w[5].scale(float64(g - 1)).exp()).addc(1)
}

// cardLoss returns the summed log loss over one card's predicted reviews
// and their number.
func (m *dualModel) cardLoss(h []ReviewEvent) (dual, int) {
	var loss dual
	n := 0
	if len(h) == 0 {
		return loss, 0
	}
	g0 := h[0].Rating
	s := m.w[g0-1].clamp(MinStability, MaxStability)
	d := m.d0(g0).clamp(MinDifficulty, MaxDifficulty)
	for i := 1; i < len(h); i++ {
		ev := h[i]
		if ev.DeltaT > 0 {
			r := m.r(float64(ev.DeltaT), s).clamp(probEps, 1-probEps)
			if ev.Rating > Again {
				loss = loss.sub(r.log())
			} else {
				loss = loss.sub(constant(1).sub(r).log())
			}
			n++
		}
		s, d = m.step(s, d, ev)
	}
	return loss, n
}

func (m *dualModel) step(s, d dual, ev ReviewEvent) (dual, dual) {
	w := &m.w
	g := ev.Rating
	var ns dual
	switch {
	case ev.DeltaT == 0:
		sinc := w[17].mul(w[18].addc(float64(g) - 3)).exp().mul(s.pow(w[19].scale(-1)))
		if g >= Hard {
			sinc = maxDual(sinc, constant(1))
		}
		ns = s.mul(sinc)
	case g == Again:
		r := m.r(float64(ev.DeltaT), s)
		f := w[11].mul(d.pow(w[12].scale(-1))).
			mul(s.addc(1).pow(w[13]).addc(-1)).
			mul(constant(1).sub(r).mul(w[14]).exp())
		ns = minDual(f, s.div(w[17].mul(w[18]).exp()))
	default:
		r := m.r(float64(ev.DeltaT), s)
		inc := w[8].exp().mul(constant(11).sub(d)).
			mul(s.pow(w[9].scale(-1))).
			mul(constant(1).sub(r).mul(w[10]).exp().addc(-1))
		if g == Hard {
			inc = inc.mul(w[15])
		}
		if g == Easy {
			inc = inc.mul(w[16])
		}
		ns = s.mul(inc.addc(1))
	}
	delta := w[6].scale(-float64(g - 3))
	nd := d.add(delta.mul(constant(10).sub(d)).scale(1.0 / 9))
	nd = w[7].mul(m.d0(Easy)).add(constant(1).sub(w[7]).mul(nd))
	ns = ns.clamp(MinStability, MaxStability)
	nd = nd.clamp(MinDifficulty, MaxDifficulty)
	if math.IsNaN(ns.v) || math.IsInf(ns.v, 0) {
		ns = s
	}
	if math.IsNaN(nd.v) || math.IsInf(nd.v, 0) {
		nd = d
	}
	return ns, nd
}

// pretrainInitialStability estimates w0..w3, the stability after a first
// rating of Again..Easy, from each card's first review on a later day:
// per first rating, the S minimizing the log loss of R(t, S) (decay from
// the current weights). Ratings with fewer than 16 such reviews keep the
// default scaled by how far the estimated ones moved; the result is made
// non-decreasing in the rating.
func pretrainInitialStability(cards [][]ReviewEvent, decayW float64) [4]float64 {
	type obs struct {
		t  float64
		ok bool
	}
	var groups [4][]obs
	for _, h := range cards {
		if len(h) < 2 {
			continue
		}
		for i := 1; i < len(h); i++ {
			if h[i].DeltaT > 0 {
				g := h[0].Rating
				groups[g-1] = append(groups[g-1], obs{float64(h[i].DeltaT), h[i].Rating > Again})
				break
			}
		}
	}
	m := plainModel{w: DefaultWeights}
	m.w[20] = decayW
	m.init()
	loss := func(os []obs, s float64) float64 {
		sum := 0.0
		for _, o := range os {
			r := clamp(m.r(o.t, s), probEps, 1-probEps)
			if o.ok {
				sum -= math.Log(r)
			} else {
				sum -= math.Log(1 - r)
			}
		}
		return sum
	}
	var out [4]float64
	var fitted [4]bool
	logRatio, nFit := 0.0, 0
	for g := range 4 {
		out[g] = DefaultWeights[g]
		if len(groups[g]) < 16 {
			continue
		}
		// Golden-section search on log S over [0.001, 100].
		lo, hi := math.Log(MinStability), math.Log(initSMax)
		const phi = 0.6180339887498949
		a, b := hi-phi*(hi-lo), lo+phi*(hi-lo)
		fa, fb := loss(groups[g], math.Exp(a)), loss(groups[g], math.Exp(b))
		for range 80 {
			if fa < fb {
				hi, b, fb = b, a, fa
				a = hi - phi*(hi-lo)
				fa = loss(groups[g], math.Exp(a))
			} else {
				lo, a, fa = a, b, fb
				b = lo + phi*(hi-lo)
				fb = loss(groups[g], math.Exp(b))
			}
		}
		out[g] = math.Exp((lo + hi) / 2)
		fitted[g] = true
		logRatio += math.Log(out[g] / DefaultWeights[g])
		nFit++
	}
	if nFit > 0 {
		k := math.Exp(logRatio / float64(nFit))
		for g := range 4 {
			if !fitted[g] {
				out[g] = clamp(DefaultWeights[g]*k, MinStability, initSMax)
			}
		}
	}
	for g := 1; g < 4; g++ {
		out[g] = math.Max(out[g], out[g-1])
	}
	return out
}
