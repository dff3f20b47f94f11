package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/tidbit-learn/tidbit/cmd/tidbit-lab/internal/procstat"
)

// The footprint targets (issue: resident idle cost and moment latency).
// They are reported, never asserted: a loaded machine misses them.
const (
	targetRSSMB      = 20
	targetCPUPercent = 0.02
	targetWakeups    = 1
	targetMemRatio   = 2 // times lighter than each peer in RSS
	targetCPURatio   = 3 // times lighter than each peer in CPU
	targetColdMS     = 300
	targetWarmMS     = 100
)

// footprintReport is what tidbit-lab footprint prints.
type footprintReport struct {
	Session   string         `json:"session"`
	Display   string         `json:"display"`
	Tidbit    string         `json:"tidbit"`
	Window    string         `json:"window"`
	Warmup    string         `json:"warmup"`
	Processes []usageRow     `json:"processes"` // tidbit first, then the peers in order
	Latency   *latencyReport `json:"latency,omitempty"`
	Targets   []target       `json:"targets"`
	Notes     []string       `json:"notes,omitempty"`
}

// usageRow is one program's idle cost over the window.
type usageRow struct {
	Name     string  `json:"name"`
	Command  string  `json:"command"`
	PID      int     `json:"pid,omitempty"`
	Procs    int     `json:"procs"`   // the process and its descendants at the end
	Threads  int     `json:"threads"` // over all of them
	RSSMB    float64 `json:"rss_mb"`  // median of the readings, MB of 1024 kB
	RSSMaxMB float64 `json:"rss_max_mb"`
	PSSMB    float64 `json:"pss_mb"` // median
	// AnonMB is the part of RSS that is the program's own (heap, stacks),
	// the rest being pages of its binary and libraries, shared or not.
	AnonMB     float64 `json:"anon_mb"`
	CPUPercent float64 `json:"cpu_percent"` // of one core, over the window
	// Wakeups are context switches (voluntary + involuntary) a second,
	// summed over threads.
	Wakeups   float64 `json:"wakeups_per_s"`
	CPUSource string  `json:"cpu_source,omitempty"` // schedstat (ns) or ticks (10 ms)
	Readings  int     `json:"memory_readings"`
	Error     string  `json:"error,omitempty"`
}

func (r *usageRow) fill(u procstat.Usage) {
	r.Procs, r.Threads = u.Procs, u.Threads
	r.RSSMB, r.RSSMaxMB, r.PSSMB, r.AnonMB = float64(u.RSSKB)/1024, float64(u.RSSMaxKB)/1024, float64(u.PSSKB)/1024, float64(u.AnonKB)/1024
	r.CPUPercent, r.Wakeups, r.CPUSource, r.Readings = u.CPUPercent, u.CtxPerSec, u.CPUSource, u.Samples
}

// latencyReport times a fired moment to its window.
type latencyReport struct {
	Command string       `json:"command"` // what was sent on tray.sock
	To      string       `json:"to"`      // what ends the clock
	Cold    latencyStats `json:"cold"`    // no tidbit-ui running
	Warm    latencyStats `json:"warm"`    // tidbit-ui lingering after a window
	// ColdDrawn and WarmDrawn time the same moments to the window's final
	// pixels (its text laid out and painted), read from outside: mapping
	// is when the window appears, drawing when it is complete.
	ColdDrawn latencyStats `json:"cold_drawn"`
	WarmDrawn latencyStats `json:"warm_drawn"`
	DrawnTo   string       `json:"drawn_to"`
	Notes     []string     `json:"notes,omitempty"`
}

type latencyStats struct {
	N         int       `json:"n"`
	MedianMS  float64   `json:"median_ms"`
	P90MS     float64   `json:"p90_ms"`
	MaxMS     float64   `json:"max_ms"`
	SamplesMS []float64 `json:"samples_ms"`
	Failures  []string  `json:"failures,omitempty"`
}

func (s *latencyStats) summarize() {
	s.N = len(s.SamplesMS)
	if s.N == 0 {
		return
	}
	v := append([]float64(nil), s.SamplesMS...)
	sort.Float64s(v)
	s.MedianMS, s.P90MS, s.MaxMS = round1(quantile(v, 0.5)), round1(quantile(v, 0.9)), v[len(v)-1]
}

// quantile interpolates linearly between the order statistics of sorted v.
func quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(v)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(v)-1)
	return v[lo] + (v[hi]-v[lo])*(pos-float64(lo))
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// target is one goal and what was measured against it.
type target struct {
	Name   string `json:"name"`
	Want   string `json:"want"`
	Got    string `json:"got"`
	Status string `json:"status"` // met, missed or not measured
}

func status(ok, measured bool) string {
	switch {
	case !measured:
		return "not measured"
	case ok:
		return "met"
	}
	return "missed"
}

