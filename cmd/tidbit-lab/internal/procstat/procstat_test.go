//go:build linux

package procstat

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

const statusText = `Name:	tidbit
State:	S (sleeping)
Pid:	4242
VmRSS:	    9216 kB
RssAnon:	    2048 kB
Threads:	7
voluntary_ctxt_switches:	150
nonvoluntary_ctxt_switches:	3
`

const rollupText = `55d0c0000000-7ffd00000000 ---p 00000000 00:00 0                          [rollup]
Rss:                9216 kB
Pss:                7168 kB
Pss_Anon:           4000 kB
`

var statCases = []struct {
	name string
	in   string
	want Stat
	err  string
}{
	{"plain", "4242 (tidbit) S 1 4242 4242 0 -1 4194560 100 0 0 0 12 5 0 0 20 0 7 0 100 1000 200", Stat{"tidbit", 'S', 1, 12, 5}, ""},
	{"command with spaces and parens", "7 (a (b) c) R 3 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 1 1 1", Stat{"a (b) c", 'R', 3, 1, 2}, ""},
	{"no command", "4242 tidbit S 1", Stat{}, "no (command)"},
	{"short", "1 (x) S 0 1 1", Stat{}, "fields after the command"},
	{"bad state", "1 (x) SS 0 1 1 0 -1 0 0 0 0 0 1 2 0", Stat{}, "not one letter"},
	{"bad ppid", "1 (x) S p 1 1 0 -1 0 0 0 0 0 1 2 0", Stat{}, "parent pid"},
	{"negative utime", "1 (x) S 0 1 1 0 -1 0 0 0 0 0 -1 2 0", Stat{}, "utime"},
	{"bad stime", "1 (x) S 0 1 1 0 -1 0 0 0 0 0 1 z 0", Stat{}, "stime"},
}

