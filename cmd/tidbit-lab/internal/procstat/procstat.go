// Package procstat measures what a Linux process tree costs while it sits
// there: resident and proportional memory, CPU time and context switches,
// read from /proc. A tree is a process and all its descendants, each with
// all its threads, so a program that forks helpers is charged for them.
//
// CPU time comes from each thread's /proc/PID/task/TID/schedstat
// (nanoseconds on the CPU), which resolves the hundredths of a percent an
// idle program uses; where schedstat is missing, from utime+stime in clock
// ticks (100 a second). Context switches (voluntary + involuntary, summed
// over threads) stand in for wakeups: a thread that sleeps and is woken
// counts one voluntary switch.
package procstat

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, fixed at 100 on every Linux architecture Go runs on.
const clockTicks = 100

// Snapshot is one reading of a process tree.
type Snapshot struct {
	At        time.Time
	PIDs      []int // the root first, then its descendants
	Threads   int
	RSSKB     int64 // sum of Rss over the tree (shared pages counted once per process)
	PSSKB     int64 // sum of Pss: shared pages divided among their users
	AnonKB    int64 // sum of RssAnon: the part of RSS that is the program's own memory, not file pages
	CPUNanos  int64 // schedstat run time summed over live threads; -1 when unavailable
	CPUTicks  int64 // utime+stime of each process (its threads, dead or alive)
	CtxSwitch int64 // voluntary + involuntary, summed over live threads
}

// ErrGone means the root process no longer exists.
var ErrGone = errors.New("process is gone")

// Root is the /proc folder; tests point it at fixtures.
type Root string

// Proc is the real /proc.
const Proc Root = "/proc"

// Take reads the tree rooted at pid.
func (r Root) Take(pid int) (Snapshot, error) {
	s := Snapshot{At: time.Now(), CPUNanos: 0}
	pids, err := r.Tree(pid)
	if err != nil {
		return s, err
	}
	s.PIDs = pids
	for i, p := range pids {
		if err := r.add(&s, p); err != nil {
			if i == 0 {
				return s, err
			}
			// A descendant that exited between listing and reading
			// costs nothing any more.
			continue
		}
	}
	return s, nil
}

func (r Root) add(s *Snapshot, pid int) error {
	dir := filepath.Join(string(r), strconv.Itoa(pid))
	stat, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
			return fmt.Errorf("process %d: %w", pid, ErrGone)
		}
		return fmt.Errorf("reading %s/stat: %w", dir, err)
	}
	st, err := ParseStat(stat)
	if err != nil {
		return fmt.Errorf("%s/stat: %w", dir, err)
	}
	s.CPUTicks += st.UTime + st.STime
	if data, err := os.ReadFile(filepath.Join(dir, "status")); err == nil {
		st, err := ParseStatus(data)
		if err != nil {
			return fmt.Errorf("%s/status: %w", dir, err)
		}
		s.AnonKB += st.AnonKB
	}
	if data, err := os.ReadFile(filepath.Join(dir, "smaps_rollup")); err == nil {
		m, err := ParseSmapsRollup(data)
		if err != nil {
			return fmt.Errorf("%s/smaps_rollup: %w", dir, err)
		}
		s.RSSKB += m.RSSKB
		s.PSSKB += m.PSSKB
	} else if data, err := os.ReadFile(filepath.Join(dir, "status")); err == nil {
		// Kernels before 4.14 have no smaps_rollup: RSS only.
		st, err := ParseStatus(data)
		if err != nil {
			return fmt.Errorf("%s/status: %w", dir, err)
		}
		s.RSSKB += st.RSSKB
	}
	tasks, err := os.ReadDir(filepath.Join(dir, "task"))
	if err != nil {
		return fmt.Errorf("process %d: %w", pid, ErrGone)
	}
	for _, t := range tasks {
		tdir := filepath.Join(dir, "task", t.Name())
		status, err := os.ReadFile(filepath.Join(tdir, "status"))
		if err != nil {
			continue // the thread ended
		}
		ts, err := ParseStatus(status)
		if err != nil {
			return fmt.Errorf("%s/status: %w", tdir, err)
		}
		s.Threads++
		s.CtxSwitch += ts.Voluntary + ts.Involuntary
		if s.CPUNanos < 0 {
			continue
		}
		sched, err := os.ReadFile(filepath.Join(tdir, "schedstat"))
		if err != nil {
			s.CPUNanos = -1
			continue
		}
		ns, err := ParseSchedstat(sched)
		if err != nil {
			return fmt.Errorf("%s/schedstat: %w", tdir, err)
		}
		s.CPUNanos += ns
	}
	return nil
}

