package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	_ "time/tzdata" // --timezone works without the system's zoneinfo

	"github.com/tidbit-learn/tidbit/app/learner/fsrs"
	"github.com/tidbit-learn/tidbit/app/learner/fsrs/revlog"
)

// fsrsReport is what `tidbit-lab fsrs --json` prints.
type fsrsReport struct {
	Revlog       string       `json:"revlog"`
	DayStartHour int          `json:"day_start_hour"`
	Timezone     string       `json:"timezone"`
	Stats        revlog.Stats `json:"stats"`
	Default      weightReport `json:"default"`
	// Fitted is present with --fit: weights fitted by fsrs.Fit on the
	// whole log, scored on the same log (in-sample).
	Fitted       *weightReport `json:"fitted,omitempty"`
	Trace        string        `json:"trace,omitempty"`
	TraceWeights string        `json:"trace_weights,omitempty"`
}

type weightReport struct {
	Weights []float64 `json:"weights"`
	revlog.Result
	Trained bool `json:"trained,omitempty"` // fitted: false when only w0..w3 could be estimated
}

// runFSRS is `tidbit-lab fsrs --revlog F [--fit] [--trace OUT.csv] [--json]`
// and `tidbit-lab fsrs --simulate N --seed S --out F`.
func runFSRS(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tidbit-lab fsrs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("revlog", "", "review log CSV in the fsrs-optimizer layout (card_id,review_time,review_rating,review_state,review_duration)")
	fit := fs.Bool("fit", false, "also fit the 21 weights to the log (fsrs.Fit) and score them")
	trace := fs.String("trace", "", "write predicted R, S and D for every kept review to this CSV (fitted weights with --fit, else the defaults)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	dayStart := fs.Int("day-start", 4, "hour (0-23) at which a new day starts, as Anki's \"next day starts at\"")
	tz := fs.String("timezone", "UTC", "the learner's time zone: UTC, an IANA name (Europe/Berlin) or an offset (+08:00)")
	states := fs.String("states", "optimizer", "review_state codes: optimizer (0 new, 1 learning, 2 review, 3 relearning, 4 filtered, 5 manual) or anki (raw revlog.type: 0 learning, 1 review, 2 relearning, 3 filtered, 4 manual, 5 rescheduled)")
	maxRows := fs.Int("max-rows", revlog.DefaultMaxRows, "refuse review logs with more rows than this")
	simulate := fs.Int("simulate", 0, "instead of reading a log, simulate this many cards from known weights and write them to --out")
	seed := fs.Uint64("seed", 1, "with --simulate: random seed; the same seed writes the same file")
	out := fs.String("out", "", "with --simulate: the CSV file to write")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "tidbit-lab fsrs: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *simulate != 0 {
		if *path != "" || *fit || *trace != "" {
			fmt.Fprintln(stderr, "tidbit-lab fsrs: use either --simulate N --out F or --revlog F")
			return 2
		}
		return simulateRevlog(*simulate, *seed, *out, stdout, stderr)
	}
	if *path == "" {
		fmt.Fprintln(stderr, "tidbit-lab fsrs: --revlog is required (or --simulate N --out F)")
		fs.Usage()
		return 2
	}
	loc, err := parseTimezone(*tz)
	if err != nil {
		fmt.Fprintf(stderr, "tidbit-lab fsrs: %v\n", err)
		return 2
	}
	if *states != "optimizer" && *states != "anki" {
		fmt.Fprintf(stderr, "tidbit-lab fsrs: --states %q: want optimizer or anki\n", *states)
		return 2
	}
	if *dayStart < 0 || *dayStart > 23 {
		fmt.Fprintf(stderr, "tidbit-lab fsrs: --day-start %d: want an hour 0-23\n", *dayStart)
		return 2
	}

	rows, err := revlog.ReadFile(*path, revlog.Limits{MaxRows: *maxRows})
	if err != nil {
		fmt.Fprintf(stderr, "tidbit-lab fsrs: %v\n", err)
		return 1
	}
	if *states == "anki" {
		err = revlog.FromAnkiTypes(rows)
	}
	var ds *revlog.Dataset
	if err == nil {
		ds, err = revlog.Build(rows, revlog.Options{DayStartHour: *dayStart, Location: loc})
	}
	if err != nil {
		fmt.Fprintf(stderr, "tidbit-lab fsrs: %s: %v\n", *path, err)
		return 1
	}
	rep := fsrsReport{Revlog: *path, DayStartHour: *dayStart, Timezone: loc.String(), Stats: ds.Stats}
	score := func(w [fsrs.NumWeights]float64) (weightReport, error) {
		res, err := ds.Evaluate(w)
		return weightReport{Weights: w[:], Result: res}, err
	}
	if rep.Default, err = score(fsrs.DefaultWeights); err != nil {
		fmt.Fprintf(stderr, "tidbit-lab fsrs: %s: %v\n", *path, err)
		return 1
	}
	traceW, traceName := fsrs.DefaultWeights, "default"
	if *fit {
		res, err := fsrs.Fit(ds.Histories(), fsrs.FitOptions{})
		if err != nil {
			fmt.Fprintf(stderr, "tidbit-lab fsrs: %s: fitting weights: %v\n", *path, err)
			return 1
		}
		wr, err := score(res.W)
		if err != nil {
			fmt.Fprintf(stderr, "tidbit-lab fsrs: %s: %v\n", *path, err)
			return 1
		}
		wr.Trained = res.Trained
		rep.Fitted = &wr
		traceW, traceName = res.W, "fitted"
	}
	if *trace != "" {
		if err := writeTrace(*trace, ds, traceW); err != nil {
			fmt.Fprintf(stderr, "tidbit-lab fsrs: %v\n", err)
			return 1
		}
		rep.Trace, rep.TraceWeights = *trace, traceName
	}
	return emit(stdout, stderr, "fsrs", *asJSON, rep, rep.writeTable)
}