func TestParseStat(t *testing.T) {
	for _, tc := range statCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseStat([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

var statusCases = []struct {
	name string
	in   string
	want Status
	err  string
}{
	{"process", statusText, Status{9216, 2048, 150, 3}, ""},
	{"kernel thread has no VmRSS", "Name:\tkthreadd\nvoluntary_ctxt_switches:\t9\nnonvoluntary_ctxt_switches:\t0\n", Status{0, 0, 9, 0}, ""},
	{"rss without unit", "VmRSS:\t9216\n", Status{}, "line 1 (VmRSS)"},
	{"switches not a number", "Name:\tx\nvoluntary_ctxt_switches:\tmany\n", Status{}, "line 2 (voluntary_ctxt_switches)"},
	{"negative", "nonvoluntary_ctxt_switches:\t-4\n", Status{}, "not a count"},
}

func TestParseStatus(t *testing.T) {
	for _, tc := range statusCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseStatus([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

var rollupCases = []struct {
	name string
	in   string
	want Memory
	err  string
}{
	{"rollup", rollupText, Memory{9216, 7168}, ""},
	{"no pss", "Rss: 10 kB\n", Memory{}, "no Pss"},
	{"bad unit", "Rss: 10 MB\nPss: 1 kB\n", Memory{}, "line 1 (Rss)"},
}

func TestParseSmapsRollup(t *testing.T) {
	for _, tc := range rollupCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSmapsRollup([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

var schedCases = []struct {
	name string
	in   string
	want int64
	err  string
}{
	{"thread", "2538109 492584 17\n", 2538109, ""},
	{"two fields", "1 2\n", 0, "want 3"},
	{"negative", "-1 2 3", 0, "nanoseconds"},
}

func TestParseSchedstat(t *testing.T) {
	for _, tc := range schedCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSchedstat([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

// FuzzParse runs every /proc parser on the same input: none may panic,
// and what they accept must be non-negative.
func FuzzParse(f *testing.F) {
	for _, tc := range statCases {
		f.Add(tc.in)
	}
	for _, tc := range statusCases {
		f.Add(tc.in)
	}
	for _, tc := range rollupCases {
		f.Add(tc.in)
	}
	for _, tc := range schedCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if st, err := ParseStat([]byte(in)); err == nil && (st.UTime < 0 || st.STime < 0) {
			t.Fatalf("stat %q: negative ticks %+v", in, st)
		}
		if st, err := ParseStatus([]byte(in)); err == nil && (st.RSSKB < 0 || st.AnonKB < 0 || st.Voluntary < 0 || st.Involuntary < 0) {
			t.Fatalf("status %q: negative %+v", in, st)
		}
		if m, err := ParseSmapsRollup([]byte(in)); err == nil && (m.RSSKB < 0 || m.PSSKB < 0) {
			t.Fatalf("rollup %q: negative %+v", in, m)
		}
		if ns, err := ParseSchedstat([]byte(in)); err == nil && ns < 0 {
			t.Fatalf("schedstat %q: negative %d", in, ns)
		}
	})
}

func start(t *testing.T, name string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd
}

// TestMeasureRealProcesses tells a busy loop from a sleeping process and
// charges a parent for its children.
func TestMeasureRealProcesses(t *testing.T) {
	busy := start(t, "sh", "-c", "while :; do :; done")
	idle := start(t, "sleep", "60")
	// A parent with two children, each sleeping.
	tree := start(t, "sh", "-c", "sleep 60 & sleep 60 & wait")
	var pids []int
	deadline := time.Now().Add(5 * time.Second)
	for len(pids) < 3 && time.Now().Before(deadline) {
		pids, _ = Proc.Tree(tree.Process.Pid)
		time.Sleep(20 * time.Millisecond)
	}
	if len(pids) != 3 || pids[0] != tree.Process.Pid {
		t.Fatalf("tree of %d: %v, want it and its two sleeps", tree.Process.Pid, pids)
	}

	us, errs := Proc.Measure(context.Background(), []int{busy.Process.Pid, idle.Process.Pid, tree.Process.Pid}, 1500*time.Millisecond, 500*time.Millisecond)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("tree %d: %v", i, err)
		}
	}
	b, s, tr := us[0], us[1], us[2]
	t.Logf("busy %+v\nsleep %+v\ntree %+v", b, s, tr)
	if b.CPUPercent < 20 {
		t.Errorf("busy loop: %.2f%% of a core, want most of one", b.CPUPercent)
	}
	if s.CPUPercent > 1 || s.CtxPerSec > 5 {
		t.Errorf("sleep: %.3f%% of a core, %.1f switches/s; want about nothing", s.CPUPercent, s.CtxPerSec)
	}
	for name, u := range map[string]Usage{"busy": b, "sleep": s, "tree": tr} {
		if u.RSSKB <= 0 || u.PSSKB <= 0 || u.AnonKB <= 0 || u.AnonKB > u.RSSKB || u.RSSMaxKB < u.RSSKB || u.Threads < 1 || u.Samples < 3 {
			t.Errorf("%s: implausible %+v", name, u)
		}
		if u.CPUSource != "schedstat" && u.CPUSource != "ticks" {
			t.Errorf("%s: CPU source %q", name, u.CPUSource)
		}
	}
	if tr.Procs != 3 || tr.RSSKB <= s.RSSKB {
		t.Errorf("tree: %d processes, %d kB; want 3 processes, more than one sleep's %d kB", tr.Procs, tr.RSSKB, s.RSSKB)
	}
}

func TestTakeGone(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if _, err := Proc.Take(cmd.Process.Pid); !errors.Is(err, ErrGone) {
		t.Fatalf("reading an ended process: %v, want ErrGone", err)
	}
}

func TestBetweenTicksFallback(t *testing.T) {
	t0 := time.Unix(0, 0)
	a := Snapshot{At: t0, CPUNanos: -1, CPUTicks: 10, CtxSwitch: 100, RSSKB: 1000, PSSKB: 800, AnonKB: 100}
	b := Snapshot{At: t0.Add(10 * time.Second), CPUNanos: -1, CPUTicks: 20, CtxSwitch: 90, RSSKB: 3000, PSSKB: 900, AnonKB: 300, PIDs: []int{1}}
	u := Between(a, b, []Snapshot{{RSSKB: 2000, PSSKB: 850, AnonKB: 200}})
	want := Usage{Window: 10 * time.Second, Samples: 3, Procs: 1, RSSKB: 2000, RSSMaxKB: 3000, PSSKB: 850, AnonKB: 200,
		CPUPercent: 1, CtxPerSec: 0, CPUSource: "ticks"}
	if u != want {
		t.Fatalf("got %+v\nwant %+v", u, want)
	}
}