// Tree lists pid and its descendants (pid first, the rest sorted).
func (r Root) Tree(pid int) ([]int, error) {
	if _, err := os.Stat(filepath.Join(string(r), strconv.Itoa(pid), "stat")); err != nil {
		return nil, fmt.Errorf("process %d: %w", pid, ErrGone)
	}
	ents, err := os.ReadDir(string(r))
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", r, err)
	}
	children := map[int][]int{}
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join(string(r), e.Name(), "stat"))
		if err != nil {
			continue
		}
		st, err := ParseStat(data)
		if err != nil {
			continue
		}
		children[st.PPID] = append(children[st.PPID], p)
	}
	out := []int{pid}
	seen := map[int]bool{pid: true}
	for i := 0; i < len(out); i++ {
		for _, c := range children[out[i]] {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	sort.Ints(out[1:])
	return out, nil
}

// Stat is the part of /proc/PID/stat this package uses.
type Stat struct {
	Comm         string
	State        byte
	PPID         int
	UTime, STime int64 // clock ticks
}

// ParseStat reads /proc/PID/stat. The command name is in parentheses and
// may itself hold spaces and parentheses, so fields are counted from the
// last ')'.
func ParseStat(data []byte) (Stat, error) {
	open := bytes.IndexByte(data, '(')
	closing := bytes.LastIndexByte(data, ')')
	if open < 0 || closing < open {
		return Stat{}, fmt.Errorf("stat %q: no (command) field", clip(data))
	}
	st := Stat{Comm: string(data[open+1 : closing])}
	f := strings.Fields(string(data[closing+1:]))
	// After the command: state(3) ppid(4) ... utime(14) stime(15).
	if len(f) < 13 {
		return Stat{}, fmt.Errorf("stat %q: %d fields after the command, want at least 13", clip(data), len(f))
	}
	if len(f[0]) != 1 {
		return Stat{}, fmt.Errorf("stat %q: state %q is not one letter", clip(data), f[0])
	}
	st.State = f[0][0]
	var err error
	if st.PPID, err = strconv.Atoi(f[1]); err != nil {
		return Stat{}, fmt.Errorf("stat %q: parent pid: %w", clip(data), err)
	}
	if st.UTime, err = strconv.ParseInt(f[11], 10, 64); err != nil || st.UTime < 0 {
		return Stat{}, fmt.Errorf("stat %q: utime %q is not a tick count", clip(data), f[11])
	}
	if st.STime, err = strconv.ParseInt(f[12], 10, 64); err != nil || st.STime < 0 {
		return Stat{}, fmt.Errorf("stat %q: stime %q is not a tick count", clip(data), f[12])
	}
	return st, nil
}

// Status is the part of /proc/PID/status this package uses.
type Status struct {
	RSSKB, AnonKB          int64
	Voluntary, Involuntary int64
}

// ParseStatus reads /proc/PID/status (or a thread's). Kernel threads have
// no VmRSS; a missing field is zero.
func ParseStatus(data []byte) (Status, error) {
	var st Status
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		var dst *int64
		switch key {
		case "VmRSS":
			dst = &st.RSSKB
		case "RssAnon":
			dst = &st.AnonKB
		case "voluntary_ctxt_switches":
			dst = &st.Voluntary
		case "nonvoluntary_ctxt_switches":
			dst = &st.Involuntary
		default:
			continue
		}
		v, err := number(val, key == "VmRSS" || key == "RssAnon")
		if err != nil {
			return Status{}, fmt.Errorf("status line %d (%s): %w", n, key, err)
		}
		*dst = v
	}
	return st, nil
}

// Memory is the part of /proc/PID/smaps_rollup this package uses.
type Memory struct {
	RSSKB, PSSKB int64
}

// ParseSmapsRollup reads /proc/PID/smaps_rollup. It must name both Rss
// and Pss.
func ParseSmapsRollup(data []byte) (Memory, error) {
	var m Memory
	var haveRSS, havePSS bool
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		var err error
		switch key {
		case "Rss":
			m.RSSKB, err = number(val, true)
			haveRSS = true
		case "Pss":
			m.PSSKB, err = number(val, true)
			havePSS = true
		default:
			continue
		}
		if err != nil {
			return Memory{}, fmt.Errorf("smaps_rollup line %d (%s): %w", n, key, err)
		}
	}
	if !haveRSS || !havePSS {
		return Memory{}, errors.New("smaps_rollup has no Rss or no Pss line")
	}
	return m, nil
}

