// Package tray is the resident `tidbit` process's tray icon and menu. It
// links no Fyne and no GL: the icon and menu go through fyne.io/systray
// (StatusNotifierItem and dbusmenu over D-Bus on Linux), and every window
// is another process (cmd/tidbit-ui) that the actions start. It gets its
// actions as callbacks and reads today's progress through one function,
// so the composition root decides what they do and tests drive it with a
// fake menu.
//
// One tray runs per data folder: Run takes a lock file there, and a
// second start asks the running one over a Unix socket file (mode 0600,
// the user's alone; no network socket) to show its window, then returns.
package tray

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/tidbit-learn/tidbit/app/instance"
)

// Menu is the tray host: fyne.io/systray in production (NewSystray), a
// fake in tests. Implementations call the click functions on any
// goroutine.
type Menu interface {
	SetIcon(png []byte)
	SetTooltip(text string)
	// Add adds an item (to parent's submenu when parent is not nil).
	Add(parent Item, title string, onClick func()) Item
	AddSeparator()
}

// Item is one menu entry.
type Item interface {
	SetTitle(string)
	Enable()
	Disable()
	Show()
	Hide()
}

// Host runs a Menu: Start shows the icon (ready is called once the menu
// may be built), Stop removes it.
type Host interface {
	Menu
	Start(ready func())
	Stop()
}

// Actions are what the menu does; nil entries are shown disabled.
type Actions struct {
	LearnNow func() // start a lesson now (the window process)
	Progress func()
	Profile  func()
	Library  func()
	Settings func()
	// Show is what a second start asks for; nil means LearnNow.
	Show func()
	// Snooze, Pause and Resume tell the scheduler (nil: the menu only
	// changes the icon). Snooze gets Snooze15m, Snooze1h or
	// SnoozeRestOfDay; Pause gets the time it ends (the next midnight).
	Snooze func(d time.Duration)
	Pause  func(until time.Time)
	Resume func()
}

// Deps is everything Run needs.
type Deps struct {
	Host    Host
	Actions Actions
	// Status reads today's progress; nil shows none. It is called at
	// start, every Refresh and after each action.
	Status func(ctx context.Context) (Status, error)
	// LockPath and SocketPath are the single-instance lock and the
	// handover socket (app/paths: Lock("tray"), Data/tray.sock).
	LockPath, SocketPath string
	Now                  func() time.Time // nil: time.Now
	// Refresh is how often Status is read besides after actions, socket
	// commands and at midnight; 0: 15 minutes. Each read wakes the process
	// (a few SQLite reads), so it is long: the window process asks for a
	// refresh over the socket when something changed.
	Refresh time.Duration
	Log     io.Writer // nil: discard
	// Init runs once the lock is held, before the icon appears (open the
	// store here: a second start hands over without touching it).
	Init func(ctx context.Context) error
	// Handle answers socket commands other than "show" and "quit" (see
	// app/ipc); nil refuses them.
	Handle func(cmd string) error
	// Started gets the running tray once its menu is built, so the
	// composition root can ask for a Refresh when its state changes.
	Started func(t *Tray)
}

// ErrHandedOver is returned when another tray was running and was asked
// to show its window: the caller should exit successfully.
var ErrHandedOver = errors.New("Tidbit is already running; asked it to show its window")

// Tray is a running tray.
type Tray struct {
	d     Deps
	mu    sync.Mutex
	m     model
	items struct {
		learn, progress, snooze, pause, resume Item
	}
	quit chan struct{}
	once sync.Once
	poke chan struct{}
	// shown is what the host shows now: show sends only changes (fewer
	// D-Bus signals, and systray v1.12.2 races when it re-sets a property
	// while the previous change is still being sent).
	shown struct {
		mu            sync.Mutex
		set           bool
		state         State
		tip, prog     string
		resume, pause bool
	}
}

