package main

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestQuantile(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    []float64
		q    float64
		want float64
	}{
		{"one value", []float64{5}, 0.9, 5},
		{"median of odd", []float64{1, 2, 30}, 0.5, 2},
		{"median of even", []float64{1, 2, 3, 40}, 0.5, 2.5},
		{"p90 interpolates", []float64{0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 0.9, 90},
		{"p90 between", []float64{100, 200}, 0.9, 190},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := quantile(tc.v, tc.q); math.Abs(got-tc.want) > 1e-9 {
				t.Fatalf("quantile(%v, %v) = %v, want %v", tc.v, tc.q, got, tc.want)
			}
		})
	}
	if !math.IsNaN(quantile(nil, 0.5)) {
		t.Fatal("quantile of nothing is not NaN")
	}
}

func sampleReport() *footprintReport {
	r := &footprintReport{Session: "private: Xvfb :7, openbox, xfce4-panel", Display: ":7", Tidbit: "/opt/tidbit/tidbit",
		Window: "1m0s", Warmup: "10s",
		Processes: []usageRow{
			{Name: "tidbit", Command: "/opt/tidbit/tidbit --data-dir /d", PID: 10, Procs: 1, Threads: 8, RSSMB: 9.5, RSSMaxMB: 9.6, PSSMB: 7.2, AnonMB: 3.1, CPUPercent: 0.004, Wakeups: 0.3, CPUSource: "schedstat", Readings: 13},
			{Name: "workrave", Command: "workrave", PID: 11, Procs: 1, Threads: 6, RSSMB: 41, RSSMaxMB: 41.2, PSSMB: 25, AnonMB: 12.5, CPUPercent: 0.067, Wakeups: 7.9, CPUSource: "schedstat", Readings: 13},
			{Name: "safeeyes", Command: "safeeyes", Error: "exited during the warm-up: exit status 1"},
		},
		Latency: &latencyReport{Command: "offer", To: "a tidbit-ui window mapped",
			Cold:      latencyStats{SamplesMS: []float64{250, 180, 200}},
			Warm:      latencyStats{Failures: []string{"no tidbit-ui window within 5s"}},
			ColdDrawn: latencyStats{SamplesMS: []float64{420, 390}, Failures: []string{"drawn: window 0x1 after 5s: the window was still changing"}},
			DrawnTo:   "the window's last change of pixels",
			Notes:     []string{"no warm window"}},
	}
	r.Latency.Cold.summarize()
	r.Latency.Warm.summarize()
	r.Latency.ColdDrawn.summarize()
	r.Targets = targets(r)
	return r
}

func TestTargets(t *testing.T) {
	got := map[string]target{}
	for _, tg := range sampleReport().Targets {
		got[tg.Name] = tg
	}
	for _, tc := range []struct {
		name, status, value string
	}{
		{"tidbit idle RSS", "met", "9.5 MB"},
		{"tidbit idle CPU", "met", "0.0040 %"},
		{"tidbit idle wakeups", "met", "0.30 /s"},
		{"lighter than workrave in RSS", "met", "4.3x"},
		{"lighter than workrave in CPU", "met", "16.8x"},
		{"lighter than safeeyes in RSS", "not measured", "-"},
		{"moment to window, cold (median)", "met", "200 ms"},
		{"moment to window, warm (median)", "not measured", "-"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg, ok := got[tc.name]
			if !ok || tg.Status != tc.status || tg.Got != tc.value {
				t.Fatalf("got %+v, want status %q value %q", tg, tc.status, tc.value)
			}
		})
	}
	if r := ratio(1, 0); !math.IsInf(r, 1) || times(r) != "inf (tidbit: 0)" {
		t.Fatalf("a peer that uses something against a tidbit that uses nothing: %v %q", r, times(r))
	}
}

// TestFootprintTable compares the table with testdata/footprint.golden
// (go test -run TestFootprintTable -update rewrites it).
func TestFootprintTable(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "footprint.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Fatalf("table differs from %s:\n%s", golden, b.String())
	}
}

func TestFootprintFlags(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("footprint runs on Linux only")
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown command", []string{"--command", "poke"}, `--command "poke": use offer or show`},
		{"zero window", []string{"--window", "0s"}, "--window must be positive"},
		{"empty peer", []string{"--peer", "  "}, "--peer needs a command"},
		{"stray argument", []string{"extra"}, `unexpected argument "extra"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(append([]string{"footprint"}, tc.args...), &out, &errb); code != 2 || !strings.Contains(errb.String(), tc.want) {
				t.Fatalf("code %d, stderr %q; want 2 and %q", code, errb.String(), tc.want)
			}
		})
	}
}
