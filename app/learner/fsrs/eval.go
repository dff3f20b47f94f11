package fsrs

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
)

// This file scores weights on review histories the way fsrs-rs 6.5
// (FSRS::evaluate, the function behind @open-spaced-repetition/binding's
// evaluate and Anki's "Evaluate" button) and the srs-benchmark do:
//
//   - a review is scored when it is not the card's first and comes a day or
//     more after the previous review (same-day reviews update the memory
//     state but are never predicted, as in LogLoss and Fit);
//   - the label is "recalled" = rating above Again, the prediction R(t, S)
//     from the float64 model of LogLoss (no scheduler rounding);
//   - log loss is the mean binary cross-entropy, RMSE(bins) the calibration
//     error over fsrs-rs's bins (RBinOf), AUC the area under the ROC curve.
//
// With recency weights (RecencyWeights, on scored reviews in chronological
// order) log loss and RMSE(bins) equal fsrs-rs's evaluate; with no weights
// they are the plain, count-weighted figures of the srs-benchmark tables.

// MemoryModel is the FSRS-6 memory model in float64 without the rounding of
// the Scheduler: the function fsrs-rs trains and evaluates, and the one
// LogLoss and Fit use. Weights are used as given (see ValidateWeights).
type MemoryModel struct{ m plainModel }

// NewMemoryModel returns the memory model with weights w.
func NewMemoryModel(w [NumWeights]float64) *MemoryModel {
	mm := &MemoryModel{m: plainModel{w: w}}
	mm.m.init()
	return mm
}

// Init returns stability and difficulty after a card's first rating.
func (mm *MemoryModel) Init(g Rating) (s, d float64) {
	if !g.Valid() {
		g = Good
	}
	return mm.m.first(g)
}

// Next returns stability and difficulty after review ev of a card whose
// state was (s, d). ev.DeltaT 0 is a same-day review.
func (mm *MemoryModel) Next(s, d float64, ev ReviewEvent) (float64, float64) {
	if !ev.Rating.Valid() {
		return s, d
	}
	ev.DeltaT = max(ev.DeltaT, 0)
	s = clamp(s, MinStability, MaxStability)
	d = clamp(d, MinDifficulty, MaxDifficulty)
	return mm.m.step(s, d, ev)
}

// R is the probability of recall t days after a review left stability s.
func (mm *MemoryModel) R(t, s float64) float64 {
	r := mm.m.r(math.Max(t, 0), clamp(s, MinStability, MaxStability))
	if math.IsNaN(r) {
		return 0
	}
	return clamp(r, 0, 1)
}

// Interval is the number of days (unrounded) after which R falls from 1 to
// retention for stability s.
func (mm *MemoryModel) Interval(s, retention float64) float64 {
	return s / mm.m.factor * (math.Pow(retention, 1/mm.m.decay) - 1)
}

// RBin identifies an fsrs-rs calibration bin: interval bin, review-count
// bin and lapse bin (see RBinOf).
type RBin [3]int

// RBinOf is fsrs-rs's FSRSItem::r_matrix_index for a review deltaT days
// after the previous one, in a history that has `reviews` reviews a day or
// more after their predecessor up to and including this one, and `lapses`
// Again ratings a day or more after their predecessor before this one:
//
//	interval bin  round(2.48 * 3.62^floor(log_3.62 deltaT) * 100)
//	count bin     round(1.99 * 1.89^floor(log_1.89 (reviews+1)))
//	lapse bin     0 without lapses, else round(1.65 * 1.73^floor(log_1.73 lapses))
func RBinOf(deltaT, reviews, lapses int) RBin {
	logBin := func(x, k, base float64) int {
		return int(math.Round(k * math.Pow(base, math.Floor(math.Log(x)/math.Log(base)))))
	}
	var b RBin
	b[0] = int(math.Round(2.48 * math.Pow(3.62, math.Floor(math.Log(float64(max(deltaT, 1)))/math.Log(3.62))) * 100))
	b[1] = logBin(float64(max(reviews, 0)+1), 1.99, 1.89)
	if lapses > 0 {
		b[2] = logBin(float64(lapses), 1.65, 1.73)
	}
	return b
}

// Outcome is one scored review: what the model predicted and what happened.
type Outcome struct {
	R        float64 // predicted probability of recall
	Recalled bool    // rating above Again
	Bin      RBin
}

// Step is the model's view of one review of a history.
type Step struct {
	// R is the retrievability predicted just before the review (R(t, S)
	// of the state after the previous review); 1 for the first review.
	R float64
	// S and D are the memory state after the review.
	S, D float64
	// Scored tells whether the review counts in the metrics (not the
	// first, and a day or more after the previous review); Outcome is
	// filled only then.
	Scored  bool
	Outcome Outcome
}

// Replay runs history h (chronological, first DeltaT 0) through the model
// with weights w and returns one Step per review. Invalid ratings leave the
// state unchanged and are never scored.
func Replay(w [NumWeights]float64, h []ReviewEvent) []Step {
	mm := NewMemoryModel(w)
	out := make([]Step, len(h))
	var s, d float64
	reviews, lapses := 0, 0
	for i, ev := range h {
		if i == 0 {
			s, d = mm.Init(ev.Rating)
			out[i] = Step{R: 1, S: s, D: d}
			continue
		}
		t := max(ev.DeltaT, 0)
		r := mm.R(float64(t), s)
		st := Step{R: r}
		if t > 0 && ev.Rating.Valid() {
			reviews++
			st.Scored = true
			st.Outcome = Outcome{R: r, Recalled: ev.Rating > Again, Bin: RBinOf(t, reviews, lapses)}
			if ev.Rating == Again {
				lapses++
			}
		}
		s, d = mm.Next(s, d, ReviewEvent{Rating: ev.Rating, DeltaT: t})
		st.S, st.D = s, d
		out[i] = st
	}
	return out
}