var offsetRE = regexp.MustCompile(`^(?:UTC)?([+-])(\d{1,2})(?::?(\d{2}))?$`)

// parseTimezone accepts UTC, an IANA zone name, or a fixed offset such as
// +08:00, -0530 or UTC+2.
func parseTimezone(s string) (*time.Location, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "UTC") || s == "Z" {
		return time.UTC, nil
	}
	if m := offsetRE.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[2])
		mins := 0
		if m[3] != "" {
			mins, _ = strconv.Atoi(m[3])
		}
		if h > 14 || mins > 59 {
			return nil, fmt.Errorf("--timezone %q: offset out of range", s)
		}
		off := h*3600 + mins*60
		if m[1] == "-" {
			off = -off
		}
		return time.FixedZone(s, off), nil
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return nil, fmt.Errorf("--timezone %q: want UTC, an IANA name such as Europe/Berlin, or an offset such as +08:00", s)
	}
	return loc, nil
}

func writeTrace(path string, ds *revlog.Dataset, w [fsrs.NumWeights]float64) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating trace: %w", err)
	}
	err = ds.WriteTrace(f, w)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("writing trace %s: %w", path, cerr)
	}
	return err
}

func simulateRevlog(cards int, seed uint64, out string, stdout, stderr io.Writer) int {
	if out == "" {
		fmt.Fprintln(stderr, "tidbit-lab fsrs: --simulate needs --out F")
		return 2
	}
	if cards < 1 || cards > revlog.MaxSimCards {
		fmt.Fprintf(stderr, "tidbit-lab fsrs: --simulate %d: want 1-%d cards\n", cards, revlog.MaxSimCards)
		return 2
	}
	rows, err := revlog.Simulate(revlog.SimOptions{Cards: cards, Seed: seed})
	if err != nil {
		fmt.Fprintf(stderr, "tidbit-lab fsrs: %v\n", err)
		return 1
	}
	f, err := os.Create(out)
	if err != nil {
		fmt.Fprintf(stderr, "tidbit-lab fsrs: creating %v\n", err)
		return 1
	}
	err = revlog.Write(f, rows)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(stderr, "tidbit-lab fsrs: writing %s: %v\n", out, err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s: %d rows, %d cards (seed %d), simulated from weights %s\n",
		out, len(rows), cards, seed, formatWeights(revlog.SimulationWeights[:]))
	return 0
}

func formatWeights(w []float64) string {
	parts := make([]string, len(w))
	for i, x := range w {
		parts[i] = strconv.FormatFloat(x, 'f', 4, 64)
	}
	return strings.Join(parts, ", ")
}

func (r *fsrsReport) writeTable(w io.Writer) error {
	st := r.Stats
	fmt.Fprintf(w, "review log %s: %d rows, %d cards; days start at %02d:00 %s\n", r.Revlog, st.Rows, st.Cards, r.DayStartHour, r.Timezone)
	fmt.Fprintf(w, "kept %d reviews of %d cards, %d scored (a day or more after the previous review)\n", st.Kept, st.KeptCards, st.Scored)
	fmt.Fprintf(w, "dropped: %d manual entries, %d before a card's last learning start, %d rows of %d cards without a learning start, %d before 2006\n\n",
		st.Manual, st.BeforeLearning, st.NoLearningRows, st.NoLearning, st.Before2006)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "weights\treviews\tlog loss\tRMSE(bins)\tAUC\t\tfsrs-rs evaluate: log loss\tRMSE(bins)\t")
	row := func(name string, wr *weightReport) {
		p, e := wr.Plain, wr.FSRSRS
		fmt.Fprintf(tw, "%s\t%d\t%.4f\t%.4f\t%s\t\t%.4f\t%.4f\t\n", name, p.N, p.LogLoss, p.RMSEBins, auc(p.AUC), e.LogLoss, e.RMSEBins)
	}
	row("default", &r.Default)
	if r.Fitted != nil {
		row("fitted", r.Fitted)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.Fitted != nil {
		note := ""
		if !r.Fitted.Trained {
			note = " (too few reviews to train: only w0-w3 estimated)"
		}
		fmt.Fprintf(w, "\nfitted weights%s, scored on the same log:\n%s\n", note, formatWeights(r.Fitted.Weights))
	}
	if r.Trace != "" {
		fmt.Fprintf(w, "\ntrace (%s weights): %s\n", r.TraceWeights, r.Trace)
	}
	_, err := fmt.Fprintln(w, "\nlog loss and RMSE(bins): lower is better; AUC: higher is better. fsrs-rs evaluate weighs later reviews more.")
	return err
}

func auc(x float64) string {
	if x != x { // NaN: a single outcome class
		return "n/a"
	}
	return fmt.Sprintf("%.4f", x)
}
