package presence

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// ErrUnknown is returned by Monitor.IdleTime when no idle backend works.
var ErrUnknown = errors.New("presence unknown: no idle-time backend answered")

// ErrUnsupported is returned by backends that do not exist on this platform.
var ErrUnsupported = errors.New("unsupported on this platform")

// IdleSource reports the time since the user's last input.
type IdleSource interface {
	Name() string
	IdleTime(ctx context.Context) (time.Duration, error)
}

// Signal names a reason why now is not a good time.
type Signal string

// The "not now" signals.
const (
	Locked       Signal = "locked"
	DoNotDisturb Signal = "do-not-disturb"
	Fullscreen   Signal = "fullscreen"
	Microphone   Signal = "microphone"
	Typing       Signal = "typing"
)

// Checker reads one "not now" signal. Check reports whether it is active.
type Checker interface {
	Signal() Signal
	Name() string // backend, e.g. "logind LockedHint"
	Check(ctx context.Context) (bool, error)
}

// Options configure Probe. The zero value probes the real session.
type Options struct {
	// SessionBus and SystemBus are D-Bus addresses; "" means the standard
	// buses (DBUS_SESSION_BUS_ADDRESS, the system bus socket). "-" disables one.
	SessionBus, SystemBus string
	// Display is the X11 display; "" means $DISPLAY, "-" disables X11.
	Display string
	// Getenv reads the environment (XDG_SESSION_ID); nil: os.Getenv.
	Getenv func(string) string
	// Run runs a helper program (pactl, gsettings, xfconf-query) with the
	// context's deadline; nil: exec with CallTimeout.
	Run Runner
	// CallTimeout bounds every D-Bus call, X11 request and command; default 2 s.
	CallTimeout time.Duration
	// TypingWithin: input within this time counts as typing; default 5 s.
	TypingWithin time.Duration
	// DisableCommands skips the backends that run programs.
	DisableCommands bool
}

func (o *Options) defaults() {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = 2 * time.Second
	}
	if o.TypingWithin <= 0 {
		o.TypingWithin = 5 * time.Second
	}
	if o.Run == nil {
		o.Run = ExecRunner
	}
}

// Monitor is the probed set of backends. It is safe for concurrent use.
type Monitor struct {
	opts    Options
	idle    IdleSource
	checks  []Checker
	spare   []IdleSource // probed and failed: Reprobe tries them again
	spareCk []Checker
	tried   []Attempt
	closers []func() error

	mu      sync.Mutex
	lastErr error
}

// Attempt is one backend tried at Probe and what came of it.
type Attempt struct {
	Kind    string `json:"kind"` // "idle" or a Signal
	Backend string `json:"backend"`
	OK      bool   `json:"ok"`
	Error   string `json:"error,omitempty"`
}

// Description says what Probe found, for `tidbit doctor`.
type Description struct {
	Known    bool      `json:"known"`
	Idle     string    `json:"idle_backend"` // "" when unknown
	Signals  []string  `json:"signals"`      // available "not now" signals, sorted
	Attempts []Attempt `json:"attempts"`
}

// String is the doctor's one-paragraph view.
func (d Description) String() string {
	var b strings.Builder
	if d.Known {
		fmt.Fprintf(&b, "idle time: %s\n", d.Idle)
	} else {
		b.WriteString("idle time: unknown (Tidbit will not pop up on idle alone)\n")
	}
	if len(d.Signals) == 0 {
		b.WriteString("not-now signals: none available\n")
	} else {
		fmt.Fprintf(&b, "not-now signals: %s\n", strings.Join(d.Signals, ", "))
	}
	for _, a := range d.Attempts {
		if !a.OK {
			fmt.Fprintf(&b, "  %s via %s: %s\n", a.Kind, a.Backend, a.Error)
		}
	}
	return b.String()
}

// New builds a Monitor from given backends without probing (tests, other
// platforms). idle may be nil: presence is then unknown.
func New(idle IdleSource, checks []Checker, opts Options) *Monitor {
	opts.defaults()
	return &Monitor{opts: opts, idle: idle, checks: checks}
}

// Probe tries every backend once, in order of preference, and keeps the first
// idle source that answers and every signal that answers. It never fails: what
// does not work is listed in Describe.
func Probe(ctx context.Context, opts Options) *Monitor {
	opts.defaults()
	m := &Monitor{opts: opts}
	idles, checks, closers := platformBackends(ctx, &m.opts)
	m.closers = closers
	m.probe(ctx, idles, checks)
	return m
}