// Metrics are the three accuracy figures of the srs-benchmark: log loss and
// RMSE(bins), lower is better, and AUC, higher is better.
type Metrics struct {
	N        int     `json:"n"` // scored reviews
	LogLoss  float64 `json:"log_loss"`
	RMSEBins float64 `json:"rmse_bins"`
	// AUC is NaN (null in JSON) when all outcomes are the same.
	AUC float64 `json:"auc"`
}

// MarshalJSON writes NaN and infinite figures as null.
func (m Metrics) MarshalJSON() ([]byte, error) {
	num := func(x float64) *float64 {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return &x
	}
	return json.Marshal(struct {
		N        int      `json:"n"`
		LogLoss  *float64 `json:"log_loss"`
		RMSEBins *float64 `json:"rmse_bins"`
		AUC      *float64 `json:"auc"`
	}{m.N, num(m.LogLoss), num(m.RMSEBins), num(m.AUC)})
}

// ErrNoOutcomes is returned by Evaluate when there is nothing to score.
var ErrNoOutcomes = errors.New("fsrs: no scored reviews (none a day or more after the previous review of its card)")

// Evaluate computes the metrics of outs. weights, if not nil, holds one
// non-negative weight per outcome (RecencyWeights for fsrs-rs's evaluate):
// log loss becomes the weighted mean, and each RMSE bin counts with the sum
// of its weights (the means inside a bin stay unweighted, as in fsrs-rs).
// AUC is never weighted. Predictions are clamped to [1e-7, 1-1e-7] in the
// log loss.
func Evaluate(outs []Outcome, weights []float64) (Metrics, error) {
	if len(outs) == 0 {
		return Metrics{AUC: math.NaN()}, ErrNoOutcomes
	}
	if weights != nil && len(weights) != len(outs) {
		return Metrics{AUC: math.NaN()}, fmt.Errorf("fsrs: %d weights for %d outcomes", len(weights), len(outs))
	}
	wt := func(i int) float64 {
		if weights == nil {
			return 1
		}
		return weights[i]
	}
	type bin struct{ pred, real, count, weight float64 }
	bins := make(map[RBin]*bin)
	var lossSum, wSum float64
	for i, o := range outs {
		w := wt(i)
		if !(w >= 0) || math.IsInf(w, 0) {
			return Metrics{AUC: math.NaN()}, fmt.Errorf("fsrs: outcome %d has weight %v", i+1, w)
		}
		if math.IsNaN(o.R) {
			return Metrics{AUC: math.NaN()}, fmt.Errorf("fsrs: outcome %d has prediction NaN", i+1)
		}
		y := 0.0
		if o.Recalled {
			y = 1
		}
		lossSum += w * bce(o.R, y)
		wSum += w
		b := bins[o.Bin]
		if b == nil {
			b = &bin{}
			bins[o.Bin] = b
		}
		b.pred += o.R
		b.real += y
		b.count++
		b.weight += w
	}
	m := Metrics{N: len(outs), AUC: AUC(outs)}
	if wSum == 0 {
		return m, fmt.Errorf("fsrs: all %d outcomes have weight 0", len(outs))
	}
	m.LogLoss = lossSum / wSum
	// Sum bins in a fixed order so that results do not depend on map order.
	keys := make([]RBin, 0, len(bins))
	for k := range bins {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b RBin) int { return slices.Compare(a[:], b[:]) })
	var sq float64
	for _, k := range keys {
		b := bins[k]
		diff := b.pred/b.count - b.real/b.count
		sq += diff * diff * b.weight
	}
	m.RMSEBins = math.Sqrt(sq / wSum)
	return m, nil
}

func bce(p, y float64) float64 {
	p = clamp(p, probEps, 1-probEps)
	return -(y*math.Log(p) + (1-y)*math.Log(1-p))
}

// AUC is the area under the ROC curve of predictions R for outcomes
// Recalled (the Mann-Whitney statistic, ties counted as half), or NaN when
// all outcomes are the same.
func AUC(outs []Outcome) float64 {
	idx := make([]int, len(outs))
	for i := range idx {
		idx[i] = i
	}
	// Equal predictions are grouped below, so their order does not matter.
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(outs[a].R, outs[b].R) })
	var pos, neg, rankSum float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && outs[idx[j]].R == outs[idx[i]].R {
			j++
		}
		avg := float64(i+j+1) / 2 // mean of ranks i+1..j
		for k := i; k < j; k++ {
			if outs[idx[k]].Recalled {
				rankSum += avg
				pos++
			} else {
				neg++
			}
		}
		i = j
	}
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}

// RecencyWeights are fsrs-rs's weights for n scored reviews in
// chronological order (recency_weighted_fsrs_items): 0.25 + 0.75 (i/(n-1))^3,
// so the latest review counts four times the earliest.
func RecencyWeights(n int) []float64 {
	w := make([]float64, n)
	den := math.Max(float64(n-1), 1)
	for i := range w {
		x := float64(i) / den
		w[i] = 0.25 + 0.75*x*x*x
	}
	return w
}
