package fsrs

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// NumWeights is the number of FSRS-6 model weights.
const NumWeights = 21

// Bounds of the memory state. Stability is in days.
const (
	MinStability  = 0.001
	MaxStability  = 36500.0
	MinDifficulty = 1.0
	MaxDifficulty = 10.0
)

// Defaults shared by fsrs-rs 6, ts-fsrs 5 and Anki.
const (
	DefaultDesiredRetention = 0.9
	DefaultMaximumInterval  = 36500
)

// initSMax is the upper clamp of the four initial stabilities w0..w3.
const initSMax = 100.0

// decay values assumed for weight sets that predate FSRS-6's trainable decay.
const (
	fsrs5Decay = 0.5
)

// w17w18Ceiling is the default upper bound of w17 and w18 (short-term
// stability weights); more than one relearning step lowers it.
const w17w18Ceiling = 2.0

// DefaultWeights are the FSRS-6 default weights (fsrs-rs 6, ts-fsrs 5.4.2).
var DefaultWeights = [NumWeights]float64{
	0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
	1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
}

// Parameters configures a Scheduler. The zero value is not usable; start
// from DefaultParameters.
type Parameters struct {
	// W holds 21 FSRS-6 weights, or 19 (FSRS-5) or 17 (FSRS-4.5) weights,
	// which NewScheduler migrates like ts-fsrs 5.4.2 does.
	W []float64
	// DesiredRetention is the probability of recall at which reviews are
	// scheduled, in (0, 1].
	DesiredRetention float64
	// MaximumInterval caps review intervals, in days (>= 1).
	MaximumInterval int
	// LearningSteps are the short intervals for new cards, in whole
	// minutes. Empty means new cards go straight to review intervals.
	LearningSteps []time.Duration
	// RelearningSteps are the short intervals after a lapse, in whole
	// minutes.
	RelearningSteps []time.Duration
	// EnableFuzz spreads review intervals of 3 days or more by a few
	// percent, seeded from the card like ts-fsrs so results stay
	// reproducible. Off by default.
	EnableFuzz bool
}

// DefaultParameters returns the FSRS-6 defaults: default weights, 90 %
// retention, 36500-day cap, learning steps 1m and 10m, relearning step 10m,
// no fuzz.
func DefaultParameters() Parameters {
	return Parameters{
		W:                DefaultWeights[:],
		DesiredRetention: DefaultDesiredRetention,
		MaximumInterval:  DefaultMaximumInterval,
		LearningSteps:    []time.Duration{time.Minute, 10 * time.Minute},
		RelearningSteps:  []time.Duration{10 * time.Minute},
	}
}

// WeightRange is the closed interval a weight is clamped to.
type WeightRange struct{ Min, Max float64 }

// baseRanges are the clamp ranges of ts-fsrs 5.4.2 (CLAMP_PARAMETERS with
// short-term scheduling on) and fsrs-rs.
func baseRanges() [NumWeights]WeightRange {
	return [NumWeights]WeightRange{
		{MinStability, initSMax}, {MinStability, initSMax}, {MinStability, initSMax}, {MinStability, initSMax},
		{1, 10}, {0.001, 4}, {0.001, 4}, {0.001, 0.75}, {0, 4.5}, {0, 0.8}, {0.001, 3.5},
		{0.001, 5}, {0.001, 0.25}, {0.001, 0.9}, {0, 4}, {0, 1}, {1, 6},
		{0, w17w18Ceiling}, {0, w17w18Ceiling}, {0.01, 0.8}, {0.1, 0.8},
	}
}

// WeightRanges returns the range each weight is clamped to, as ts-fsrs
// 5.4.2 (clipParameters) and fsrs-rs define it. With more than one
// relearning step the ceiling of w17 and w18 is lowered, computed from w11,
// w13 and w14, so that a lapse followed by several same-day Good reviews
// cannot end with more stability than it started with. w may hold 17, 19 or
// 21 weights.
func WeightRanges(w []float64, numRelearningSteps int) [NumWeights]WeightRange {
	r := baseRanges()
	if numRelearningSteps > 1 && len(w) > 14 {
		w11 := clamp(w[11], r[11].Min, r[11].Max)
		w13 := clamp(w[13], r[13].Min, r[13].Max)
		w14 := clamp(w[14], r[14].Min, r[14].Max)
		v := -(math.Log(w11) + math.Log(math.Pow(2, w13)-1) + w14*0.3) / float64(numRelearningSteps)
		ceil := clamp(roundTo(math.Sqrt(math.Max(v, 0)), 8), 0.01, w17w18Ceiling)
		r[17].Max = ceil
		r[18].Max = ceil
	}
	return r
}

// clipWeights clamps each weight into its range; len(w) may be 17, 19 or 21.
func clipWeights(w []float64, numRelearningSteps int) []float64 {
	r := WeightRanges(w, numRelearningSteps)
	out := make([]float64, len(w))
	for i, x := range w {
		out[i] = clamp(x, r[i].Min, r[i].Max)
	}
	return out
}

