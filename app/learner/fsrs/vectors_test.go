package fsrs

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"
	"time"
)

// vectorFile is written by testdata/gen/gen_vectors.mjs (see package doc).
const vectorFile = "testdata/tsfsrs_vectors.json"

type vectorSequence struct {
	W                []float64    `json:"w"`
	EffectiveW       []float64    `json:"effective_w"`
	RequestRetention float64      `json:"request_retention"`
	MaximumInterval  int          `json:"maximum_interval"`
	LearningSteps    []string     `json:"learning_steps"`
	RelearningSteps  []string     `json:"relearning_steps"`
	EnableFuzz       bool         `json:"enable_fuzz"`
	StartMs          int64        `json:"start_ms"`
	Reviews          [][]*float64 `json:"reviews"`
}

type vectorMigration struct {
	W               []float64 `json:"w"`
	RelearningSteps []string  `json:"relearning_steps"`
	EffectiveW      []float64 `json:"effective_w"`
}

type vectorFileData struct {
	Reference    string            `json:"reference"`
	ReviewFields []string          `json:"review_fields"`
	Sequences    []vectorSequence  `json:"sequences"`
	Migrations   []vectorMigration `json:"migrations"`
}

// column indexes of a review row, as listed in review_fields.
const (
	colReview = iota
	colRating
	colDue
	colStability
	colDifficulty
	colState
	colReps
	colLapses
	colScheduled
	colStep
	colElapsed
	colRGet
	colRSched
	numCols
)

func loadVectors(t testing.TB) vectorFileData {
	t.Helper()
	raw, err := os.ReadFile(vectorFile)
	if err != nil {
		t.Fatalf("reading %s: %v (regenerate it as the package doc says)", vectorFile, err)
	}
	var v vectorFileData
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("parsing %s: %v", vectorFile, err)
	}
	if len(v.ReviewFields) != numCols {
		t.Fatalf("%s: %d review fields, test expects %d", vectorFile, len(v.ReviewFields), numCols)
	}
	return v
}

// parseStep parses a ts-fsrs step such as "10m", "1h" or "2d".
func parseStep(s string) (time.Duration, error) {
	if len(s) < 2 {
		return 0, fmt.Errorf("step %q too short", s)
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil {
		return 0, fmt.Errorf("step %q: %w", s, err)
	}
	unit := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}[s[len(s)-1]]
	if unit == 0 {
		return 0, fmt.Errorf("step %q: unknown unit", s)
	}
	return time.Duration(n) * unit, nil
}

func parseSteps(t testing.TB, ss []string) []time.Duration {
	t.Helper()
	out := []time.Duration{}
	for _, s := range ss {
		d, err := parseStep(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

// relClose reports whether a and b agree to within rel relative error.
func relClose(a, b, rel float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))
}

func TestTSFSRSMigrations(t *testing.T) {
	v := loadVectors(t)
	if len(v.Migrations) < 100 {
		t.Fatalf("only %d migration vectors", len(v.Migrations))
	}
	for i, m := range v.Migrations {
		got, err := MigrateWeights(m.W, len(m.RelearningSteps))
		if err != nil {
			t.Fatalf("migration %d: %v", i, err)
		}
		for j := range got {
			if !relClose(got[j], m.EffectiveW[j], 1e-12) {
				t.Errorf("migration %d (%d weights, %d relearning steps): w%d = %v, ts-fsrs %v",
					i, len(m.W), len(m.RelearningSteps), j, got[j], m.EffectiveW[j])
			}
		}
	}
}

func TestTSFSRSSequences(t *testing.T) {
	v := loadVectors(t)
	if len(v.Sequences) < 1000 {
		t.Fatalf("only %d sequences", len(v.Sequences))
	}
	const rel = 1e-6
	reviews, fuzzed := 0, 0
	for i, seq := range v.Sequences {
		p := DefaultParameters()
		if seq.W != nil {
			p.W = seq.W
		}
		p.DesiredRetention = seq.RequestRetention
		p.MaximumInterval = seq.MaximumInterval
		p.LearningSteps = parseSteps(t, seq.LearningSteps)
		p.RelearningSteps = parseSteps(t, seq.RelearningSteps)
		p.EnableFuzz = seq.EnableFuzz
		s, err := NewScheduler(p)
		if err != nil {
			t.Fatalf("sequence %d: %v", i, err)
		}
		w := s.Weights()
		for j := range w {
			if !relClose(w[j], seq.EffectiveW[j], 1e-12) {
				t.Fatalf("sequence %d: effective w%d = %v, ts-fsrs %v", i, j, w[j], seq.EffectiveW[j])
			}
		}
		if seq.EnableFuzz {
			fuzzed++
		}
		card := NewCard(time.UnixMilli(seq.StartMs).UTC())
		for k, row := range seq.Reviews {
			if len(row) != numCols {
				t.Fatalf("sequence %d review %d: %d columns", i, k, len(row))
			}
			f := func(c int) float64 { return *row[c] }
			now := time.UnixMilli(int64(f(colReview))).UTC()
			where := fmt.Sprintf("sequence %d review %d (%s, rating %v, fuzz %v)", i, k, now.Format(time.RFC3339Nano), f(colRating), seq.EnableFuzz)
			if r := s.Retrievability(card, now); !relClose(r, f(colRGet), rel) {
				t.Errorf("%s: Retrievability = %v, ts-fsrs %v", where, r, f(colRGet))
			}
			next, log, err := s.Next(card, now, Rating(f(colRating)))
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			if row[colRSched] != nil && !relClose(log.Retrievability, f(colRSched), rel) {
				t.Errorf("%s: log retrievability = %v, ts-fsrs %v", where, log.Retrievability, f(colRSched))
			}
			checks := []struct {
				name      string
				got, want float64
				exact     bool
			}{
				{"due (ms)", float64(next.Due.UnixMilli()), f(colDue), true},
				{"stability", next.Stability, f(colStability), false},
				{"difficulty", next.Difficulty, f(colDifficulty), false},
				{"state", float64(next.State), f(colState), true},
				{"reps", float64(next.Reps), f(colReps), true},
				{"lapses", float64(next.Lapses), f(colLapses), true},
				{"scheduled_days", float64(next.ScheduledDays), f(colScheduled), true},
				{"learning_step", float64(next.LearningStep), f(colStep), true},
				{"elapsed_days", float64(next.ElapsedDays), f(colElapsed), true},
			}
			bad := false
			for _, c := range checks {
				if (c.exact && c.got != c.want) || (!c.exact && !relClose(c.got, c.want, rel)) {
					t.Errorf("%s: %s = %s, ts-fsrs %s", where, c.name,
						strconv.FormatFloat(c.got, 'f', -1, 64), strconv.FormatFloat(c.want, 'f', -1, 64))
					bad = true
				}
			}
			if bad {
				break // the rest of this sequence would only repeat the error
			}
			card = next
			reviews++
		}
	}
	if reviews < 10000 || fuzzed == 0 {
		t.Fatalf("compared %d reviews (%d fuzzed sequences); the vector file looks truncated", reviews, fuzzed)
	}
	t.Logf("%s: %d sequences, %d reviews agree (%d sequences with fuzz)", v.Reference, len(v.Sequences), reviews, fuzzed)
}
