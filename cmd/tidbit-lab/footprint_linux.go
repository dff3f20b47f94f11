//go:build linux

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tidbit-learn/tidbit/app/instance"
	"github.com/tidbit-learn/tidbit/cmd/internal/session"
	"github.com/tidbit-learn/tidbit/cmd/tidbit-lab/internal/procstat"
	"github.com/tidbit-learn/tidbit/cmd/tidbit-lab/internal/xwatch"
)

// footprintConfig is the parsed command line of tidbit-lab footprint.
type footprintConfig struct {
	tidbit   string
	peers    []string
	window   time.Duration
	warmup   time.Duration
	samples  int
	asJSON   bool
	dataDir  string
	private  bool
	command  string // "" tries offer, then show
	interval time.Duration
	keep     bool
}

type peerFlags []string

func (p *peerFlags) String() string     { return strings.Join(*p, ", ") }
func (p *peerFlags) Set(v string) error { *p = append(*p, v); return nil }

func runFootprint(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tidbit-lab footprint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg footprintConfig
	var peers peerFlags
	fs.StringVar(&cfg.tidbit, "tidbit", "", "the resident tidbit binary, tidbit-ui next to it (default: next to tidbit-lab, else on PATH)")
	fs.Var(&peers, "peer", "another resident program to measure alongside (repeatable): 'CMD ARGS' split on spaces, or a shell command when it has quotes, $, ;, & or |")
	fs.DurationVar(&cfg.window, "window", 60*time.Second, "how long the idle measurement lasts")
	fs.DurationVar(&cfg.warmup, "warmup", 10*time.Second, "wait this long after starting everything before measuring")
	fs.IntVar(&cfg.samples, "samples", 5, "latency samples of each kind, cold and warm (0: skip latency)")
	fs.BoolVar(&cfg.asJSON, "json", false, "print the report as JSON")
	fs.StringVar(&cfg.dataDir, "data-dir", "", "tidbit's data folder (default: a new empty one, removed at the end)")
	fs.BoolVar(&cfg.private, "session", false, "start a private desktop (Xvfb, D-Bus, openbox, xfce4-panel) instead of using $DISPLAY")
	fs.StringVar(&cfg.command, "command", "", "what to send on tray.sock to fire a moment: offer or show (default: offer, else show)")
	fs.BoolVar(&cfg.keep, "keep", false, "keep the session folder (every program's log, the data folder) and print where it is")
	fs.DurationVar(&cfg.interval, "interval", 0, "how often memory is read during the window (default: window/12, at least 1s)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "tidbit-lab footprint: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg.peers = peers
	if cfg.window <= 0 || cfg.warmup < 0 || cfg.samples < 0 {
		fmt.Fprintln(stderr, "tidbit-lab footprint: --window must be positive, --warmup and --samples not negative")
		return 2
	}
	if cfg.command != "" && cfg.command != "offer" && cfg.command != "show" {
		fmt.Fprintf(stderr, "tidbit-lab footprint: --command %q: use offer or show\n", cfg.command)
		return 2
	}
	for _, p := range cfg.peers {
		if len(strings.Fields(p)) == 0 {
			fmt.Fprintln(stderr, "tidbit-lab footprint: --peer needs a command")
			return 2
		}
	}
	if cfg.interval <= 0 {
		cfg.interval = max(cfg.window/12, time.Second)
	}
	ctx, stop := signalContext()
	defer stop()
	rep, err := footprint(ctx, cfg, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "tidbit-lab footprint: %v\n", err)
		return 1
	}
	return emit(stdout, stderr, "footprint", cfg.asJSON, rep, rep.WriteTable)
}

// signalContext ends on SIGINT or SIGTERM so everything started is
// stopped by PID on the way out.
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case <-sig:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(sig); cancel() }
}

func findTidbit(flagPath string) (string, error) {
	if flagPath != "" {
		p, err := filepath.Abs(flagPath)
		if err != nil {
			return "", err
		}
		if fi, err := os.Stat(p); err != nil || fi.IsDir() {
			return "", fmt.Errorf("--tidbit %s: not a program", flagPath)
		}
		return p, nil
	}
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), "tidbit")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	p, err := exec.LookPath("tidbit")
	if err != nil {
		return "", errors.New("cannot find tidbit next to tidbit-lab or on PATH: pass --tidbit (make build puts both in bin/)")
	}
	return filepath.Abs(p)
}

