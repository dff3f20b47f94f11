package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"time"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/instance"
	"github.com/tidbit-learn/tidbit/app/ipc"
	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/app/tray"
	"github.com/tidbit-learn/tidbit/llm"
	"github.com/tidbit-learn/tidbit/scheduler"
	"github.com/tidbit-learn/tidbit/scheduler/calendar"
	"github.com/tidbit-learn/tidbit/scheduler/moments"
	"github.com/tidbit-learn/tidbit/scheduler/presence"
)

// Presence is the idle source the scheduler samples; *presence.Monitor is
// the real one.
type Presence interface {
	scheduler.Presence
	Close() error
}

// Daemon is the resident process as `tidbit` (no command) runs it. The CLI
// fills it in and calls Run; tests replace the host, the presence source,
// the clock and the notifier.
type Daemon struct {
	Paths paths.Paths
	// Open opens the store; it is called once the single-instance lock is
	// held. The daemon closes it on exit.
	Open func(ctx context.Context) (*core.App, error)
	Now  func() time.Time // nil: time.Now
	Loc  *time.Location   // nil: time.Local
	Log  io.Writer        // nil: discard
	// Self is the running tidbit binary (tidbit-ui is looked for next to
	// it); "" means os.Executable.
	Self string
	// Host is the tray host; nil means fyne.io/systray.
	Host tray.Host
	// Assignments returns the progress line's text about open
	// assignments ("" for none); nil shows none.
	Assignments func(ctx context.Context, a *core.App) string
	// Linger is passed to tidbit-ui: how long it stays warm after its
	// last window; 0 keeps tidbit-ui's default (2 minutes).
	Linger time.Duration
	// Getenv reads the environment (DISPLAY, WAYLAND_DISPLAY, OLLAMA_HOST);
	// nil: os.Getenv.
	Getenv func(string) string
	// Presence probes the idle source once at start; nil: presence.Probe.
	Presence func(ctx context.Context) Presence
	// Clock drives the scheduler; nil: the real clock.
	Clock scheduler.Clock
	// Notifier shows notifications (Wayland offers, the no-tray notice);
	// nil: the desktop's notification server over D-Bus, when one runs.
	Notifier Notifier
	// TrayHost says whether a tray host runs; nil asks the session bus.
	TrayHost func(ctx context.Context) bool
	// TrayGrace is how long after start the tray host is looked for (the
	// panel may start after Tidbit at login); 0: 30 s.
	TrayGrace time.Duration
	// NoScheduler runs the tray without moments (tests of the menu alone).
	NoScheduler bool
	// NewModel makes the quiz maker for a model server and model; nil:
	// llm.NewGenerator (a real Ollama server).
	NewModel func(base *url.URL, model string) llm.QuizMaker

	app      *core.App
	launcher *tray.Launcher
	tray     *tray.Tray
	writes   *writer
	items    items

	mu        sync.Mutex
	sched     *scheduler.Scheduler
	set       settings.Settings
	pres      Presence
	uiErr     error
	profileAt time.Time // the profile's UpdatedAt when status last read it
	notifier  Notifier
	schedCtx  context.Context
	stopping  bool
	trim      trimmer
	trayCheck *time.Timer
	ai        aiWork
	pre       prepicked
}

func (d *Daemon) defaults() {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Loc == nil {
		d.Loc = time.Local
	}
	if d.Log == nil {
		d.Log = io.Discard
	}
	if d.Getenv == nil {
		d.Getenv = os.Getenv
	}
	if d.Host == nil {
		d.Host = tray.NewSystray()
	}
	if d.Presence == nil {
		d.Presence = func(ctx context.Context) Presence {
			disp := d.Getenv("DISPLAY")
			if disp == "" {
				disp = "-" // never fall back to a display the environment did not name
			}
			return presence.Probe(ctx, presence.Options{Getenv: d.Getenv, Display: disp})
		}
	}
}

func (d *Daemon) logf(format string, args ...any) {
	fmt.Fprintf(d.Log, "tidbit: "+format+"\n", args...)
}