// Run shows the tray and blocks until ctx is done or Quit is chosen; it
// returns nil then. With another tray running it returns ErrHandedOver.
func Run(ctx context.Context, d Deps) error {
	if d.Host == nil {
		return errors.New("tray: no host")
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Refresh <= 0 {
		d.Refresh = 15 * time.Minute
	}
	if d.Log == nil {
		d.Log = io.Discard
	}
	if d.Actions.Show == nil {
		d.Actions.Show = d.Actions.LearnNow
	}
	release, holder, err := instance.Lock(d.LockPath)
	if errors.Is(err, instance.ErrLocked) {
		actx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if err := instance.Ask(actx, d.SocketPath, "show"); err != nil {
			return fmt.Errorf("Tidbit is already running (process %d) but did not answer: %w", holder, err)
		}
		return ErrHandedOver
	}
	if err != nil {
		return err
	}
	defer release()
	if d.Init != nil {
		if err := d.Init(ctx); err != nil {
			return err
		}
	}
	t := &Tray{d: d, quit: make(chan struct{}), poke: make(chan struct{}, 1)}
	srv, err := instance.Listen(d.SocketPath, t.handle)
	if err != nil {
		return err
	}
	defer srv.Close()

	ready := make(chan struct{})
	d.Host.Start(func() {
		t.build()
		close(ready)
	})
	defer d.Host.Stop()
	select {
	case <-ready:
	case <-ctx.Done():
		return nil
	}
	t.refresh(ctx)
	if d.Started != nil {
		d.Started(t)
	}
	return t.loop(ctx)
}

// Refresh re-reads Status soon (on the tray's loop, not the caller's
// goroutine).
func (t *Tray) Refresh() { t.kick() }

func (t *Tray) handle(cmd string) error {
	switch cmd {
	case "show":
		if t.d.Actions.Show == nil {
			return errors.New("nothing to show")
		}
		go t.d.Actions.Show()
		return nil
	case "quit":
		t.Quit()
		return nil
	case "refresh": // the window process changed something
		t.kick()
		return nil
	}
	if t.d.Handle != nil {
		err := t.d.Handle(cmd)
		t.kick()
		return err
	}
	return fmt.Errorf("unknown command %q", cmd)
}

// Quit ends Run.
func (t *Tray) Quit() { t.once.Do(func() { close(t.quit) }) }

// loop sleeps until ctx ends, Quit, the refresh tick, midnight (today's
// count starts again) or a snooze or pause running out; it wakes no more
// often than that.
func (t *Tray) loop(ctx context.Context) error {
	tick := time.NewTicker(t.d.Refresh)
	defer tick.Stop()
	for {
		var expire <-chan time.Time
		t.mu.Lock()
		next := t.m.nextChange(t.d.Now())
		t.mu.Unlock()
		var timer *time.Timer
		if !next.IsZero() {
			timer = time.NewTimer(next.Sub(t.d.Now()))
			expire = timer.C
		}
		midnight := time.NewTimer(nextMidnight(t.d.Now()).Sub(t.d.Now()) + time.Second)
		select {
		case <-ctx.Done():
			return nil
		case <-t.quit:
			return nil
		case <-tick.C:
			t.refresh(ctx)
		case <-expire:
			t.show()
		case <-t.poke:
			t.refresh(ctx)
		case <-midnight.C:
			t.refresh(ctx)
		}
		midnight.Stop()
		if timer != nil {
			timer.Stop()
		}
	}
}

// act wraps a menu action: run it, then refresh soon.
func (t *Tray) act(f func()) func() {
	if f == nil {
		return nil
	}
	return func() {
		f()
		t.kick()
	}
}

func (t *Tray) kick() {
	select {
	case t.poke <- struct{}{}:
	default:
	}
}

func (t *Tray) build() {
	h, a := t.d.Host, t.d.Actions
	add := func(parent Item, title string, f func()) Item {
		it := h.Add(parent, title, f)
		if f == nil {
			it.Disable()
		}
		return it
	}
	t.items.learn = add(nil, "Learn now", t.act(a.LearnNow))
	t.items.progress = add(nil, "Today: 0 done", nil)
	h.AddSeparator()
	t.items.snooze = h.Add(nil, "Snooze", nil)
	add(t.items.snooze, "15 minutes", func() { t.snooze(Snooze15m) })
	add(t.items.snooze, "1 hour", func() { t.snooze(Snooze1h) })
	add(t.items.snooze, "Rest of the day", func() { t.snooze(SnoozeRestOfDay) })
	t.items.pause = add(nil, "Pause until tomorrow", t.pause)
	t.items.resume = add(nil, "Resume", t.resume)
	t.items.resume.Hide()
	h.AddSeparator()
	add(nil, "Progress", t.act(a.Progress))
	add(nil, "Profile and goals", t.act(a.Profile))
	add(nil, "Library", t.act(a.Library))
	add(nil, "Settings", t.act(a.Settings))
	h.AddSeparator()
	add(nil, "Quit Tidbit", t.Quit)
}

func (t *Tray) snooze(d time.Duration) {
	t.mu.Lock()
	t.m.snooze(t.d.Now(), d)
	t.mu.Unlock()
	if t.d.Actions.Snooze != nil {
		t.d.Actions.Snooze(d)
	}
	t.show()
	t.kick() // re-arm the loop's timer
}

func (t *Tray) pause() {
	t.mu.Lock()
	t.m.pauseUntilTomorrow(t.d.Now())
	until := t.m.pausedUntil
	t.mu.Unlock()
	if t.d.Actions.Pause != nil {
		t.d.Actions.Pause(until)
	}
	t.show()
	t.kick()
}

func (t *Tray) resume() {
	t.mu.Lock()
	t.m.resume()
	t.mu.Unlock()
	if t.d.Actions.Resume != nil {
		t.d.Actions.Resume()
	}
	t.show()
	t.kick()
}

// Quiet says whether moments are held back now (snoozed or paused): the
// scheduler asks before it offers anything.
func (t *Tray) Quiet() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.m.quiet(t.d.Now())
}