// shellChars make a --peer a shell command rather than a program and its
// arguments.
const shellChars = ";&|<>()$`\\\"'*?~"

// measured is one program under measurement.
type measured struct {
	name, command string
	cmd           *exec.Cmd
	startErr      error
}

func footprint(ctx context.Context, cfg footprintConfig, log io.Writer) (*footprintReport, error) {
	tidbit, err := findTidbit(cfg.tidbit)
	if err != nil {
		return nil, err
	}
	var s *session.Session
	if cfg.private {
		fmt.Fprintln(log, "footprint: starting a private desktop session")
		s, err = session.Start(ctx, session.Options{Keep: cfg.keep})
	} else {
		s, err = session.Current(cfg.keep)
	}
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if cfg.keep {
		fmt.Fprintf(log, "footprint: logs and data stay in %s\n", s.Dir)
	}

	rep := &footprintReport{Window: cfg.window.String(), Warmup: cfg.warmup.String(), Display: s.Display, Tidbit: tidbit}
	if cfg.private {
		rep.Session = "private: Xvfb " + s.Display + ", openbox, xfce4-panel"
	} else {
		rep.Session = "current: " + s.Display
	}
	data := cfg.dataDir
	if data == "" {
		data = filepath.Join(s.Dir, "tidbit-data")
		if err := os.MkdirAll(data, 0o700); err != nil {
			return nil, fmt.Errorf("creating the data folder: %w", err)
		}
		// A first start opens the welcome window, and finishing it turns
		// start at login on (an autostart file in the user's folder): a
		// fresh folder is marked onboarded, start at login off.
		set := exec.Command(tidbit, "--data-dir", data, "settings", "set", "onboarded=true", "start_at_login=false")
		set.Env = s.Env
		if out, err := set.CombinedOutput(); err != nil {
			rep.Notes = append(rep.Notes, fmt.Sprintf("could not mark the new data folder onboarded (%v: %s): the welcome window may be open during the measurement",
				err, strings.TrimSpace(string(out))))
		}
	}
	sock := filepath.Join(data, "tray.sock")

	progs := []*measured{{name: "tidbit", command: tidbit + " --data-dir " + data}}
	progs[0].cmd, progs[0].startErr = s.Start(tidbit, "--data-dir", data)
	if progs[0].startErr != nil {
		return nil, progs[0].startErr
	}
	res := progs[0].cmd
	defer s.Stop(res, 10*time.Second)
	if err := waitUntil(ctx, 60*time.Second, func() bool {
		_, err := os.Stat(sock)
		return err == nil
	}, s.Done(res)); err != nil {
		return nil, fmt.Errorf("tidbit did not open %s: %w\n%s", sock, err, s.Logs())
	}
	names := map[string]int{"tidbit": 1}
	for _, p := range cfg.peers {
		f := strings.Fields(p)
		name := filepath.Base(f[0])
		names[name]++
		if n := names[name]; n > 1 {
			name += "#" + strconv.Itoa(n)
		}
		m := &measured{name: name, command: p}
		if strings.ContainsAny(p, shellChars) {
			// The shell stays as the program's parent: its few hundred
			// kB are counted with it (procs shows 2).
			m.cmd, m.startErr = s.Start("sh", "-c", p)
		} else {
			m.cmd, m.startErr = s.Start(f[0], f[1:]...)
		}
		if m.startErr == nil {
			defer s.Stop(m.cmd, 10*time.Second)
		}
		progs = append(progs, m)
	}
	fmt.Fprintf(log, "footprint: warming up for %v, then measuring for %v\n", cfg.warmup, cfg.window)
	if err := sleepCtx(ctx, cfg.warmup); err != nil {
		return nil, err
	}
	// The resident alone: a window process still open from the warm-up
	// (a moment that fired) is stopped first.
	if ui := uiProcs(res.Process.Pid); len(ui) > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("tidbit-ui %v was running after the warm-up: stopped before measuring", ui))
		if err := stopUI(ctx, res.Process.Pid); err != nil {
			rep.Notes = append(rep.Notes, err.Error())
		}
	}
	var pids []int
	var live []*measured
	for _, m := range progs {
		row := usageRow{Name: m.name, Command: m.command}
		switch {
		case m.startErr != nil:
			row.Error = m.startErr.Error()
		case isDone(s.Done(m.cmd)):
			row.Error = fmt.Sprintf("exited during the warm-up: %v (log %s)", s.Exited(m.cmd), filepath.Join(s.Dir, "log", filepath.Base(m.cmd.Path)+".log"))
		default:
			row.PID = m.cmd.Process.Pid
			pids = append(pids, row.PID)
			live = append(live, m)
		}
		rep.Processes = append(rep.Processes, row)
	}
	if progs[0].cmd.Process.Pid != rep.Processes[0].PID {
		return nil, fmt.Errorf("tidbit %s\n%s", rep.Processes[0].Error, s.Logs())
	}
	us, errs := procstat.Proc.Measure(ctx, pids, cfg.window, cfg.interval)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	for i, m := range live {
		for j := range rep.Processes {
			r := &rep.Processes[j]
			if r.Name != m.name {
				continue
			}
			if errs[i] != nil {
				r.Error = errs[i].Error()
				continue
			}
			r.fill(us[i])
		}
	}

	if cfg.samples > 0 {
		lat, err := measureLatency(ctx, s, cfg, res.Process.Pid, sock, log)
		if err != nil {
			return nil, err
		}
		rep.Latency = lat
	}
	rep.Targets = targets(rep)
	return rep, nil
}