// Run shows the tray and runs the scheduler until ctx is done or Quit is
// chosen. A second start returns tray.ErrHandedOver after asking the first
// to show its window.
func (d *Daemon) Run(ctx context.Context) error {
	d.defaults()
	if err := d.Paths.Ensure(); err != nil {
		return err
	}
	d.launcher = &tray.Launcher{Args: []string{"--data-dir", d.Paths.Data}, Log: d.Log}
	if d.Linger > 0 {
		d.launcher.Args = append(d.launcher.Args, "--linger", d.Linger.String())
	}
	defer d.shutdown()
	// Menu actions return at once: opening a window may wait for a busy
	// window process, and a click must never hold up the menu.
	window := func(name string) func() { return func() { go d.openWindow(name) } }
	return tray.Run(ctx, tray.Deps{
		Host: d.Host,
		Actions: tray.Actions{
			LearnNow: window("lesson"),
			Progress: window("progress"),
			Profile:  window("profile"),
			Library:  window("library"),
			Settings: window("settings"),
			Snooze: func(dur time.Duration) {
				if s := d.scheduler(); s != nil {
					s.Snooze("", dur)
				}
			},
			Pause: func(until time.Time) {
				if s := d.scheduler(); s != nil {
					s.Pause(until.Sub(d.Now()))
				}
			},
			Resume: func() {
				if s := d.scheduler(); s != nil {
					s.Resume()
				}
			},
		},
		LockPath:   d.Paths.Lock("tray"),
		SocketPath: ipc.TraySocket(d.Paths.Data),
		Now:        d.Now,
		Log:        d.Log,
		Init:       func(ctx context.Context) error { return d.init(ctx) },
		Status:     d.status,
		Handle:     d.handle,
		Started:    func(t *tray.Tray) { d.mu.Lock(); d.tray = t; d.mu.Unlock() },
	})
}

