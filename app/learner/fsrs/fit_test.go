package fsrs

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// simulateHistories draws review histories from the FSRS-6 model with
// weights w: random first ratings, same-day learning and relearning steps,
// intervals aimed at a per-card retention of 75-95 % with noise, and
// recall drawn with the model's own probability.
func simulateHistories(w [NumWeights]float64, cards int, seed uint64) [][]ReviewEvent {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	m := plainModel{w: w}
	m.init()
	pick := func(ps ...float64) Rating {
		x := rng.Float64()
		for i, p := range ps {
			if x < p {
				return Rating(i + 1)
			}
			x -= p
		}
		return Rating(len(ps))
	}
	out := make([][]ReviewEvent, 0, cards)
	for range cards {
		target := 0.75 + 0.2*rng.Float64()
		g := pick(0.2, 0.1, 0.55, 0.15)
		h := []ReviewEvent{{Rating: g}}
		s, d := m.first(g)
		if g <= Hard { // a learning step the same day
			ev := ReviewEvent{Rating: Good}
			h = append(h, ev)
			s, d = m.step(s, d, ev)
		}
		n := 4 + rng.IntN(16)
		for len(h) < n {
			ivl := s / m.factor * (math.Pow(target, 1/m.decay) - 1)
			t := max(1, int(math.Round(ivl*(0.6+0.9*rng.Float64()))))
			r := m.r(float64(t), s)
			ev := ReviewEvent{DeltaT: t, Rating: Again}
			if rng.Float64() < r {
				ev.Rating = pick(0, 0.1, 0.8, 0.1)
			}
			h = append(h, ev)
			s, d = m.step(s, d, ev)
			if ev.Rating == Again && rng.Float64() < 0.8 {
				rl := ReviewEvent{Rating: Good}
				h = append(h, rl)
				s, d = m.step(s, d, rl)
			}
		}
		out = append(out, h)
	}
	return out
}

// trueWeights are the defaults moved the way a real learner's might be.
func trueWeights() [NumWeights]float64 {
	w := DefaultWeights
	w[0], w[1], w[2], w[3] = 0.4, 1.8, 4.5, 15
	w[4], w[6] = 5.8, 2.2
	w[8], w[9], w[10] = 1.6, 0.25, 1.1
	w[11], w[14] = 1.9, 1.2
	w[20] = 0.3
	return w
}

func TestFitRecoversSimulatedLoss(t *testing.T) {
	wTrue := trueWeights()
	train := simulateHistories(wTrue, 3000, 11)
	test := simulateHistories(wTrue, 3000, 12)
	res, err := Fit(train, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Trained {
		t.Fatal("not trained")
	}
	trueTrain, n := LogLoss(wTrue, train)
	trueTest, _ := LogLoss(wTrue, test)
	fitTest, _ := LogLoss(res.W, test)
	defTest, _ := LogLoss(DefaultWeights, test)
	t.Logf("%d predicted reviews; train log loss: true %.5f fitted %.5f default %.5f", n, trueTrain, res.LogLoss, res.InitialLogLoss)
	t.Logf("held-out log loss: true %.5f fitted %.5f default %.5f", trueTest, fitTest, defTest)
	t.Logf("fitted w: %v", res.W)
	if res.LogLoss > trueTrain*1.01 {
		t.Errorf("fitted train loss %.5f more than 1 %% above the true weights' %.5f", res.LogLoss, trueTrain)
	}
	if fitTest > trueTest*1.02 {
		t.Errorf("fitted held-out loss %.5f more than 2 %% above the true weights' %.5f", fitTest, trueTest)
	}
	if fitTest >= defTest {
		t.Errorf("fitted held-out loss %.5f not below the defaults' %.5f", fitTest, defTest)
	}
	if err := ValidateWeights(res.W[:], 1); err != nil {
		t.Errorf("fitted weights out of range: %v", err)
	}
}

// needExternal skips the test locally when an external tool is missing and
// fails it in CI, where the tool must be installed.
func needExternal(t *testing.T, what, install string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing in CI; install it with %s", what, install)
	}
	t.Skipf("%s is missing; install it with %s", what, install)
}

const bindingInstall = "app/learner/fsrs/testdata/gen/install.sh (node >= 20 and npm)"

