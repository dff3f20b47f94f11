package kt

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func ys(bits string) []bool {
	out := make([]bool, len(bits))
	for i, c := range bits {
		out[i] = c == '1'
	}
	return out
}

func TestAUC(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		p    []float64
		y    string
		want float64
	}{
		{"sklearn example", []float64{0.1, 0.4, 0.35, 0.8}, "0011", 0.75},
		{"tie across classes counts half", []float64{0.2, 0.6, 0.6, 0.9}, "0101", 3.5 / 4},
		{"all tied", []float64{0.5, 0.5, 0.5, 0.5}, "1010", 0.5},
		{"perfect", []float64{0.1, 0.2, 0.7, 0.9}, "0011", 1},
		{"inverted", []float64{0.9, 0.7, 0.2, 0.1}, "0011", 0},
		{"one class only is undefined, reported 0.5", []float64{0.1, 0.9}, "11", 0.5},
		{"empty", nil, "", 0.5},
		// NaN counts as 0.5, so it ties with the 0.5 negative: pairs (0.5 vs 0.5)=0.5, (0.5 vs 0.2)=1, (0.9 vs both)=2.
		{"NaN is 0.5", []float64{nan, 0.9, 0.5, 0.2}, "1100", 3.5 / 4},
		// Below 1e-6 everything is clamped to 1e-6 and ties.
		{"clamped values tie", []float64{1e-9, 1e-12}, "10", 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := AUC(tc.p, ys(tc.y)); !near(got, tc.want, 1e-12) {
				t.Fatalf("AUC = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestAUCMatchesPairCount checks the rank formula against the definition on
// random data with many ties.
func TestAUCMatchesPairCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 50; trial++ {
		n := 2 + rng.IntN(60)
		p := make([]float64, n)
		y := make([]bool, n)
		for i := range p {
			p[i] = float64(rng.IntN(5)) / 4 // heavy ties, including 0 and 1
			y[i] = rng.IntN(2) == 1
		}
		var wins, pairs float64
		for i := range p {
			for j := range p {
				if y[i] && !y[j] {
					pairs++
					switch {
					case clampP(p[i]) > clampP(p[j]):
						wins++
					case clampP(p[i]) == clampP(p[j]):
						wins += 0.5
					}
				}
			}
		}
		want := 0.5
		if pairs > 0 {
			want = wins / pairs
		}
		if got := AUC(p, y); !near(got, want, 1e-12) {
			t.Fatalf("trial %d: AUC %v, pair count %v (p=%v y=%v)", trial, got, want, p, y)
		}
	}
}

func TestLogLossAndRMSE(t *testing.T) {
	for _, tc := range []struct {
		name          string
		p             []float64
		y             string
		logLoss, rmse float64
	}{
		{"two answers", []float64{0.8, 0.4}, "10", (-math.Log(0.8) - math.Log(0.6)) / 2, math.Sqrt(0.1)},
		{"certain and wrong is clamped, not infinite", []float64{0}, "1", -math.Log(1e-6), 1 - 1e-6},
		{"certain and right", []float64{1}, "1", -math.Log(1 - 1e-6), 1e-6},
		{"NaN counts as 0.5", []float64{math.NaN()}, "0", math.Log(2), 0.5},
		{"empty", nil, "", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := LogLoss(tc.p, ys(tc.y)); !near(got, tc.logLoss, 1e-9) {
				t.Errorf("LogLoss = %v, want %v", got, tc.logLoss)
			}
			if got := RMSE(tc.p, ys(tc.y)); !near(got, tc.rmse, 1e-9) {
				t.Errorf("RMSE = %v, want %v", got, tc.rmse)
			}
		})
	}
	if got := LogLoss([]float64{0.8, 0.4}, ys("10")); !near(got, 0.366984587, 1e-9) {
		t.Errorf("LogLoss hand value: %v, want 0.366984587", got)
	}
}

func TestComputeMetrics(t *testing.T) {
	m := ComputeMetrics([]float64{0.8, 0.4, 0.6, math.Inf(1)}, ys("1001"))
	want := Metrics{N: 4, Positives: 2, Negatives: 2, Accuracy: 0.75, BaseRate: 0.5}
	if m.N != want.N || m.Positives != want.Positives || m.Negatives != want.Negatives || m.Accuracy != want.Accuracy || m.BaseRate != want.BaseRate {
		t.Fatalf("got %+v, want counts %+v", m, want)
	}
	// +Inf is clamped to 1-1e-6: p sorted 0.4(0) 0.6(0) 0.8(1) 1(1): AUC 1.
	if m.AUC != 1 || !near(m.MeanP, (0.8+0.4+0.6+1-1e-6)/4, 1e-12) {
		t.Fatalf("AUC %v MeanP %v", m.AUC, m.MeanP)
	}
	if _, err := json.Marshal(ComputeMetrics([]float64{math.NaN()}, ys("1"))); err != nil {
		t.Fatalf("metrics must always encode as JSON: %v", err)
	}
}

func TestCalibration(t *testing.T) {
	bins, ece := Calibration([]float64{0.05, 0.15, 0.15, 1}, ys("0101"), 10)
	if len(bins) != 3 {
		t.Fatalf("got %d bins, want 3: %+v", len(bins), bins)
	}
	if b := bins[1]; b.N != 2 || !near(b.MeanP, 0.15, 1e-12) || b.Observed != 0.5 || !near(b.Lo, 0.1, 1e-12) {
		t.Errorf("bin 1 = %+v", b)
	}
	if b := bins[2]; b.N != 1 || b.Lo != 0.9 || b.Observed != 1 {
		t.Errorf("p=1 must land in the last bin, got %+v", b)
	}
	// |0.05-0| + 2*|0.15-0.5| + |1-1e-6 - 1| over 4.
	if want := (0.05 + 0.7 + 1e-6) / 4; !near(ece, want, 1e-12) {
		t.Errorf("ECE = %v, want %v", ece, want)
	}
}
