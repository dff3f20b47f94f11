package revlog

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/learner/fsrs"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var day0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// at is a review time: day d, hour h (UTC, may be fractional).
func at(d int, h float64) int64 {
	return day0.Add(time.Duration(d)*24*time.Hour + time.Duration(h*float64(time.Hour))).UnixMilli()
}

type ev struct{ rating, deltaT int }

func TestBuild(t *testing.T) {
	r := func(card string, d int, h float64, rating, state int) Row {
		return Row{CardID: card, Time: at(d, h), Rating: rating, State: state}
	}
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	tests := []struct {
		name  string
		rows  []Row
		opt   Options
		want  map[string][]ev
		stats Stats
	}{
		{name: "learning steps then reviews, out of order in the file",
			rows:  []Row{r("a", 3, 12, 3, 2), r("a", 0, 12, 1, 0), r("a", 0, 12.2, 3, 1), r("a", 10, 9, 1, 2), r("a", 10, 9.2, 3, 3)},
			want:  map[string][]ev{"a": {{1, 0}, {3, 0}, {3, 3}, {1, 7}, {3, 0}}},
			stats: Stats{Rows: 5, Cards: 1, Kept: 5, KeptCards: 1, Scored: 2}},
		{name: "reset to new: only the last learning run counts",
			rows:  []Row{r("a", 0, 12, 3, 0), r("a", 2, 12, 3, 2), r("a", 5, 12, 0, 5), r("a", 6, 12, 3, 0), r("a", 6, 12.5, 3, 1), r("a", 9, 12, 3, 2)},
			want:  map[string][]ev{"a": {{3, 0}, {3, 0}, {3, 3}}},
			stats: Stats{Rows: 6, Cards: 1, BeforeLearning: 3, Kept: 3, KeptCards: 1, Scored: 1}},
		{name: "a manual entry separates two learning runs",
			rows:  []Row{r("a", 0, 12, 3, 0), r("a", 0, 13, 0, 5), r("a", 1, 12, 3, 0), r("a", 4, 12, 3, 2)},
			want:  map[string][]ev{"a": {{3, 0}, {3, 3}}},
			stats: Stats{Rows: 4, Cards: 1, BeforeLearning: 2, Kept: 2, KeptCards: 1, Scored: 1}},
		{name: "set due date and filtered review inside a history",
			rows:  []Row{r("a", 0, 12, 3, 0), r("a", 1, 12, 0, 5), r("a", 2, 12, 3, 4), r("a", 5, 12, 2, 2)},
			want:  map[string][]ev{"a": {{3, 0}, {3, 2}, {2, 3}}},
			stats: Stats{Rows: 4, Cards: 1, Manual: 1, Kept: 3, KeptCards: 1, Scored: 2}},
		{name: "card without a learning start is dropped",
			rows:  []Row{r("a", 0, 12, 3, 2), r("a", 5, 12, 3, 2), r("b", 0, 12, 4, 0), r("b", 9, 12, 3, 2)},
			want:  map[string][]ev{"b": {{4, 0}, {3, 9}}},
			stats: Stats{Rows: 4, Cards: 2, NoLearning: 1, NoLearningRows: 2, Kept: 2, KeptCards: 1, Scored: 1}},
		{name: "no state column: every row counts from the first",
			rows:  []Row{r("a", 0, 12, 3, -1), r("a", 5, 12, 3, -1), r("a", 5, 13, 0, -1)},
			want:  map[string][]ev{"a": {{3, 0}, {3, 5}}},
			stats: Stats{Rows: 3, Cards: 1, Manual: 1, Kept: 2, KeptCards: 1, Scored: 1}},
		{name: "reviews before 2006 are dropped",
			rows:  []Row{{CardID: "a", Time: 1000, Rating: 3, State: 0}, r("a", 0, 12, 3, 0), r("a", 1, 12, 3, 2)},
			want:  map[string][]ev{"a": {{3, 0}, {3, 1}}},
			stats: Stats{Rows: 3, Cards: 1, Before2006: 1, Kept: 2, KeptCards: 1, Scored: 1}},
		// 03:00 is still the previous day with days starting at 04:00.
		{name: "day starts at 4 am",
			rows:  []Row{r("a", 0, 23, 3, 0), r("a", 1, 3, 3, 2), r("a", 1, 5, 3, 2)},
			opt:   DefaultOptions(),
			want:  map[string][]ev{"a": {{3, 0}, {3, 0}, {3, 1}}},
			stats: Stats{Rows: 3, Cards: 1, Kept: 3, KeptCards: 1, Scored: 1}},
		{name: "midnight day start",
			rows:  []Row{r("a", 0, 23, 3, 0), r("a", 1, 3, 3, 2)},
			opt:   Options{DayStartHour: 0},
			want:  map[string][]ev{"a": {{3, 0}, {3, 1}}},
			stats: Stats{Rows: 2, Cards: 1, Kept: 2, KeptCards: 1, Scored: 1}},
		// Shanghai is UTC+8: 18:00 UTC is 02:00 the next local day, before
		// its 04:00 start, so day 0; 21:00 UTC is 05:00 local, day 1.
		{name: "time zone",
			rows:  []Row{r("a", 0, 12, 3, 0), r("a", 0, 18, 3, 2), r("a", 0, 21, 3, 2)},
			opt:   Options{DayStartHour: 4, Location: shanghai},
			want:  map[string][]ev{"a": {{3, 0}, {3, 0}, {3, 1}}},
			stats: Stats{Rows: 3, Cards: 1, Kept: 3, KeptCards: 1, Scored: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := Build(tc.rows, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]ev{}
			for _, c := range ds.Cards {
				for _, e := range c.Events() {
					got[c.ID] = append(got[c.ID], ev{int(e.Rating), e.DeltaT})
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("histories %v, want %v", got, tc.want)
			}
			if ds.Stats != tc.stats {
				t.Errorf("stats %+v\nwant  %+v", ds.Stats, tc.stats)
			}
		})
	}
}

func TestBuildRejects(t *testing.T) {
	tests := []struct {
		name    string
		rows    []Row
		opt     Options
		wantErr string
	}{
		{"day start", nil, Options{DayStartHour: 24}, "day start hour 24"},
		{"rating", []Row{{CardID: "a", Rating: 7, Line: 9}}, Options{}, "line 9: rating 7"},
		{"state", []Row{{CardID: "a", Rating: 3, State: 8, Line: 4}}, Options{}, "line 4: state 8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Build(tc.rows, tc.opt); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %v, want %q", err, tc.wantErr)
			}
		})
	}
}