func (t *Tray) refresh(ctx context.Context) {
	if t.d.Status != nil {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		st, err := t.d.Status(sctx)
		cancel()
		if err != nil {
			fmt.Fprintf(t.d.Log, "tidbit: reading today's progress: %v\n", err)
			st.Problem = "cannot read your progress (run `tidbit doctor`)"
		}
		t.mu.Lock()
		t.m.status = st
		// The scheduler's snooze and pause survive restarts; the menu
		// shows the later of its own and the scheduler's.
		if st.SnoozedUntil.After(t.m.snoozeUntil) {
			t.m.snoozeUntil = st.SnoozedUntil
		}
		if st.PausedUntil.After(t.m.pausedUntil) {
			t.m.pausedUntil = st.PausedUntil
		}
		t.mu.Unlock()
	}
	t.show()
}

// show puts the model on the menu.
func (t *Tray) show() {
	t.mu.Lock()
	now := t.d.Now()
	st, tip, prog := t.m.state(now), t.m.tooltip(now), t.m.progressLabel()
	paused := now.Before(t.m.pausedUntil)
	quiet := t.m.quiet(now)
	t.mu.Unlock()
	t.shown.mu.Lock()
	defer t.shown.mu.Unlock()
	first := !t.shown.set
	t.shown.set = true
	if first || st != t.shown.state {
		t.d.Host.SetIcon(Icon(st))
		t.shown.state = st
	}
	if first || tip != t.shown.tip {
		t.d.Host.SetTooltip(tip)
		t.shown.tip = tip
	}
	if first || prog != t.shown.prog {
		t.items.progress.SetTitle(prog)
		t.shown.prog = prog
	}
	if first || quiet != t.shown.resume {
		if quiet {
			t.items.resume.Show()
		} else {
			t.items.resume.Hide()
		}
		t.shown.resume = quiet
	}
	if first || !paused != t.shown.pause {
		if paused {
			t.items.pause.Hide()
		} else {
			t.items.pause.Show()
		}
		t.shown.pause = !paused
	}
}