// TestFitAgainstFSRSRS fits weights to histories simulated from known
// weights, runs the fsrs-rs optimizer (npm @open-spaced-repetition/binding
// 0.5.0, computeParameters) on the same histories, and requires the log
// loss of our weights, as fsrs-rs's evaluate measures it, to be within 2 %
// of the log loss of fsrs-rs's weights.
func TestFitAgainstFSRSRS(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		needExternal(t, "node", "apt-get install nodejs npm, then "+bindingInstall)
	}
	script := filepath.Join("testdata", "gen", "fit_binding.mjs")
	if _, err := os.Stat(filepath.Join("testdata", "gen", "node_modules", "@open-spaced-repetition", "binding", "package.json")); err != nil {
		needExternal(t, "npm package @open-spaced-repetition/binding", bindingInstall)
	}
	tests := []struct {
		name  string
		w     [NumWeights]float64
		cards int
		seed  uint64
	}{
		{"moved weights", trueWeights(), 3000, 21},
		{"default weights", DefaultWeights, 2000, 22},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cards := simulateHistories(tc.w, tc.cards, tc.seed)
			res, err := Fit(cards, FitOptions{})
			if err != nil {
				t.Fatal(err)
			}
			items := chronologicalItems(cards, tc.seed)
			probes := make([][][2]int, 0, 40)
			for i := 0; i < len(items); i += len(items) / 40 {
				probes = append(probes, items[i])
			}
			in := map[string]any{
				"items":   items,
				"weights": map[string][]float64{"go": res.W[:], "true": tc.w[:], "default": DefaultWeights[:]},
				"probe":   map[string]any{"weights": "go", "items": probes},
			}
			raw, err := json.Marshal(in)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "histories.json")
			if err := os.WriteFile(path, raw, 0o600); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			cmd := exec.Command(node, script, path)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			outRaw, err := cmd.Output()
			if err != nil {
				t.Fatalf("running %s: %v\n%s", script, err, stderr.String())
			}
			var out struct {
				W      []float64  `json:"fsrs_rs_w"`
				Items  int        `json:"items"`
				Probes []*float64 `json:"probe_losses"`
				Eval   map[string]struct {
					LogLoss  float64 `json:"logLoss"`
					RMSEBins float64 `json:"rmseBins"`
				} `json:"eval"`
			}
			if err := json.Unmarshal(outRaw, &out); err != nil {
				t.Fatalf("parsing %s output: %v\n%s", script, err, outRaw)
			}
			for _, k := range []string{"fsrs_rs", "go", "true", "default"} {
				e := out.Eval[k]
				t.Logf("%-8s fsrs-rs evaluate: log loss %.5f RMSE(bins) %.5f", k, e.LogLoss, e.RMSEBins)
			}
			t.Logf("%d items; fsrs-rs fit took %v; fsrs-rs w = %v", out.Items, time.Since(start).Round(time.Millisecond), out.W)
			if len(out.W) != NumWeights || out.Items != len(items) {
				t.Fatalf("fsrs-rs returned %d weights for %d items, want %d for %d", len(out.W), out.Items, NumWeights, len(items))
			}
			var rsW [NumWeights]float64
			copy(rsW[:], out.W)
			goLoss, rsLoss := out.Eval["go"].LogLoss, out.Eval["fsrs_rs"].LogLoss
			if !(goLoss > 0) || !(rsLoss > 0) {
				t.Fatalf("bad losses: go %v fsrs-rs %v", goLoss, rsLoss)
			}
			// 1. fsrs-rs's own metric (evaluate weighs later items more).
			if goLoss > rsLoss*1.02 {
				t.Errorf("fsrs-rs evaluate: log loss of Fit's weights %.5f is more than 2 %% above fsrs-rs's %.5f", goLoss, rsLoss)
			}
			// 2. Plain (unweighted) log loss, as Fit and LogLoss define it.
			goPlain, _ := LogLoss(res.W, cards)
			rsPlain, _ := LogLoss(rsW, cards)
			t.Logf("unweighted log loss: Fit %.5f, fsrs-rs %.5f", goPlain, rsPlain)
			if goPlain > rsPlain*1.02 {
				t.Errorf("unweighted log loss of Fit's weights %.5f is more than 2 %% above fsrs-rs's %.5f", goPlain, rsPlain)
			}
			// 3. Our model predicts what fsrs-rs predicts, item by item
			// (fsrs-rs computes in f32).
			checked := 0
			for i, p := range out.Probes {
				if p == nil {
					continue
				}
				own := itemLogLoss(res.W, probes[i])
				if math.Abs(own-*p) > 1e-4*math.Max(*p, 0.01) {
					t.Errorf("probe %v: our log loss %.7f, fsrs-rs %.7f", probes[i], own, *p)
				}
				checked++
			}
			t.Logf("%d of %d probe predictions agree with fsrs-rs", checked, len(probes))
			if checked < len(probes)/2 {
				t.Errorf("fsrs-rs evaluated only %d of %d probe items", checked, len(probes))
			}
		})
	}
}

// chronologicalItems gives each card a random start day within a year and
// returns fsrs-rs items (a card's history up to a predicted review, as
// [rating, delta_t] pairs) ordered by the day of that review, as fsrs-rs
// expects (it weighs later items more).
func chronologicalItems(cards [][]ReviewEvent, seed uint64) [][][2]int {
	rng := rand.New(rand.NewPCG(seed, 99))
	type item struct {
		day, card, review int
	}
	var its []item
	for c, h := range cards {
		day := rng.IntN(365)
		for i, ev := range h {
			day += ev.DeltaT
			if i > 0 && ev.DeltaT > 0 {
				its = append(its, item{day, c, i})
			}
		}
	}
	sort.SliceStable(its, func(a, b int) bool { return its[a].day < its[b].day })
	out := make([][][2]int, len(its))
	for k, it := range its {
		for _, ev := range cards[it.card][:it.review+1] {
			out[k] = append(out[k], [2]int{int(ev.Rating), ev.DeltaT})
		}
	}
	return out
}

