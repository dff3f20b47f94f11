package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/learner/fsrs"
	"github.com/tidbit-learn/tidbit/app/learner/fsrs/revlog"
)

// simulatedRevlog writes a log simulated from revlog.SimulationWeights
// through the subcommand itself.
func simulatedRevlog(t *testing.T, cards int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "revlog.csv")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"fsrs", "--simulate", strconv.Itoa(cards), "--seed", "3", "--out", path}, &stdout, &stderr); code != 0 {
		t.Fatalf("simulate: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "wrote "+path) {
		t.Fatalf("simulate printed %q", stdout.String())
	}
	return path
}

// TestFSRSFitJSON runs the subcommand on a simulated log with --fit,
// --json and --trace, and checks the report: it parses, the figures are in
// range, and weights fitted to a log drawn from non-default weights score
// no worse than the defaults on it.
func TestFSRSFitJSON(t *testing.T) {
	path := simulatedRevlog(t, 1500)
	tracePath := filepath.Join(t.TempDir(), "trace.csv")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"fsrs", "--revlog", path, "--fit", "--json", "--trace", tracePath}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rep fsrsReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("report does not parse: %v\n%s", err, stdout.String())
	}
	if rep.Fitted == nil || !rep.Fitted.Trained {
		t.Fatalf("no trained fit in %s", stdout.String())
	}
	st := rep.Stats
	if st.Cards != 1500 || st.KeptCards != 1500 || st.Scored < 5000 || st.Manual == 0 {
		t.Errorf("stats %+v", st)
	}
	for name, wr := range map[string]*weightReport{"default": &rep.Default, "fitted": rep.Fitted} {
		if len(wr.Weights) != fsrs.NumWeights {
			t.Errorf("%s: %d weights", name, len(wr.Weights))
		}
		for _, m := range []fsrs.Metrics{wr.Plain, wr.FSRSRS} {
			if m.N != st.Scored || !(m.LogLoss > 0.1 && m.LogLoss < 0.7) || !(m.RMSEBins >= 0 && m.RMSEBins < 0.15) || !(m.AUC > 0.5 && m.AUC < 0.9) {
				t.Errorf("%s: implausible metrics %+v", name, m)
			}
		}
	}
	if rep.Fitted.Plain.LogLoss > rep.Default.Plain.LogLoss {
		t.Errorf("fitted log loss %.5f above the defaults' %.5f", rep.Fitted.Plain.LogLoss, rep.Default.Plain.LogLoss)
	}
	if rep.Fitted.FSRSRS.LogLoss > rep.Default.FSRSRS.LogLoss {
		t.Errorf("fitted fsrs-rs log loss %.5f above the defaults' %.5f", rep.Fitted.FSRSRS.LogLoss, rep.Default.FSRSRS.LogLoss)
	}
	if err := fsrs.ValidateWeights(rep.Fitted.Weights, 1); err != nil {
		t.Errorf("fitted weights: %v", err)
	}
	t.Logf("default %+v\nfitted  %+v", rep.Default.Result, rep.Fitted.Result)

	// The trace has a row per kept review, with numbers where they belong.
	f, err := os.Open(tracePath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != revlog.TraceHeader || len(recs)-1 != st.Kept {
		t.Fatalf("trace: header %v and %d rows, want %s and %d", recs[0], len(recs)-1, revlog.TraceHeader, st.Kept)
	}
	if rep.TraceWeights != "fitted" || rep.Trace != tracePath {
		t.Errorf("trace %q with %q weights", rep.Trace, rep.TraceWeights)
	}
	firsts := 0
	for _, rec := range recs[1:] {
		if rec[4] == "" {
			firsts++
			continue
		}
		if !strings.HasPrefix(rec[4], "0.") && rec[4] != "1" {
			t.Fatalf("trace row %v: r is not a probability", rec)
		}
	}
	if firsts != st.KeptCards {
		t.Errorf("%d rows without r, want one per card (%d)", firsts, st.KeptCards)
	}
}