func (m *Monitor) probe(ctx context.Context, idles []IdleSource, checks []Checker) {
	var (
		found IdleSource
		spare []IdleSource
		ok    []Checker
		bad   []Checker
		tried []Attempt
	)
	for i, src := range idles {
		cctx, cancel := context.WithTimeout(ctx, m.opts.CallTimeout)
		_, err := src.IdleTime(cctx)
		cancel()
		tried = append(tried, attempt("idle", src.Name(), err))
		if err == nil {
			found, spare = src, nil
			break
		}
		spare = idles[:i+1]
	}
	for _, c := range checks {
		cctx, cancel := context.WithTimeout(ctx, m.opts.CallTimeout)
		_, err := c.Check(cctx)
		cancel()
		tried = append(tried, attempt(string(c.Signal()), c.Name(), err))
		if err == nil {
			ok = append(ok, c)
		} else {
			bad = append(bad, c)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if found != nil {
		m.idle = found
	}
	if m.idle == nil {
		m.spare = spare
	} else {
		m.spare = nil
	}
	m.checks = append(m.checks, ok...)
	m.spareCk = bad
	m.tried = tried
}

// current returns the backends in use.
func (m *Monitor) current() (IdleSource, []Checker) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.idle, m.checks
}

// Reprobe tries again the backends that failed at Probe (at login, Tidbit may
// start before the desktop's services) and reports whether the idle time is
// known now. The scheduler calls it from its refresh job while presence is
// unknown.
func (m *Monitor) Reprobe(ctx context.Context) bool {
	m.mu.Lock()
	known := m.idle != nil
	idles, checks := m.spare, m.spareCk
	m.mu.Unlock()
	if known && len(checks) == 0 {
		return true
	}
	if known {
		idles = nil
	}
	m.probe(ctx, idles, checks)
	return m.Known()
}

func attempt(kind, backend string, err error) Attempt {
	a := Attempt{Kind: kind, Backend: backend, OK: err == nil}
	if err != nil {
		a.Error = err.Error()
	}
	return a
}

// Close releases bus and display connections.
func (m *Monitor) Close() error {
	var errs []error
	for _, c := range m.closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

// Known reports whether an idle source works.
func (m *Monitor) Known() bool {
	idle, _ := m.current()
	return idle != nil
}

// IdleTime asks the idle source, bounded by CallTimeout. It returns ErrUnknown
// when there is none.
func (m *Monitor) IdleTime(ctx context.Context) (time.Duration, error) {
	idle, _ := m.current()
	if idle == nil {
		return 0, ErrUnknown
	}
	ctx, cancel := context.WithTimeout(ctx, m.opts.CallTimeout)
	defer cancel()
	d, err := idle.IdleTime(ctx)
	if err != nil {
		err = fmt.Errorf("idle time from %s: %w", idle.Name(), err)
	}
	m.mu.Lock()
	m.lastErr = err
	m.mu.Unlock()
	return d, err
}

// Locked reads only the lock signal (cheap; the scheduler asks it before
// querying idle time so that nothing is polled while the screen is locked).
// ok is false when no lock signal is available.
func (m *Monitor) Locked(ctx context.Context) (locked, ok bool) {
	_, checks := m.current()
	for _, c := range checks {
		if c.Signal() != Locked {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, m.opts.CallTimeout)
		on, err := c.Check(cctx)
		cancel()
		if err == nil {
			return on, true
		}
	}
	return false, false
}

// NotNow checks every available signal and returns the active ones, sorted and
// without duplicates. Typing is derived from idle (when it is known). A signal
// whose check fails now counts as inactive; its error is returned alongside.
func (m *Monitor) NotNow(ctx context.Context) ([]Signal, error) {
	set := map[Signal]bool{}
	var errs []error
	idle, checks := m.current()
	if idle != nil {
		if d, err := m.IdleTime(ctx); err != nil {
			errs = append(errs, err)
		} else if d < m.opts.TypingWithin {
			set[Typing] = true
		}
	}
	for _, c := range checks {
		if set[c.Signal()] {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, m.opts.CallTimeout)
		on, err := c.Check(cctx)
		cancel()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s via %s: %w", c.Signal(), c.Name(), err))
			continue
		}
		if on {
			set[c.Signal()] = true
		}
	}
	out := make([]Signal, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, errors.Join(errs...)
}

// LastError is the error of the latest idle query (nil when it answered), for
// `tidbit doctor`.
func (m *Monitor) LastError() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lastErr
}

// Describe says which backends are in use and what failed at Probe.
func (m *Monitor) Describe() Description {
	idle, checks := m.current()
	m.mu.Lock()
	d := Description{Known: idle != nil, Attempts: append([]Attempt(nil), m.tried...)}
	m.mu.Unlock()
	if idle != nil {
		d.Idle = idle.Name()
	}
	seen := map[string]bool{}
	if idle != nil {
		seen[string(Typing)] = true
		d.Signals = append(d.Signals, string(Typing)+" (from idle time)")
	}
	for _, c := range checks {
		k := string(c.Signal()) + " (" + c.Name() + ")"
		if !seen[k] {
			seen[k] = true
			d.Signals = append(d.Signals, k)
		}
	}
	sort.Strings(d.Signals)
	return d
}