func checkWeights(w []float64) error {
	switch len(w) {
	case 17, 19, 21:
	default:
		return fmt.Errorf("fsrs: %d weights given, want 21 (FSRS-6), 19 (FSRS-5) or 17 (FSRS-4.5)", len(w))
	}
	for i, x := range w {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("fsrs: weight w%d is %v, want a finite number", i, x)
		}
	}
	return nil
}

// MigrateWeights converts FSRS-4.5 (17), FSRS-5 (19) or FSRS-6 (21) weights
// into 21 clamped FSRS-6 weights exactly as ts-fsrs 5.4.2 does when it builds
// a scheduler (migrateParameters followed by clipParameters):
//   - 21: clamp each weight;
//   - 19: clamp, then append w19 = 0 and decay w20 = 0.5 (FSRS-5's fixed
//     decay); the final clamp lifts w19 to 0.01;
//   - 17: clamp, then w4 = 2*w5 + w4, w5 = ln(3*w5 + 1)/3, w6 = w6 + 0.5
//     (each rounded to 8 decimals), append w17 = w18 = w19 = 0 and w20 = 0.5,
//     and clamp again.
//
// numRelearningSteps matters because more than one relearning step lowers
// the ceiling of w17 and w18. Lengths other than 17/19/21 and non-finite
// values are errors (ts-fsrs silently falls back to defaults instead).
func MigrateWeights(w []float64, numRelearningSteps int) ([NumWeights]float64, error) {
	var out [NumWeights]float64
	if err := checkWeights(w); err != nil {
		return out, err
	}
	c := clipWeights(w, numRelearningSteps)
	switch len(w) {
	case 19:
		c = append(c, 0, fsrs5Decay)
	case 17:
		c[4] = roundTo(c[5]*2+c[4], 8)
		c[5] = roundTo(math.Log(c[5]*3+1)/3, 8)
		c[6] = roundTo(c[6]+0.5, 8)
		c = append(c, 0, 0, 0, fsrs5Decay)
	}
	c = clipWeights(c, numRelearningSteps)
	copy(out[:], c)
	return out, nil
}

// ValidateWeights reports, strictly, whether w is a usable FSRS-6 weight set:
// 21 finite weights, each inside its WeightRanges range (given the number of
// relearning steps). NewScheduler is lenient and clamps instead, like
// ts-fsrs; use this to reject bad stored or user-supplied weights.
func ValidateWeights(w []float64, numRelearningSteps int) error {
	if len(w) != NumWeights {
		return fmt.Errorf("fsrs: %d weights given, want %d (use MigrateWeights for 17 or 19)", len(w), NumWeights)
	}
	if err := checkWeights(w); err != nil {
		return err
	}
	r := WeightRanges(w, numRelearningSteps)
	var errs []error
	for i, x := range w {
		if x < r[i].Min || x > r[i].Max {
			errs = append(errs, fmt.Errorf("fsrs: weight w%d = %v outside [%v, %v]", i, x, r[i].Min, r[i].Max))
		}
	}
	return errors.Join(errs...)
}

// Validate checks everything but the weight ranges (which NewScheduler
// clamps): weight count and finiteness, retention, maximum interval, steps.
func (p Parameters) Validate() error {
	if err := checkWeights(p.W); err != nil {
		return err
	}
	if math.IsNaN(p.DesiredRetention) || p.DesiredRetention <= 0 || p.DesiredRetention > 1 {
		return fmt.Errorf("fsrs: desired retention %v outside (0, 1]", p.DesiredRetention)
	}
	if p.MaximumInterval < 1 || p.MaximumInterval > DefaultMaximumInterval {
		return fmt.Errorf("fsrs: maximum interval %d days outside [1, %d]", p.MaximumInterval, DefaultMaximumInterval)
	}
	for _, set := range []struct {
		name  string
		steps []time.Duration
	}{{"learning", p.LearningSteps}, {"relearning", p.RelearningSteps}} {
		name := set.name
		for i, s := range set.steps {
			if s < 0 || s%time.Minute != 0 {
				return fmt.Errorf("fsrs: %s step %d is %v, want a non-negative whole number of minutes", name, i+1, s)
			}
			if s > 365*24*time.Hour {
				return fmt.Errorf("fsrs: %s step %d is %v, longer than a year", name, i+1, s)
			}
		}
	}
	return nil
}

func clamp(x, lo, hi float64) float64 {
	// math.Min/Max semantics of JS: NaN propagates; callers guard NaN.
	return math.Min(math.Max(x, lo), hi)
}

// jsRound is JavaScript's Math.round: halves round towards +Inf.
func jsRound(x float64) float64 {
	f := math.Floor(x)
	if x-f >= 0.5 {
		return f + 1
	}
	return f
}

// roundTo rounds to the given number of decimals the way ts-fsrs does
// (Math.round(x * 10^d) / 10^d); ts-fsrs rounds most intermediate values to
// 8 decimals and matching that is what makes results agree bit for bit.
func roundTo(x float64, decimals int) float64 {
	f := 1e8
	if decimals != 8 {
		f = math.Pow(10, float64(decimals))
	}
	return jsRound(x*f) / f
}