// targets compares the report with the goals.
func targets(r *footprintReport) []target {
	var out []target
	if len(r.Processes) == 0 {
		return nil
	}
	t := r.Processes[0]
	ok := t.Error == ""
	out = append(out,
		target{"tidbit idle RSS", fmt.Sprintf("<= %d MB", targetRSSMB), fmt.Sprintf("%.1f MB", t.RSSMB), status(t.RSSMB <= targetRSSMB, ok)},
		target{"tidbit idle CPU", fmt.Sprintf("<= %.2f %% of a core", targetCPUPercent), fmt.Sprintf("%.4f %%", t.CPUPercent), status(t.CPUPercent <= targetCPUPercent, ok)},
		target{"tidbit idle wakeups", fmt.Sprintf("<= %d /s", targetWakeups), fmt.Sprintf("%.2f /s", t.Wakeups), status(t.Wakeups <= targetWakeups, ok)},
	)
	for _, p := range r.Processes[1:] {
		both := ok && p.Error == ""
		mem, cpu := ratio(p.RSSMB, t.RSSMB), ratio(p.CPUPercent, t.CPUPercent)
		memText, cpuText := times(mem), times(cpu)
		if !both {
			memText, cpuText = "-", "-"
		}
		out = append(out,
			target{"lighter than " + p.Name + " in RSS", fmt.Sprintf(">= %dx", targetMemRatio), memText, status(mem >= targetMemRatio, both)},
			target{"lighter than " + p.Name + " in CPU", fmt.Sprintf(">= %dx", targetCPURatio), cpuText, status(cpu >= targetCPURatio, both)},
		)
	}
	if l := r.Latency; l != nil {
		out = append(out,
			target{"moment to window, cold (median)", fmt.Sprintf("< %d ms", targetColdMS), msText(l.Cold), status(l.Cold.MedianMS < targetColdMS, l.Cold.N > 0)},
			target{"moment to window, warm (median)", fmt.Sprintf("< %d ms", targetWarmMS), msText(l.Warm), status(l.Warm.MedianMS < targetWarmMS, l.Warm.N > 0)},
		)
	}
	return out
}

// ratio is how many times a is b; a program that used nothing measurable
// is infinitely lighter than one that used something.
func ratio(a, b float64) float64 {
	switch {
	case b > 0:
		return a / b
	case a > 0:
		return math.Inf(1)
	}
	return 1
}

func times(x float64) string {
	if math.IsInf(x, 1) {
		return "inf (tidbit: 0)"
	}
	return fmt.Sprintf("%.1fx", x)
}

func msText(s latencyStats) string {
	if s.N == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f ms", s.MedianMS)
}

// WriteTable prints the report for people.
func (r *footprintReport) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "footprint: idle for %s after a %s warm-up; session %s\n", r.Window, r.Warmup, r.Session)
	fmt.Fprintf(&b, "tidbit: %s\n\n", r.Tidbit)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "program\tprocs\tthreads\tRSS MB\tmax\tPSS MB\tanon MB\tCPU % core\twakeups/s\t")
	for _, p := range r.Processes {
		if p.Error != "" {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t-\t-\t-\t%s\n", p.Name, p.Error)
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.4f\t%.2f\t\n", p.Name, p.Procs, p.Threads, p.RSSMB, p.RSSMaxMB, p.PSSMB, p.AnonMB, p.CPUPercent, p.Wakeups)
	}
	tw.Flush()
	fmt.Fprintln(&b, "(RSS, PSS, anon: medians of the readings, anon = RSS less file pages; CPU from schedstat; wakeups = context switches a second over all threads)")
	if l := r.Latency; l != nil {
		fmt.Fprintf(&b, "\nmoment (`%s` on tray.sock) to %s\n", l.Command, l.To)
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "\tn\tmedian ms\tp90 ms\tmax ms\tfailures\t")
		for _, k := range []struct {
			name string
			s    latencyStats
		}{{"cold", l.Cold}, {"warm", l.Warm}, {"cold, drawn", l.ColdDrawn}, {"warm, drawn", l.WarmDrawn}} {
			if k.s.N == 0 {
				fmt.Fprintf(tw, "%s\t0\t-\t-\t-\t%d\t\n", k.name, len(k.s.Failures))
				continue
			}
			fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.1f\t%.1f\t%d\t\n", k.name, k.s.N, k.s.MedianMS, k.s.P90MS, k.s.MaxMS, len(k.s.Failures))
		}
		tw.Flush()
		if l.DrawnTo != "" {
			fmt.Fprintf(&b, "(drawn: to %s)\n", l.DrawnTo)
		}
		seen := map[string]bool{}
		var notes []string
		for _, n := range [][]string{l.Notes, l.Cold.Failures, l.Warm.Failures, l.ColdDrawn.Failures, l.WarmDrawn.Failures} {
			notes = append(notes, n...)
		}
		for _, f := range notes {
			if !seen[f] {
				seen[f] = true
				fmt.Fprintf(&b, "  note: %s\n", f)
			}
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	if len(r.Targets) > 0 {
		fmt.Fprintln(&b, "\ntargets (reported, not enforced)")
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, t := range r.Targets {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t\n", t.Name, t.Want, t.Got, t.Status)
		}
		tw.Flush()
	}
	_, err := io.WriteString(w, b.String())
	return err
}