// itemLogLoss is the log loss of an item's last review given its history.
func itemLogLoss(w [NumWeights]float64, it [][2]int) float64 {
	m := plainModel{w: w}
	m.init()
	s, d := m.first(Rating(it[0][0]))
	for _, ev := range it[1 : len(it)-1] {
		s, d = m.step(s, d, ReviewEvent{Rating: Rating(ev[0]), DeltaT: ev[1]})
	}
	last := it[len(it)-1]
	r := clamp(m.r(float64(last[1]), s), probEps, 1-probEps)
	if last[0] > 1 {
		return -math.Log(r)
	}
	return -math.Log(1 - r)
}

// TestDualGradient checks the forward-mode gradient of the loss against
// central finite differences.
func TestDualGradient(t *testing.T) {
	w := trueWeights()
	cards := simulateHistories(w, 50, 5)
	loss := func(w [NumWeights]float64) float64 {
		sum := 0.0
		dm := newDualModel(w)
		for _, h := range cards {
			l, _ := dm.cardLoss(h)
			sum += l.v
		}
		return sum
	}
	var grad [NumWeights]float64
	dm := newDualModel(w)
	for _, h := range cards {
		l, _ := dm.cardLoss(h)
		for i := range grad {
			grad[i] += l.g[i]
		}
	}
	for i := range w {
		h := 1e-6 * math.Max(math.Abs(w[i]), 0.01)
		up, down := w, w
		up[i] += h
		down[i] -= h
		num := (loss(up) - loss(down)) / (2 * h)
		if math.Abs(num-grad[i]) > 1e-4*math.Max(1, math.Abs(num)) {
			t.Errorf("d loss / d w%d: forward mode %.8g, finite difference %.8g", i, grad[i], num)
		}
	}
	// The float64 model and the dual model compute the same loss.
	plain, n := LogLoss(w, cards)
	if math.Abs(plain*float64(n)-loss(w)) > 1e-9*loss(w) {
		t.Errorf("LogLoss %v x %d != dual loss %v", plain, n, loss(w))
	}
}

func TestHistoryFromReviews(t *testing.T) {
	day := func(d, h int) time.Time { return t0.Add(days(d) + time.Duration(h)*time.Hour) }
	tests := []struct {
		name    string
		times   []time.Time
		ratings []Rating
		want    []ReviewEvent
		wantErr string
	}{
		{"learning then days", []time.Time{day(0, 0), day(0, 1), day(3, -10), day(10, 0)}, []Rating{Again, Good, Good, Hard},
			[]ReviewEvent{{Again, 0}, {Good, 0}, {Good, 3}, {Hard, 7}}, ""},
		{"clock skew counts as same day", []time.Time{day(5, 0), day(2, 0)}, []Rating{Good, Good},
			[]ReviewEvent{{Good, 0}, {Good, 0}}, ""},
		{"length mismatch", []time.Time{day(0, 0)}, nil, nil, "1 review times but 0 ratings"},
		{"bad rating", []time.Time{day(0, 0)}, []Rating{7}, nil, "review 1 has invalid rating 7"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := HistoryFromReviews(tc.times, tc.ratings)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("event %d: %v, want %v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestFitRejectsBadInput(t *testing.T) {
	tests := []struct {
		name    string
		cards   [][]ReviewEvent
		wantErr string
	}{
		{"no data", nil, "too few reviews"},
		{"only same-day reviews", [][]ReviewEvent{{{Good, 0}, {Good, 0}}}, "0 predictable reviews"},
		{"bad rating", [][]ReviewEvent{{{Good, 0}, {9, 1}}}, "card 1 review 2: invalid rating 9"},
		{"negative delta", [][]ReviewEvent{{{Good, 0}, {Good, -1}}}, "card 1 review 2: negative delta_t -1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Fit(tc.cards, FitOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestFitSmallDataOnlyPretrains(t *testing.T) {
	cards := simulateHistories(trueWeights(), 6, 3)
	res, err := Fit(cards, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Samples >= 64 || res.Trained {
		t.Fatalf("%d samples, trained %v: want a small, untrained fit", res.Samples, res.Trained)
	}
	for i := 4; i < NumWeights; i++ {
		if res.W[i] != DefaultWeights[i] {
			t.Errorf("w%d changed to %v without training", i, res.W[i])
		}
	}
}

func BenchmarkFit(b *testing.B) {
	cards := simulateHistories(trueWeights(), 1000, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Fit(cards, FitOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