func TestFSRS(t *testing.T) {
	path := simulatedRevlog(t, 200)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte(revlog.Header+"\n1,1704110400000,3,0,10\n1,1704196800000,7,2,10\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.csv")
	if err := os.WriteFile(empty, []byte(revlog.Header+"\n1,1704110400000,3,0,10\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		args      []string
		code      int
		stdoutHas []string
		stderrHas string
	}{
		{name: "table", args: []string{"fsrs", "--revlog", path},
			stdoutHas: []string{"200 cards; days start at 04:00 UTC", "default", "RMSE(bins)", "fsrs-rs evaluate", "AUC"}},
		{name: "table with fit and a time zone", args: []string{"fsrs", "--revlog", path, "--fit", "--timezone", "+08:00", "--day-start", "0"},
			stdoutHas: []string{"days start at 00:00 +08:00", "fitted", "fitted weights"}},
		{name: "IANA time zone", args: []string{"fsrs", "--revlog", path, "--timezone", "Asia/Shanghai"},
			stdoutHas: []string{"Asia/Shanghai"}},
		// With Anki's codes the simulated states shift by one: state 0
		// (new) reads as learning and 5 (manual) as rescheduled, so the
		// same reviews are kept.
		{name: "anki state codes", args: []string{"fsrs", "--revlog", path, "--states", "anki"},
			stdoutHas: []string{"200 cards", "default"}},
		{name: "bad state codes", args: []string{"fsrs", "--revlog", path, "--states", "ts-fsrs"}, code: 2, stderrHas: `--states "ts-fsrs"`},
		{name: "bad row names file and line", args: []string{"fsrs", "--revlog", bad}, code: 1,
			stderrHas: bad + `:3: review_rating "7"`},
		{name: "nothing to score", args: []string{"fsrs", "--revlog", empty}, code: 1, stderrHas: "no scored reviews"},
		{name: "too many rows", args: []string{"fsrs", "--revlog", path, "--max-rows", "10"}, code: 1, stderrHas: path + ":12: more than the limit of 10 rows"},
		{name: "missing file", args: []string{"fsrs", "--revlog", filepath.Join(dir, "absent.csv")}, code: 1, stderrHas: "absent.csv"},
		{name: "no revlog", args: []string{"fsrs"}, code: 2, stderrHas: "--revlog is required"},
		{name: "bad time zone", args: []string{"fsrs", "--revlog", path, "--timezone", "Mars/Olympus"}, code: 2, stderrHas: `--timezone "Mars/Olympus"`},
		{name: "bad day start", args: []string{"fsrs", "--revlog", path, "--day-start", "24"}, code: 2, stderrHas: "--day-start 24"},
		{name: "simulate without out", args: []string{"fsrs", "--simulate", "5"}, code: 2, stderrHas: "--simulate needs --out"},
		{name: "simulate and revlog", args: []string{"fsrs", "--simulate", "5", "--revlog", path}, code: 2, stderrHas: "either --simulate"},
		{name: "simulate too many", args: []string{"fsrs", "--simulate", "-3", "--out", filepath.Join(dir, "x.csv")}, code: 2, stderrHas: "want 1-"},
		{name: "stray argument", args: []string{"fsrs", "--revlog", path, "extra"}, code: 2, stderrHas: `unexpected argument "extra"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.args, &stdout, &stderr)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout.String(), stderr.String())
			}
			for _, s := range tc.stdoutHas {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout.String())
				}
			}
			if tc.stderrHas != "" && !strings.Contains(stderr.String(), tc.stderrHas) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderrHas, stderr.String())
			}
		})
	}
}

func TestParseTimezone(t *testing.T) {
	for _, tc := range []struct {
		in      string
		offset  int // seconds east of UTC in January
		wantErr bool
	}{
		{"UTC", 0, false}, {"", 0, false}, {"+08:00", 8 * 3600, false}, {"-0530", -(5*3600 + 30*60), false},
		{"UTC+2", 2 * 3600, false}, {"Asia/Shanghai", 8 * 3600, false}, {"+15:00", 0, true}, {"+08:75", 0, true}, {"Nowhere/Else", 0, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			loc, err := parseTimezone(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Errorf("accepted %q as %v", tc.in, loc)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, off := time.Date(2024, 1, 15, 12, 0, 0, 0, loc).Zone(); off != tc.offset {
				t.Errorf("offset %d, want %d", off, tc.offset)
			}
		})
	}
}