func (d *Daemon) init(ctx context.Context) error {
	a, err := d.Open(ctx)
	if err != nil {
		return err
	}
	d.app = a
	d.writes = newWriter(context.WithoutCancel(ctx), d.Log)
	set, err := settings.Load(ctx, a.Store)
	if err != nil {
		d.logf("reading settings (using the defaults): %v", err)
	}
	d.set = set
	d.notifier = d.Notifier
	if d.notifier == nil && d.Getenv("DBUS_SESSION_BUS_ADDRESS") != "disabled:" {
		if n, err := NewDBusNotifier("", d.Getenv); err == nil {
			d.notifier = n
		}
	}
	// At login the panel may start after Tidbit: look for a tray host only
	// after a grace period (fyne.io/systray registers whenever one comes).
	grace := d.TrayGrace
	if grace <= 0 {
		grace = 30 * time.Second
	}
	d.trayCheck = time.AfterFunc(grace, func() { d.checkTrayHost(context.WithoutCancel(ctx)) })
	if !set.Onboarded && (d.Getenv("DISPLAY") != "" || d.Getenv("WAYLAND_DISPLAY") != "") {
		// First start: the welcome steps (every one skippable).
		go d.openWindow("onboarding")
	}
	d.prepick()   // the first pop-up need not wait for the recommender
	d.trim.soon() // start-up's memory goes back once things are quiet
	if d.NoScheduler {
		return nil
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	d.pres = d.Presence(pctx)
	cancel()
	d.schedCtx = context.WithoutCancel(ctx)
	if err := d.startScheduler(set); err != nil {
		return err
	}
	go d.startAI(set)
	return nil
}

// startScheduler builds and starts the scheduler for set, restoring the
// saved state.
func (d *Daemon) startScheduler(set settings.Settings) error {
	ctx := d.schedCtx
	policy, err := set.Policy(d.Loc)
	if err != nil {
		// Settings saved by an older or newer version, or edited by hand:
		// the defaults are safer than no moments at all.
		d.logf("%v; using the default policy", err)
		policy, _ = settings.Settings{}.Policy(d.Loc)
	}
	var saved State
	if _, err := d.app.Store.Setting(ctx, StateKey, &saved); err != nil {
		d.logf("reading the saved state (starting fresh): %v", err)
		saved = State{}
	}
	for id, o := range saved.Items {
		d.items.put(id, o)
	}
	src := d.calendars(set)
	opts := scheduler.Options{
		Policy:          policy,
		Calendar:        src,
		CalendarOptions: set.CalendarOptions(d.Loc),
		Clock:           d.Clock,
		Log:             moments.LogFunc(d.logDecision),
		OnMoment:        d.onMoment,
		State:           saved.Policy,
		OnState:         d.saveState,
		OnIdle:          d.onIdle,
	}
	if d.pres != nil && !set.NoIdleMoments {
		opts.Presence = d.pres
	}
	s, err := scheduler.New(opts)
	if err != nil && opts.State != nil {
		// A saved state the engine refuses (hand-edited, another version)
		// must not keep the tray from starting: start the day fresh.
		d.logf("%v; starting with a fresh policy state", err)
		opts.State = nil
		s, err = scheduler.New(opts)
	}
	if err != nil {
		return fmt.Errorf("starting the scheduler: %w", err)
	}
	if err := s.Start(ctx); err != nil {
		return fmt.Errorf("starting the scheduler: %w", err)
	}
	d.mu.Lock()
	d.sched = s
	d.mu.Unlock()
	return nil
}

// calendars turns the configured sources into one; a source that cannot
// be set up is logged and left out (doctor and Settings say why).
func (d *Daemon) calendars(set settings.Settings) calendar.Source {
	var srcs calendar.Multi
	cache := filepath.Join(d.Paths.Cache, "calendars")
	for _, spec := range set.Calendars {
		// With a cache folder a CalDAV account keeps its last good answer
		// there (calendar.LastGood) and a subscription its last copy.
		src, err := calendar.SourceFor(spec, calendar.SourceOptions{CacheDir: cache, Getenv: d.Getenv})
		if err != nil {
			d.logf("calendar %v", err)
			continue
		}
		srcs = append(srcs, src)
	}
	if len(srcs) == 0 {
		return nil
	}
	return srcs
}

func (d *Daemon) scheduler() *scheduler.Scheduler {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sched
}

// reload restarts the scheduler with new settings, keeping its state.
func (d *Daemon) reload(set settings.Settings) {
	d.mu.Lock()
	old := d.sched
	d.sched = nil
	d.set = set
	stopping := d.stopping
	d.mu.Unlock()
	if stopping {
		return
	}
	if old != nil {
		old.Stop()
		d.saveState(old.Snapshot())
		d.writes.wait()
	}
	if err := d.startScheduler(set); err != nil {
		d.logf("%v", err)
	}
	d.stopAI() // the model server, the model or the switch may have changed
	go d.startAI(set)
	d.logf("settings changed: scheduler restarted")
}

func (d *Daemon) shutdown() {
	d.trim.stop()
	if d.trayCheck != nil {
		d.trayCheck.Stop()
	}
	d.stopAI()
	d.mu.Lock()
	d.stopping = true
	s := d.sched
	d.mu.Unlock()
	if s != nil {
		s.Stop()
		d.saveState(s.Snapshot())
	}
	if d.pres != nil {
		d.pres.Close()
	}
	if d.writes != nil {
		d.writes.close()
	}
	if d.notifier != nil && d.Notifier == nil {
		d.notifier.Close()
	}
	if d.app != nil {
		d.app.Close()
	}
}

// saveState stores the policy state and the open items (through the
// writer: called under no lock, in order with the decision log).
func (d *Daemon) saveState(st moments.State) {
	if d.writes == nil {
		return
	}
	// Keep the held item and those offered today (windows may still report
	// on them); older ones can no longer be answered.
	held := ""
	if st.Held != nil {
		held = st.Held.Moment.ID
	}
	d.items.prune(held, d.Now().Add(-12*time.Hour))
	state := State{Policy: &st, Items: d.items.snapshot()}
	d.writes.do("saving the scheduler state", func(ctx context.Context) error {
		return d.app.Store.SetSetting(ctx, StateKey, state)
	})
}

// logDecision sends a withheld or held decision to the store's moments
// log; offered ones are logged by offer, with the item picked. Called
// under the scheduler's lock: it only queues.
func (d *Daemon) logDecision(dec moments.Decision) {
	fmt.Fprintln(d.Log, "tidbit:", dec.String())
	if dec.Moment.Kind == "" || dec.Offered || d.writes == nil {
		return
	}
	outcome := "withheld"
	if dec.Held {
		outcome = "held"
	}
	detail, _ := json.Marshal(dec.Moment)
	m := momentRow(dec.At, dec.Moment, dec.Reason, outcome, string(detail))
	d.writes.do("logging a moment", func(ctx context.Context) error {
		_, err := d.app.Store.LogMoment(ctx, m)
		return err
	})
}

func (d *Daemon) status(ctx context.Context) (tray.Status, error) {
	st, err := d.app.Store.Stats(ctx, d.Now(), d.Loc)
	if err != nil {
		return tray.Status{}, err
	}
	set, err := settings.Load(ctx, d.app.Store)
	if err != nil {
		d.logf("reading settings: %v", err)
		set = d.set
	}
	d.mu.Lock()
	changed := !reflect.DeepEqual(set, d.set)
	uiErr := d.uiErr
	d.mu.Unlock()
	if changed && !d.NoScheduler {
		go d.reload(set) // Settings saved in the window process
	}
	d.noticeProfile(ctx)
	d.prepick() // answers or the profile may have changed (a no-op when not)
	s := tray.Status{Done: st.TodayCompleted, Goal: set.DailyGoal()}
	if d.Assignments != nil {
		s.Assigned = d.Assignments(ctx, d.app)
	}
	if sc := d.scheduler(); sc != nil {
		ps := sc.Status()
		s.Waiting = ps.Held != nil
		s.SnoozedUntil, s.PausedUntil = ps.SnoozedUntil, ps.PausedUntil
	}
	if set.AllowRemote {
		if u, err := llm.ResolveHost(set.ModelHost, d.Getenv, true); err == nil && !llm.IsLoopback(u.Hostname()) {
			s.Remote = u.Host
		}
	}
	if uiErr != nil {
		s.Problem = uiErr.Error()
	}
	return s, nil
}

// noticeProfile wakes the personalisation worker when the profile was
// saved since the last look (in the Profile window or `tidbit profile`,
// which ask for a refresh): the new role and notes are read into skills
// now, not at the worker's next recheck.
func (d *Daemon) noticeProfile(ctx context.Context) {
	p, err := d.app.Store.Profile(ctx)
	if err != nil {
		return
	}
	d.mu.Lock()
	seen := d.profileAt
	d.profileAt = p.UpdatedAt
	d.mu.Unlock()
	if seen.IsZero() || p.UpdatedAt.Equal(seen) {
		return // the first look, or nothing new
	}
	d.ai.mu.Lock()
	w := d.ai.personal
	d.ai.mu.Unlock()
	if w != nil {
		w.Kick()
	}
}

func (d *Daemon) refreshTray() {
	d.mu.Lock()
	t := d.tray
	d.mu.Unlock()
	if t != nil {
		t.Refresh()
	}
}

// handle answers the window process and the lab over the tray socket.
func (d *Daemon) handle(cmd string) error {
	switch ipc.Verb(cmd) {
	case ipc.MomentVerb:
		m, err := ipc.ParseMoment(cmd)
		if err != nil {
			return err
		}
		return d.answer(m)
	case "offer":
		// A moment fired by hand through the same path as a real one
		// (pick, pop-up): `tidbit-lab footprint` times it.
		now := d.Now()
		go d.offer(moments.Moment{ID: "learn-now@" + now.UTC().Format(time.RFC3339Nano), Kind: "learn-now", At: now,
			Minutes: 5, Context: "offered on request"})
		return nil
	}
	return fmt.Errorf("unknown command %q", cmd)
}

// errNoScheduler answers outcomes when moments are off.
var errNoScheduler = errors.New("moments are off")

// ask sends a line to a socket with a short deadline.
func ask(path, line string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return instance.Ask(ctx, path, line)
}