func isDone(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// waitUntil polls ok every 20 ms; it gives up when died is closed.
func waitUntil(ctx context.Context, d time.Duration, ok func() bool, died <-chan struct{}) error {
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %v", d)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-died:
			return errors.New("it exited")
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

// uiProcs lists the tidbit-ui processes under the resident.
func uiProcs(resident int) []int {
	tree, err := procstat.Proc.Tree(resident)
	if err != nil {
		return nil
	}
	var out []int
	for _, p := range tree[1:] {
		if isUI(p) {
			out = append(out, p)
		}
	}
	return out
}

// isUI says whether pid is a live tidbit-ui.
func isUI(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	st, err := procstat.ParseStat(data)
	return err == nil && st.Comm == "tidbit-ui" && st.State != 'Z'
}

// stopUI ends every tidbit-ui under the resident (SIGTERM, which saves
// and exits at once), so the next moment starts it cold.
func stopUI(ctx context.Context, resident int) error {
	for _, p := range uiProcs(resident) {
		_ = syscall.Kill(p, syscall.SIGTERM)
	}
	err := waitUntil(ctx, 10*time.Second, func() bool { return len(uiProcs(resident)) == 0 }, nil)
	if err != nil {
		for _, p := range uiProcs(resident) {
			_ = syscall.Kill(p, syscall.SIGKILL)
		}
		return fmt.Errorf("tidbit-ui did not stop on SIGTERM: %w", err)
	}
	return nil
}

// measureLatency fires moments and times the lesson window: cold with no
// tidbit-ui running, warm right after a window closed while tidbit-ui
// lingers. Samples alternate cold, warm.
func measureLatency(ctx context.Context, s *session.Session, cfg footprintConfig, resident int, sock string, log io.Writer) (*latencyReport, error) {
	w, err := xwatch.Open(s.Display)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	lat := &latencyReport{Command: cfg.command, To: "a tidbit-ui window mapped (MapNotify after _NET_CLIENT_LIST)"}
	send := func() error {
		actx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if lat.Command != "" {
			return instance.Ask(actx, sock, lat.Command)
		}
		err := instance.Ask(actx, sock, "offer")
		if err != nil && strings.Contains(err.Error(), "unknown command") {
			lat.Command = "show"
			lat.Notes = append(lat.Notes, "the resident has no `offer` command yet: timed `show` (Learn now) instead")
			return instance.Ask(actx, sock, "show")
		}
		if err == nil {
			lat.Command = "offer"
		}
		return err
	}
	match := func(c xwatch.Client) bool {
		if c.PID > 0 {
			return isUI(c.PID)
		}
		return strings.HasPrefix(c.Name, "Tidbit")
	}
	lat.DrawnTo = fmt.Sprintf("the window's last change of pixels before %v without one (its image read every %v: accurate to that)", drawnQuiet, drawnEvery)
	// one fires a moment and returns the time to the window mapped and to
	// its final pixels (drawn, 0 when it could not be told).
	one := func(timeout time.Duration) (mapped, drawn time.Duration, warm bool, drawErr, err error) {
		warm = len(uiProcs(resident)) > 0
		since := time.Now()
		if err := send(); err != nil {
			return 0, 0, warm, nil, fmt.Errorf("sending %s: %w", lat.Command, err)
		}
		wctx, cancel := context.WithTimeout(ctx, timeout)
		c, err := w.WaitMapped(wctx, since, match)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return 0, 0, warm, nil, ctx.Err()
			}
			var seen []string
			for _, c := range w.Clients() {
				if !c.Seen.Before(since) {
					seen = append(seen, fmt.Sprintf("%q pid %d ui %v mapped %v gone %v", c.Name, c.PID, isUI(c.PID), !c.Mapped.IsZero(), !c.Gone.IsZero()))
				}
			}
			return 0, 0, warm, nil, fmt.Errorf("no tidbit-ui window within %v (tidbit-ui processes %v; windows new since: %v)", timeout, uiProcs(resident), seen)
		}
		mapped = c.Mapped.Sub(since)
		at, drawErr := w.Drawn(ctx, c.ID, drawnEvery, drawnQuiet, drawnLimit)
		if drawErr == nil {
			drawn = at.Sub(since)
		}
		if err := w.Delete(c.ID); err != nil {
			return mapped, drawn, warm, drawErr, err
		}
		gctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err = w.WaitGone(gctx, c.ID)
		cancel()
		if err != nil {
			return mapped, drawn, warm, drawErr, fmt.Errorf("the window did not close on WM_DELETE_WINDOW: %w", err)
		}
		return mapped, drawn, warm, drawErr, nil
	}
	record := func(mapped, drawn time.Duration, warm bool, drawErr, err error) {
		st, dst := &lat.Cold, &lat.ColdDrawn
		if warm {
			st, dst = &lat.Warm, &lat.WarmDrawn
		}
		if err != nil {
			st.Failures = append(st.Failures, err.Error())
			return
		}
		st.SamplesMS = append(st.SamplesMS, ms(mapped))
		if drawErr != nil {
			dst.Failures = append(dst.Failures, "drawn: "+drawErr.Error())
			return
		}
		dst.SamplesMS = append(dst.SamplesMS, ms(drawn))
	}
	warmGivenUp := false
	for i := 0; i < cfg.samples; i++ {
		if err := stopUI(ctx, resident); err != nil {
			lat.Notes = append(lat.Notes, err.Error())
		}
		if err := sleepCtx(ctx, 300*time.Millisecond); err != nil { // the resident reaps it
			return nil, err
		}
		fmt.Fprintf(log, "footprint: latency sample %d of %d\n", i+1, cfg.samples)
		m, dr, warm, drawErr, err := one(30 * time.Second)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		record(m, dr, warm, drawErr, err)
		if warmGivenUp {
			continue
		}
		// Let the closed window's process settle into lingering.
		if err := sleepCtx(ctx, 300*time.Millisecond); err != nil {
			return nil, err
		}
		if len(uiProcs(resident)) == 0 {
			lat.Warm.Failures = append(lat.Warm.Failures, "tidbit-ui exited when its window closed: nothing lingers")
			warmGivenUp = true
			continue
		}
		m, dr, warm, drawErr, err = one(5 * time.Second)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		record(m, dr, warm, drawErr, err)
		if err != nil && len(lat.Warm.SamplesMS) == 0 {
			lat.Notes = append(lat.Notes, "no warm window: the lingering tidbit-ui did not open one when asked (the resident starts a second tidbit-ui, which finds the first busy); warm samples stopped")
			warmGivenUp = true
			// A window that opened late must not count for the next sample.
			if err := stopUI(ctx, resident); err != nil {
				lat.Notes = append(lat.Notes, err.Error())
			}
		}
	}
	for _, st := range []*latencyStats{&lat.Cold, &lat.Warm, &lat.ColdDrawn, &lat.WarmDrawn} {
		st.summarize()
	}
	return lat, nil
}

// How a window's final pixels are told (xwatch.Drawn): its image is read
// every drawnEvery; it is drawn when it has not changed for drawnQuiet
// (longer than any pause between a window's first frame and its text);
// one that still changes after drawnLimit counts as a failure.
const (
	drawnEvery = 10 * time.Millisecond
	drawnQuiet = 500 * time.Millisecond
	drawnLimit = 5 * time.Second
)

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
