package fsrs

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestRBinOf(t *testing.T) {
	tests := []struct {
		name                    string
		deltaT, reviews, lapses int
		want                    RBin
	}{
		// 2.48*3.62^0*100 = 248; n = 2: 1.99*1.89^1 = 3.76 -> 4.
		{"one day, first review", 1, 1, 0, RBin{248, 4, 0}},
		// log_3.62(3) = 0.85 -> same interval bin as 1 day.
		{"three days", 3, 1, 0, RBin{248, 4, 0}},
		// log_3.62(4) = 1.07: 2.48*3.62*100 = 897.76 -> 898.
		{"four days", 4, 1, 0, RBin{898, 4, 0}},
		// 3.62^2 = 13.1044: 2.48*13.1044*100 = 3249.89 -> 3250.
		{"fourteen days", 14, 1, 0, RBin{3250, 4, 0}},
		// n = 1: round(1.99) = 2.
		{"no earlier reviews", 2, 0, 0, RBin{248, 2, 0}},
		// n = 4: log_1.89(4) = 2.18 -> 1.99*1.89^2 = 7.108 -> 7.
		{"three reviews", 2, 3, 0, RBin{248, 7, 0}},
		// one lapse: round(1.65) = 2; two: 1.65*1.73 = 2.85 -> 3.
		{"one lapse", 2, 2, 1, RBin{248, 4, 2}},
		{"two lapses", 2, 3, 2, RBin{248, 7, 3}},
		{"zero days counts as one", 0, 1, 0, RBin{248, 4, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := RBinOf(tc.deltaT, tc.reviews, tc.lapses); got != tc.want {
				t.Errorf("RBinOf(%d, %d, %d) = %v, want %v", tc.deltaT, tc.reviews, tc.lapses, got, tc.want)
			}
		})
	}
}

