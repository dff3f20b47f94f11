//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/cmd/internal/session"
)

// TestFootprintDesktop runs tidbit-lab footprint briefly in a private
// desktop session against the real tidbit and tidbit-ui (built here
// without -race, as shipped) with `sleep` as a peer, and checks every
// field was measured. The numbers themselves are not judged: targets are
// reported, and a loaded CI machine would miss them.
func TestFootprintDesktop(t *testing.T) {
	missing := session.Missing()
	if _, err := exec.LookPath("go"); err != nil {
		missing = append(missing, "go (the Go toolchain)")
	}
	if len(missing) > 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must install: %s", strings.Join(missing, ", "))
		}
		t.Skipf("install %s to run the footprint in a private desktop", strings.Join(missing, ", "))
	}
	if testing.Short() {
		t.Skip("builds tidbit and tidbit-ui and starts a desktop session")
	}
	bin := t.TempDir()
	start := time.Now()
	for _, pkg := range []string{"tidbit", "tidbit-ui"} {
		build := exec.Command("go", "build", "-o", filepath.Join(bin, pkg), "github.com/tidbit-learn/tidbit/cmd/"+pkg)
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("building %s: %v\n%s", pkg, err, out)
		}
	}
	t.Logf("tidbit and tidbit-ui built in %v", time.Since(start).Round(time.Millisecond))

	var out, errb bytes.Buffer
	code := run([]string{"footprint", "--session", "--tidbit", filepath.Join(bin, "tidbit"), "--peer", "sleep 600",
		"--window", "5s", "--warmup", "2s", "--samples", "2", "--json"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d\nstderr: %s\nstdout: %s", code, errb.String(), out.String())
	}
	var rep footprintReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("the JSON report: %v\n%s", err, out.String())
	}
	t.Logf("%s", out.String())
	if len(rep.Processes) != 2 || rep.Processes[0].Name != "tidbit" || rep.Processes[1].Name != "sleep" {
		t.Fatalf("processes %+v, want tidbit then sleep", rep.Processes)
	}
	for _, p := range rep.Processes {
		if p.Error != "" || p.PID <= 0 || p.Procs != 1 || p.Threads < 1 || p.RSSMB <= 0 || p.PSSMB <= 0 || p.AnonMB <= 0 || p.AnonMB > p.RSSMaxMB ||
			p.RSSMaxMB < p.RSSMB || p.CPUPercent < 0 || p.Wakeups < 0 || p.CPUSource == "" || p.Readings < 2 {
			t.Errorf("%s: implausible %+v", p.Name, p)
		}
	}
	if rep.Processes[0].Threads < 2 {
		t.Errorf("tidbit runs on %d threads: a Go program has several", rep.Processes[0].Threads)
	}
	l := rep.Latency
	if l == nil {
		t.Fatal("no latency in the report")
	}
	if l.Command != "offer" && l.Command != "show" {
		t.Errorf("moments fired with %q", l.Command)
	}
	for name, s := range map[string]latencyStats{"cold": l.Cold, "warm": l.Warm, "cold, drawn": l.ColdDrawn, "warm, drawn": l.WarmDrawn} {
		if s.N < 1 || len(s.SamplesMS) != s.N || s.MedianMS <= 0 || s.P90MS < s.MedianMS || s.MaxMS < s.P90MS {
			t.Errorf("%s latency not measured: %+v (notes %v)", name, s, l.Notes)
		}
	}
	// A window is drawn after it is mapped, never before: each drawn
	// sample is at least its mapped one (the samples pair up in order).
	for _, p := range []struct{ mapped, drawn []float64 }{{l.Cold.SamplesMS, l.ColdDrawn.SamplesMS}, {l.Warm.SamplesMS, l.WarmDrawn.SamplesMS}} {
		if len(p.mapped) != len(p.drawn) {
			continue // a drawn failure: reported above when nothing was measured
		}
		for i := range p.mapped {
			if p.drawn[i] < p.mapped[i] {
				t.Errorf("drawn %v ms before mapped %v ms", p.drawn[i], p.mapped[i])
			}
		}
	}
	names := map[string]string{}
	for _, tg := range rep.Targets {
		names[tg.Name] = tg.Status
	}
	for _, n := range []string{"tidbit idle RSS", "tidbit idle CPU", "tidbit idle wakeups", "lighter than sleep in RSS",
		"moment to window, cold (median)", "moment to window, warm (median)"} {
		if st := names[n]; st != "met" && st != "missed" {
			t.Errorf("target %q: %q, want it measured", n, st)
		}
	}
}
