package revlog

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidbit-learn/tidbit/app/learner/fsrs"
)

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

// TestEvaluateAgainstFSRSRS reads a simulated log back from CSV and
// requires the recency-weighted log loss and RMSE(bins) of fsrs.Evaluate to
// equal what fsrs-rs's own evaluate computes (npm
// @open-spaced-repetition/binding 0.5.0, FSRSBinding.evaluate, through
// ../testdata/gen/eval_binding.mjs) on the same items, for the default
// weights and for the weights the log was drawn from.
//
// The binding's evaluate first applies fsrs-rs's outlier filter
// (filter_outlier) and moves each card's first long-term review to the
// front, which Anki's Evaluate and FSRS::evaluate itself do not do. The
// filter only removes first long-term reviews and the histories that
// follow removed ones, so the test sends the other scored reviews, in time
// order: there the binding is exactly FSRS::evaluate. fsrs-rs computes in
// float32, hence the 2e-5 relative tolerance.
func TestEvaluateAgainstFSRSRS(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		needExternal(t, "node", "apt-get install nodejs npm, then "+bindingInstall)
	}
	gen := filepath.Join("..", "testdata", "gen")
	if _, err := os.Stat(filepath.Join(gen, "node_modules", "@open-spaced-repetition", "binding", "package.json")); err != nil {
		needExternal(t, "npm package @open-spaced-repetition/binding", bindingInstall)
	}
	rows, err := Simulate(SimOptions{Cards: 1500, Seed: 31})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "revlog.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(f, rows); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	rows, err = ReadFile(path, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := Build(rows, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	var refs []Ref
	for _, r := range ds.Scored() {
		firstLongTerm := true
		for _, rv := range ds.Cards[r.Card].Reviews[1:r.Review] {
			if rv.DeltaT > 0 {
				firstLongTerm = false
			}
		}
		if !firstLongTerm {
			refs = append(refs, r)
		}
	}
	items := make([][][2]int, len(refs))
	for i, r := range refs {
		for _, rv := range ds.Cards[r.Card].Reviews[:r.Review+1] {
			items[i] = append(items[i], [2]int{rv.Rating, rv.DeltaT})
		}
	}
	weights := map[string][fsrs.NumWeights]float64{"default": fsrs.DefaultWeights, "true": SimulationWeights}
	in := map[string]any{"items": items, "weights": map[string][]float64{
		"default": fsrs.DefaultWeights[:], "true": SimulationWeights[:]}}
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(t.TempDir(), "items.json")
	if err := os.WriteFile(input, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(gen, "eval_binding.mjs"), input)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	outRaw, err := cmd.Output()
	if err != nil {
		t.Fatalf("running eval_binding.mjs: %v\n%s", err, stderr.String())
	}
	var out struct {
		Items int `json:"items"`
		Eval  map[string]struct {
			LogLoss  float64 `json:"logLoss"`
			RMSEBins float64 `json:"rmseBins"`
		} `json:"eval"`
	}
	if err := json.Unmarshal(outRaw, &out); err != nil {
		t.Fatalf("parsing eval_binding.mjs output: %v\n%s", err, outRaw)
	}
	if out.Items != len(items) || len(items) < 5000 {
		t.Fatalf("fsrs-rs saw %d items, we sent %d (want at least 5000)", out.Items, len(items))
	}
	for name, w := range weights {
		t.Run(name, func(t *testing.T) {
			steps := ds.replay(w)
			outs := make([]fsrs.Outcome, len(refs))
			for i, r := range refs {
				outs[i] = steps[r.Card][r.Review].Outcome
			}
			got, err := fsrs.Evaluate(outs, fsrs.RecencyWeights(len(outs)))
			if err != nil {
				t.Fatal(err)
			}
			plain, _ := fsrs.Evaluate(outs, nil)
			rs, ok := out.Eval[name]
			if !ok {
				t.Fatalf("no fsrs-rs result for %s", name)
			}
			t.Logf("%d items: Go log loss %.8f RMSE(bins) %.8f; fsrs-rs %.8f %.8f; unweighted %.6f %.6f",
				len(items), got.LogLoss, got.RMSEBins, rs.LogLoss, rs.RMSEBins, plain.LogLoss, plain.RMSEBins)
			rel := func(a, b float64) float64 { return math.Abs(a-b) / math.Max(math.Abs(b), 1e-9) }
			if rel(got.LogLoss, rs.LogLoss) > 2e-5 {
				t.Errorf("log loss %.7f, fsrs-rs %.7f", got.LogLoss, rs.LogLoss)
			}
			if rel(got.RMSEBins, rs.RMSEBins) > 2e-5 {
				t.Errorf("RMSE(bins) %.7f, fsrs-rs %.7f", got.RMSEBins, rs.RMSEBins)
			}
		})
	}
}