// TestTraceGolden replays testdata/small.csv with the default weights.
func TestTraceGolden(t *testing.T) {
	rows, err := ReadFile(filepath.Join("testdata", "small.csv"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := Build(rows, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ds.WriteTrace(&buf, fsrs.DefaultWeights); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "small_trace.golden.csv")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("trace differs from %s:\n%s", golden, buf.String())
	}
	// One line per kept review plus the header; the note's vector (Good,
	// then Good 3 days later: R 0.8809, S 13.8269) is card 1001's second line.
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != ds.Stats.Kept+1 {
		t.Errorf("%d trace lines for %d kept reviews", len(lines)-1, ds.Stats.Kept)
	}
	if !strings.HasPrefix(lines[2], "1001,1704369600000,3,3,0.8809") || !strings.Contains(lines[2], ",13.8269") {
		t.Errorf("card 1001 second review: %s", lines[2])
	}
}

func TestSimulate(t *testing.T) {
	a, err := Simulate(SimOptions{Cards: 300, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Simulate(SimOptions{Cards: 300, Seed: 7})
	c, _ := Simulate(SimOptions{Cards: 300, Seed: 8})
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed, different rows")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("different seeds, same rows")
	}
	ds, err := Build(a, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	st := ds.Stats
	if st.KeptCards != 300 || st.NoLearning != 0 || st.BeforeLearning != 0 || st.Manual == 0 || st.Scored < 1000 {
		t.Errorf("stats %+v: want every card kept, some manual rows, over 1000 scored reviews", st)
	}
	// The simulated days read back exactly: every scored delta is what
	// the simulator waited, which it draws as at least one day.
	for _, card := range ds.Cards {
		for i, rv := range card.Reviews {
			if rv.State == StateReview && i > 0 && rv.DeltaT < 1 {
				t.Fatalf("card %s review %d: state review but %d days", card.ID, i, rv.DeltaT)
			}
		}
	}
	for _, bad := range []SimOptions{{Cards: 0}, {Cards: MaxSimCards + 1}, {Cards: 1, Days: 40000}, {Cards: 1, Weights: [fsrs.NumWeights]float64{1}}} {
		if _, err := Simulate(bad); err == nil {
			t.Errorf("Simulate(%+v) accepted", bad)
		}
	}
}

// TestEvaluateSimulated: on a log drawn from known weights, those weights
// score better than the defaults and fitted weights are no worse than the
// defaults; all figures are in range.
func TestEvaluateSimulated(t *testing.T) {
	rows, err := Simulate(SimOptions{Cards: 2000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := Build(rows, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	def, err := ds.Evaluate(fsrs.DefaultWeights)
	if err != nil {
		t.Fatal(err)
	}
	truth, err := ds.Evaluate(SimulationWeights)
	if err != nil {
		t.Fatal(err)
	}
	fit, err := fsrs.Fit(ds.Histories(), fsrs.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fitted, err := ds.Evaluate(fit.W)
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]Result{"default": def, "true": truth, "fitted": fitted} {
		t.Logf("%-8s plain %+v\n         fsrs-rs %+v", name, r.Plain, r.FSRSRS)
		for _, m := range []fsrs.Metrics{r.Plain, r.FSRSRS} {
			if m.N != ds.Stats.Scored || !(m.LogLoss > 0 && m.LogLoss < 1) || !(m.RMSEBins >= 0 && m.RMSEBins < 0.2) || !(m.AUC > 0.5 && m.AUC < 1) {
				t.Errorf("%s: implausible metrics %+v", name, m)
			}
		}
	}
	if truth.Plain.LogLoss >= def.Plain.LogLoss {
		t.Errorf("true weights' log loss %.5f not below the defaults' %.5f", truth.Plain.LogLoss, def.Plain.LogLoss)
	}
	if fitted.Plain.LogLoss > def.Plain.LogLoss {
		t.Errorf("fitted log loss %.5f above the defaults' %.5f", fitted.Plain.LogLoss, def.Plain.LogLoss)
	}
	if math.Abs(fitted.Plain.LogLoss-fit.LogLoss) > 1e-9 {
		t.Errorf("Evaluate log loss %.9f, Fit reports %.9f on the same histories", fitted.Plain.LogLoss, fit.LogLoss)
	}
}

func BenchmarkReadBuildEvaluate(b *testing.B) {
	rows, err := Simulate(SimOptions{Cards: 5000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, rows); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rows, err := Read(bytes.NewReader(data), "bench", Limits{})
		if err != nil {
			b.Fatal(err)
		}
		ds, err := Build(rows, DefaultOptions())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ds.Evaluate(fsrs.DefaultWeights); err != nil {
			b.Fatal(err)
		}
	}
}
