package kt

import (
	"math"
	"sort"
)

// Probabilities are clamped to [pMin, pMax] before a logarithm is taken, so a
// confident miss costs at most -log(1e-6) ≈ 13.8 nats instead of +Inf.
const (
	pMin = 1e-6
	pMax = 1 - 1e-6
)

// clampP maps any float, NaN included, into [pMin, pMax]; NaN becomes 0.5
// because it carries no information.
func clampP(p float64) float64 {
	switch {
	case math.IsNaN(p):
		return 0.5
	case p < pMin:
		return pMin
	case p > pMax:
		return pMax
	}
	return p
}

// Metrics summarises predictions made before each answer was seen.
// All fields are finite so the struct always encodes as JSON.
type Metrics struct {
	N         int     `json:"n"`
	Positives int     `json:"positives"` // correct answers
	Negatives int     `json:"negatives"` // wrong answers
	AUC       float64 `json:"auc"`       // 0.5 when only one class occurs
	LogLoss   float64 `json:"log_loss"`  // mean negative log-likelihood, nats
	RMSE      float64 `json:"rmse"`
	Accuracy  float64 `json:"accuracy"` // threshold 0.5
	MeanP     float64 `json:"mean_p"`   // mean predicted probability
	BaseRate  float64 `json:"base_rate"`
}

// ComputeMetrics scores predictions p against outcomes y (same length; extra
// elements of the longer slice are ignored). NaN predictions count as 0.5.
func ComputeMetrics(p []float64, y []bool) Metrics {
	n := min(len(p), len(y))
	m := Metrics{N: n, AUC: AUC(p[:n], y[:n]), LogLoss: LogLoss(p[:n], y[:n]), RMSE: RMSE(p[:n], y[:n])}
	if n == 0 {
		return m
	}
	var sumP float64
	var hits int
	for i := 0; i < n; i++ {
		q := clampP(p[i])
		sumP += q
		if y[i] {
			m.Positives++
		}
		if (q >= 0.5) == y[i] {
			hits++
		}
	}
	m.Negatives = n - m.Positives
	m.Accuracy = float64(hits) / float64(n)
	m.MeanP = sumP / float64(n)
	m.BaseRate = float64(m.Positives) / float64(n)
	return m
}

// AUC is the exact area under the ROC curve: the probability that a random
// correct answer got a higher prediction than a random wrong one, ties
// counting one half (Mann-Whitney U with mid-ranks). It is 0.5 when the
// outcomes are all of one class, where the area is undefined.
func AUC(p []float64, y []bool) float64 {
	n := min(len(p), len(y))
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return clampP(p[idx[a]]) < clampP(p[idx[b]]) })
	var pos, neg float64
	var rankSum float64 // sum of 1-based mid-ranks of positives
	for i := 0; i < n; {
		j := i
		v := clampP(p[idx[i]])
		var tiePos float64
		for j < n && clampP(p[idx[j]]) == v {
			if y[idx[j]] {
				tiePos++
			}
			j++
		}
		midRank := float64(i+1+j) / 2 // mean of ranks i+1..j
		rankSum += tiePos * midRank
		pos += tiePos
		neg += float64(j-i) - tiePos
		i = j
	}
	if pos == 0 || neg == 0 {
		return 0.5
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}

// LogLoss is the mean negative log-likelihood in nats, with predictions
// clamped to [1e-6, 1-1e-6]; 0 for no data.
func LogLoss(p []float64, y []bool) float64 {
	n := min(len(p), len(y))
	if n == 0 {
		return 0
	}
	var s float64
	for i := 0; i < n; i++ {
		q := clampP(p[i])
		if y[i] {
			s -= math.Log(q)
		} else {
			s -= math.Log1p(-q)
		}
	}
	return s / float64(n)
}

// RMSE is the root mean squared error between prediction and outcome (1 for
// correct, 0 for wrong); 0 for no data.
func RMSE(p []float64, y []bool) float64 {
	n := min(len(p), len(y))
	if n == 0 {
		return 0
	}
	var s float64
	for i := 0; i < n; i++ {
		d := clampP(p[i])
		if y[i] {
			d -= 1
		}
		s += d * d
	}
	return math.Sqrt(s / float64(n))
}

// CalibrationBin is one bucket of a reliability diagram.
type CalibrationBin struct {
	Lo, Hi   float64 // prediction range [Lo, Hi)
	N        int
	MeanP    float64 // mean prediction in the bin
	Observed float64 // fraction correct in the bin
}

// Calibration buckets predictions into bins of equal width and reports the
// mean prediction against the observed rate; empty bins are omitted.
// ECE (expected calibration error) is the count-weighted mean |MeanP-Observed|.
func Calibration(p []float64, y []bool, bins int) (out []CalibrationBin, ece float64) {
	if bins < 1 {
		bins = 10
	}
	n := min(len(p), len(y))
	sumP := make([]float64, bins)
	sumY := make([]float64, bins)
	cnt := make([]int, bins)
	for i := 0; i < n; i++ {
		q := clampP(p[i])
		b := min(int(q*float64(bins)), bins-1)
		sumP[b] += q
		if y[i] {
			sumY[b]++
		}
		cnt[b]++
	}
	for b := 0; b < bins; b++ {
		if cnt[b] == 0 {
			continue
		}
		c := float64(cnt[b])
		bin := CalibrationBin{
			Lo: float64(b) / float64(bins), Hi: float64(b+1) / float64(bins),
			N: cnt[b], MeanP: sumP[b] / c, Observed: sumY[b] / c,
		}
		out = append(out, bin)
		ece += c * math.Abs(bin.MeanP-bin.Observed)
	}
	if n > 0 {
		ece /= float64(n)
	}
	return out, ece
}