func TestAUC(t *testing.T) {
	o := func(r float64, ok bool) Outcome { return Outcome{R: r, Recalled: ok} }
	tests := []struct {
		name string
		outs []Outcome
		want float64
	}{
		// The scikit-learn roc_auc_score example: 3 of 4 pairs ordered.
		{"sklearn example", []Outcome{o(0.1, false), o(0.4, false), o(0.35, true), o(0.8, true)}, 0.75},
		{"perfect", []Outcome{o(0.2, false), o(0.9, true)}, 1},
		{"reversed", []Outcome{o(0.9, false), o(0.2, true)}, 0},
		{"tie counts half", []Outcome{o(0.5, false), o(0.5, true)}, 0.5},
		// pairs (pos, neg): (0.7,0.3)=1 (0.7,0.7)=.5 (0.9,0.3)=1 (0.9,0.7)=1 -> 3.5/4.
		{"tie among others", []Outcome{o(0.3, false), o(0.7, false), o(0.7, true), o(0.9, true)}, 0.875},
		{"one class", []Outcome{o(0.3, true), o(0.7, true)}, math.NaN()},
		{"empty", nil, math.NaN()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := AUC(tc.outs)
			if math.IsNaN(tc.want) {
				if !math.IsNaN(got) {
					t.Errorf("AUC = %v, want NaN", got)
				}
				return
			}
			if math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("AUC = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	a, b := RBin{248, 4, 0}, RBin{898, 4, 0}
	tests := []struct {
		name       string
		outs       []Outcome
		weights    []float64
		loss, rmse float64
		wantErr    string
	}{
		// log loss (-ln 0.8 - ln 0.4)/2; one bin: mean R 0.7, recalled 0.5.
		{name: "one bin", outs: []Outcome{{0.8, true, a}, {0.6, false, a}},
			loss: (-math.Log(0.8) - math.Log(0.4)) / 2, rmse: 0.2},
		// two bins of one: errors 0.2 and 0.6, sqrt((0.04+0.36)/2).
		{name: "two bins", outs: []Outcome{{0.8, true, a}, {0.6, false, b}},
			loss: (-math.Log(0.8) - math.Log(0.4)) / 2, rmse: math.Sqrt(0.2)},
		// weights 1 and 3: sqrt((0.04*1+0.36*3)/4), (-ln 0.8 - 3 ln 0.4)/4.
		{name: "weighted", outs: []Outcome{{0.8, true, a}, {0.6, false, b}}, weights: []float64{1, 3},
			loss: (-math.Log(0.8) - 3*math.Log(0.4)) / 4, rmse: math.Sqrt(0.28)},
		// weights scale bins but not the means inside one: still 0.2.
		{name: "weighted one bin", outs: []Outcome{{0.8, true, a}, {0.6, false, a}}, weights: []float64{1, 3},
			loss: (-math.Log(0.8) - 3*math.Log(0.4)) / 4, rmse: 0.2},
		// R = 1 for a lapse is clamped to 1-1e-7: loss -ln(1e-7).
		{name: "certain and wrong is finite", outs: []Outcome{{1, false, a}}, loss: -math.Log(1 - clamp(1, probEps, 1-probEps)), rmse: 1},
		{name: "empty", wantErr: "no scored reviews"},
		{name: "weight count", outs: []Outcome{{0.8, true, a}}, weights: []float64{1, 2}, wantErr: "2 weights for 1 outcomes"},
		{name: "negative weight", outs: []Outcome{{0.8, true, a}}, weights: []float64{-1}, wantErr: "outcome 1 has weight -1"},
		{name: "zero weights", outs: []Outcome{{0.8, true, a}}, weights: []float64{0}, wantErr: "weight 0"},
		{name: "NaN prediction", outs: []Outcome{{math.NaN(), true, a}}, wantErr: "prediction NaN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Evaluate(tc.outs, tc.weights)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.N != len(tc.outs) {
				t.Errorf("N = %d, want %d", m.N, len(tc.outs))
			}
			if math.Abs(m.LogLoss-tc.loss) > 1e-12 {
				t.Errorf("log loss %v, want %v", m.LogLoss, tc.loss)
			}
			if math.Abs(m.RMSEBins-tc.rmse) > 1e-12 {
				t.Errorf("RMSE(bins) %v, want %v", m.RMSEBins, tc.rmse)
			}
		})
	}
}

func TestMetricsJSONWritesNaNAsNull(t *testing.T) {
	raw, err := json.Marshal(Metrics{N: 2, LogLoss: 0.5, RMSEBins: 0.1, AUC: math.NaN()})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"n":2,"log_loss":0.5,"rmse_bins":0.1,"auc":null}`; string(raw) != want {
		t.Errorf("got %s, want %s", raw, want)
	}
}

func TestRecencyWeights(t *testing.T) {
	tests := []struct {
		n    int
		want []float64
	}{
		{0, []float64{}},
		{1, []float64{0.25}},
		{2, []float64{0.25, 1}},
		{3, []float64{0.25, 0.25 + 0.75/8, 1}},
	}
	for _, tc := range tests {
		got := RecencyWeights(tc.n)
		if len(got) != len(tc.want) {
			t.Fatalf("RecencyWeights(%d) = %v, want %v", tc.n, got, tc.want)
		}
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-15 {
				t.Errorf("RecencyWeights(%d)[%d] = %v, want %v", tc.n, i, got[i], tc.want[i])
			}
		}
	}
}

// TestReplay checks Replay against the note's vectors (Good, then Good
// after 3 days: R 0.8809, S 13.8269) and the bookkeeping of scored reviews.
func TestReplay(t *testing.T) {
	h := []ReviewEvent{{Good, 0}, {Good, 3}, {Again, 0}, {Again, 10}, {Good, 0}, {Good, 2}}
	steps := Replay(DefaultWeights, h)
	if len(steps) != len(h) {
		t.Fatalf("%d steps for %d reviews", len(steps), len(h))
	}
	near := func(what string, got, want, tol float64) {
		t.Helper()
		if math.Abs(got-want) > tol {
			t.Errorf("%s = %.6f, want %.6f", what, got, want)
		}
	}
	near("first R", steps[0].R, 1, 0)
	near("first S", steps[0].S, 2.3065, 1e-9)
	near("first D", steps[0].D, 2.1181, 1e-4)
	near("R after 3 days", steps[1].R, 0.8809, 1e-4)
	near("S after 3 days", steps[1].S, 13.8269, 1e-4)
	wantScored := []bool{false, true, false, true, false, true}
	wantBins := map[int]RBin{1: {248, 4, 0}, 3: {898, 4, 0}, 5: {248, 7, 2}}
	for i, st := range steps {
		if st.Scored != wantScored[i] {
			t.Errorf("review %d scored %v, want %v", i+1, st.Scored, wantScored[i])
		}
		if b, ok := wantBins[i]; ok && st.Outcome.Bin != b {
			t.Errorf("review %d bin %v, want %v", i+1, st.Outcome.Bin, b)
		}
		if !(st.S >= MinStability && st.S <= MaxStability && st.D >= MinDifficulty && st.D <= MaxDifficulty) {
			t.Errorf("review %d state out of range: S %v D %v", i+1, st.S, st.D)
		}
	}
	if steps[3].Outcome.Recalled || !steps[5].Outcome.Recalled {
		t.Errorf("labels: lapse %v, recall %v", steps[3].Outcome.Recalled, steps[5].Outcome.Recalled)
	}
	// Replay scores exactly what LogLoss scores, with the same predictions.
	var outs []Outcome
	for _, st := range steps {
		if st.Scored {
			outs = append(outs, st.Outcome)
		}
	}
	m, err := Evaluate(outs, nil)
	if err != nil {
		t.Fatal(err)
	}
	ll, n := LogLoss(DefaultWeights, [][]ReviewEvent{h})
	if n != m.N || math.Abs(ll-m.LogLoss) > 1e-12 {
		t.Errorf("Evaluate log loss %v over %d, LogLoss %v over %d", m.LogLoss, m.N, ll, n)
	}
}