// ParseSchedstat reads a thread's /proc/.../schedstat: nanoseconds on the
// CPU, nanoseconds waiting to run, timeslices. It returns the first.
func ParseSchedstat(data []byte) (int64, error) {
	f := strings.Fields(string(data))
	if len(f) != 3 {
		return 0, fmt.Errorf("schedstat %q: want 3 numbers", clip(data))
	}
	ns, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil || ns < 0 {
		return 0, fmt.Errorf("schedstat %q: run time %q is not a count of nanoseconds", clip(data), f[0])
	}
	return ns, nil
}

// number reads "  1234 kB" (withUnit) or "1234".
func number(s string, withUnit bool) (int64, error) {
	f := strings.Fields(s)
	if withUnit {
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("%q: want a number of kB", strings.TrimSpace(s))
		}
	} else if len(f) != 1 {
		return 0, fmt.Errorf("%q: want one number", strings.TrimSpace(s))
	}
	v, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%q is not a count", f[0])
	}
	return v, nil
}

func clip(b []byte) string {
	if len(b) > 80 {
		return string(b[:80]) + "..."
	}
	return string(b)
}

// Usage is what a tree cost over a window.
type Usage struct {
	Window     time.Duration
	Samples    int     // memory readings taken
	Procs      int     // processes in the tree at the end
	Threads    int     // threads at the end
	RSSKB      int64   // median of the readings
	RSSMaxKB   int64   // largest reading
	PSSKB      int64   // median
	AnonKB     int64   // median
	CPUPercent float64 // of one core
	CtxPerSec  float64 // context switches a second
	// CPUSource is "schedstat" (nanoseconds) or "ticks" (10 ms steps).
	CPUSource string
}

// Between computes the CPU and context-switch rates from two snapshots
// and the memory from readings (a, the readings, b).
func Between(a, b Snapshot, mem []Snapshot) Usage {
	u := Usage{Window: b.At.Sub(a.At), Procs: len(b.PIDs), Threads: b.Threads}
	secs := u.Window.Seconds()
	if secs <= 0 {
		return u
	}
	if a.CPUNanos >= 0 && b.CPUNanos >= 0 {
		u.CPUSource = "schedstat"
		u.CPUPercent = 100 * float64(nonNeg(b.CPUNanos-a.CPUNanos)) / 1e9 / secs
	} else {
		u.CPUSource = "ticks"
		u.CPUPercent = 100 * float64(nonNeg(b.CPUTicks-a.CPUTicks)) / clockTicks / secs
	}
	u.CtxPerSec = float64(nonNeg(b.CtxSwitch-a.CtxSwitch)) / secs
	all := append(append([]Snapshot{a}, mem...), b)
	rss := make([]int64, 0, len(all))
	pss := make([]int64, 0, len(all))
	anon := make([]int64, 0, len(all))
	for _, s := range all {
		rss = append(rss, s.RSSKB)
		pss = append(pss, s.PSSKB)
		anon = append(anon, s.AnonKB)
		u.RSSMaxKB = max(u.RSSMaxKB, s.RSSKB)
	}
	u.Samples = len(all)
	u.RSSKB, u.PSSKB, u.AnonKB = median(rss), median(pss), median(anon)
	return u
}

// nonNeg clamps a difference that a thread exiting mid-window made
// negative (its counts left the sum).
func nonNeg(v int64) int64 { return max(v, 0) }

func median(v []int64) int64 {
	s := append([]int64(nil), v...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Measure watches every tree in pids for window, reading memory every
// interval (at least once a second is never needed: memory of an idle
// program barely moves), and returns one Usage per root. A root that dies
// during the window gets its error instead.
func (r Root) Measure(ctx context.Context, pids []int, window, interval time.Duration) ([]Usage, []error) {
	if interval <= 0 || interval > window {
		interval = window
	}
	us := make([]Usage, len(pids))
	errs := make([]error, len(pids))
	first := make([]Snapshot, len(pids))
	mem := make([][]Snapshot, len(pids))
	for i, p := range pids {
		first[i], errs[i] = r.Take(p)
	}
	start := time.Now()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	end := time.NewTimer(window)
	defer end.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			for i := range errs {
				if errs[i] == nil {
					errs[i] = ctx.Err()
				}
			}
			return us, errs
		case <-end.C:
			break loop
		case <-tick.C:
			if time.Since(start) >= window-interval/2 {
				continue // the last reading is the end snapshot
			}
			for i, p := range pids {
				if errs[i] != nil {
					continue
				}
				s, err := r.Take(p)
				if err != nil {
					errs[i] = err
					continue
				}
				mem[i] = append(mem[i], s)
			}
		}
	}
	for i, p := range pids {
		if errs[i] != nil {
			continue
		}
		last, err := r.Take(p)
		if err != nil {
			errs[i] = err
			continue
		}
		us[i] = Between(first[i], last, mem[i])
	}
	return us, errs
}
