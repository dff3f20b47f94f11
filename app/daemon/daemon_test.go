//go:build unix

package daemon

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/instance"
	"github.com/tidbit-learn/tidbit/app/ipc"
	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/app/tray"
	"github.com/tidbit-learn/tidbit/scheduler/moments"
	"github.com/tidbit-learn/tidbit/scheduler/presence"
)

// fakeHost is a tray host that records what it shows and clicks by title.
type fakeHost struct {
	mu      sync.Mutex
	icon    []byte
	tooltip string
	items   []*fakeItem
	started chan struct{}
}

type fakeItem struct {
	h     *fakeHost
	title string
	click func()
}

func newHost() *fakeHost                { return &fakeHost{started: make(chan struct{})} }
func (h *fakeHost) Start(ready func())  { ready(); close(h.started) }
func (h *fakeHost) Stop()               {}
func (h *fakeHost) SetIcon(b []byte)    { h.mu.Lock(); h.icon = b; h.mu.Unlock() }
func (h *fakeHost) SetTooltip(s string) { h.mu.Lock(); h.tooltip = s; h.mu.Unlock() }
func (h *fakeHost) AddSeparator()       {}
func (i *fakeItem) SetTitle(s string)   { i.h.mu.Lock(); i.title = s; i.h.mu.Unlock() }
func (i *fakeItem) Enable()             {}
func (i *fakeItem) Disable()            {}
func (i *fakeItem) Show()               {}
func (i *fakeItem) Hide()               {}
func (h *fakeHost) Add(_ tray.Item, title string, f func()) tray.Item {
	h.mu.Lock()
	defer h.mu.Unlock()
	it := &fakeItem{h: h, title: title, click: f}
	h.items = append(h.items, it)
	return it
}

func (h *fakeHost) click(t *testing.T, title string) {
	t.Helper()
	h.mu.Lock()
	var f func()
	for _, it := range h.items {
		if it.title == title {
			f = it.click
		}
	}
	h.mu.Unlock()
	if f == nil {
		t.Fatalf("no enabled menu item %q", title)
	}
	f()
}

func (h *fakeHost) state() (tray.State, string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := tray.Ready; s <= tray.Problem; s++ {
		if bytes.Equal(h.icon, tray.Icon(s)) {
			return s, h.tooltip
		}
	}
	return -1, h.tooltip
}

// idlePresence reports an idle time the test sets, as of the fake clock.
type idlePresence struct {
	mu    sync.Mutex
	clock clockwork.Clock
	since time.Time // last input
}

func (p *idlePresence) Known() bool { return true }
func (p *idlePresence) IdleTime(context.Context) (time.Duration, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.clock.Now().Sub(p.since), nil
}
func (p *idlePresence) Locked(context.Context) (bool, bool)               { return false, true }
func (p *idlePresence) NotNow(context.Context) ([]presence.Signal, error) { return nil, nil }
func (p *idlePresence) Close() error                                      { return nil }
func (p *idlePresence) input(at time.Time)                                { p.mu.Lock(); p.since = at; p.mu.Unlock() }

type fakeNotifier struct {
	mu    sync.Mutex
	notes []Notification
}

func (n *fakeNotifier) Notify(_ context.Context, note Notification) error {
	n.mu.Lock()
	n.notes = append(n.notes, note)
	n.mu.Unlock()
	return nil
}
func (n *fakeNotifier) Close() error { return nil }
func (n *fakeNotifier) all() []Notification {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]Notification(nil), n.notes...)
}

// wednesday 10:00 UTC: inside the default working hours.
var wednesday = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

type rig struct {
	d     *Daemon
	host  *fakeHost
	clock *clockwork.FakeClock
	pres  *idlePresence
	notes *fakeNotifier
	bin   string // the fake tidbit-ui's folder
	env   map[string]string
	// firstRun leaves onboarding undone (the daemon then opens it).
	firstRun bool
	cancel   context.CancelFunc
	done     chan error
}

// newRig builds a daemon on a real store in a temp folder, with a fake
// tray host, a fake clock, a settable idle time and a tidbit-ui stand-in
// that records its arguments.
func newRig(t *testing.T, data string) *rig {
	t.Helper()
	if data == "" {
		data = filepath.Join(t.TempDir(), "data")
	}
	p, err := paths.Resolve(data, paths.OS())
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	script := "#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/ui-args\"\n"
	if err := os.WriteFile(filepath.Join(bin, tray.UIName), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	fc := clockwork.NewFakeClockAt(wednesday)
	r := &rig{host: newHost(), clock: fc, pres: &idlePresence{clock: fc, since: wednesday}, notes: &fakeNotifier{},
		bin: bin, env: map[string]string{"DISPLAY": ":99"}}
	r.d = &Daemon{Paths: p, Self: filepath.Join(bin, "tidbit"), Host: r.host, Now: fc.Now, Loc: time.UTC, Clock: fc,
		Open: func(ctx context.Context) (*core.App, error) {
			a, err := core.Open(ctx, p, core.Options{})
			if err == nil && !r.firstRun {
				err = settings.Update(ctx, a.Store, func(s *settings.Settings) { s.Onboarded = true })
			}
			return a, err
		},
		Getenv:   func(k string) string { return r.env[k] },
		Presence: func(context.Context) Presence { return r.pres },
		Notifier: r.notes, TrayHost: func(context.Context) bool { return true }, TrayGrace: time.Millisecond,
		Log: testLog{t}}
	return r
}

type testLog struct{ t *testing.T }

func (l testLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

func (r *rig) start(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan error, 1)
	go func() { r.done <- r.d.Run(ctx) }()
	<-r.host.started
	t.Cleanup(func() { r.stop(t) })
}

func (r *rig) stop(t *testing.T) {
	t.Helper()
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop")
	}
}

// uiArgs returns the tidbit-ui command lines started so far.
func (r *rig) uiArgs() []string {
	b, _ := os.ReadFile(filepath.Join(r.bin, "ui-args"))
	s := strings.TrimSpace(string(b))
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// advance moves the fake clock to at, one due job at a time, waiting for
// each to run.
func (r *rig) advance(t *testing.T, at time.Time) {
	t.Helper()
	for {
		s := r.d.scheduler()
		if s == nil {
			t.Fatal("no scheduler")
		}
		next := s.NextRun()
		now := r.clock.Now()
		if next.IsZero() || next.After(at) {
			r.clock.Advance(at.Sub(now))
			return
		}
		if next.After(now) {
			r.clock.Advance(next.Sub(now))
		}
		eventually(t, "the job due at "+next.Format("15:04:05"), func() bool {
			n := s.NextRun()
			return n.IsZero() || n.After(r.clock.Now())
		})
	}
}

var popupRE = regexp.MustCompile(`^lesson --popup --moment (\S+) --lesson (\S+) --why (.+) --minutes \d+ --data-dir (\S+)$`)

func (r *rig) moments(t *testing.T) []store.Moment {
	t.Helper()
	ms, err := r.d.app.Store.Moments(context.Background(), wednesday.Add(-24*time.Hour), wednesday.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func tell(t *testing.T, d *Daemon, line string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return instance.Ask(ctx, ipc.TraySocket(d.Paths.Data), line)
}

// TestPauseToPopupAndBack: a natural pause is a moment; the daemon picks a
// lesson, starts the pop-up with the moment, the why line and the minutes;
// the window's "done" reaches the scheduler (the week's goal) and the
// moments log (offered, then done).
func TestPauseToPopupAndBack(t *testing.T) {
	r := newRig(t, "")
	r.pres.input(wednesday.Add(-70 * time.Second)) // idle for 70 s at 10:00
	r.start(t)
	eventually(t, "the pop-up", func() bool { return len(r.uiArgs()) == 1 })
	m := popupRE.FindStringSubmatch(r.uiArgs()[0])
	if m == nil {
		t.Fatalf("tidbit-ui %q", r.uiArgs()[0])
	}
	id, lesson := m[1], m[2]
	if !strings.HasPrefix(id, "pause@") {
		t.Fatalf("moment %q", id)
	}
	if _, err := r.d.app.Store.Lesson(context.Background(), lesson); err != nil {
		t.Fatalf("the pop-up's lesson: %v", err)
	}
	if err := tell(t, r.d, ipc.MomentMsg{Moment: id, Outcome: ipc.Done}.String()); err != nil {
		t.Fatal(err)
	}
	if err := tell(t, r.d, "moment nope@x done"); err == nil {
		t.Fatal("an outcome for an unknown moment was accepted")
	}
	eventually(t, "the outcome in the moments log", func() bool {
		for _, row := range r.moments(t) {
			if row.Kind == "pause" && row.Item == lesson && row.Outcome == "done" {
				return true
			}
		}
		return false
	})
	if st := r.d.scheduler().Status(); st.Week.Done != 1 || st.Offered != 1 {
		t.Fatalf("scheduler after done: %+v", st)
	}
	eventually(t, "the goal in the tooltip", func() bool { _, tip := r.host.state(); return tip == "Tidbit: Today: 0 of 4 done" })
	r.stop(t)
	var saved State
	if ok, err := r.d.app.Store.Setting(context.Background(), StateKey, &saved); err == nil && ok {
		t.Fatal("the store should be closed after Run")
	}
	// Restarted, the daemon restores the day: one offered, the week's one.
	r2 := newRig(t, r.d.Paths.Data)
	r2.pres.input(wednesday) // active
	r2.start(t)
	if st := r2.d.scheduler().Status(); st.Offered != 1 || st.Week.Done != 1 {
		t.Fatalf("restored state: %+v", st)
	}
}

// TestHeldComesBackTheSame: a pop-up that hid itself untouched holds its
// item; the next pause offers the same lesson, and the icon shows an item
// waiting meanwhile. Withheld moments are logged with their reasons.
func TestHeldComesBackTheSame(t *testing.T) {
	r := newRig(t, "")
	r.pres.input(wednesday.Add(-70 * time.Second))
	r.start(t)
	eventually(t, "the pop-up", func() bool { return len(r.uiArgs()) == 1 })
	first := popupRE.FindStringSubmatch(r.uiArgs()[0])
	if err := tell(t, r.d, ipc.MomentMsg{Moment: first[1], Outcome: ipc.Held}.String()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the waiting icon", func() bool { s, _ := r.host.state(); return s == tray.Waiting })
	// Busy typing until 10:10, then a pause at 10:10 (too soon: spacing),
	// more work, and a pause after 10:50.
	r.pres.input(wednesday.Add(9 * time.Minute))
	r.advance(t, wednesday.Add(12*time.Minute))
	r.pres.input(wednesday.Add(50 * time.Minute))
	r.advance(t, wednesday.Add(53*time.Minute))
	eventually(t, "the second pop-up", func() bool { return len(r.uiArgs()) == 2 })
	second := popupRE.FindStringSubmatch(r.uiArgs()[1])
	if second == nil || second[2] != first[2] || second[1] == first[1] {
		t.Fatalf("first %q, second %q: want the same lesson for a new moment", r.uiArgs()[0], r.uiArgs()[1])
	}
	var withheld, held int
	eventually(t, "the log", func() bool {
		withheld, held = 0, 0
		for _, row := range r.moments(t) {
			switch row.Outcome {
			case "withheld":
				withheld++
			case "held":
				held++
			}
		}
		return withheld >= 1 && held == 1
	})
}

// TestWaylandOffersANotification: with no way to show a window without
// taking focus, the offer is a notification; Start opens a normal window
// for the moment, and a closed notification holds the item.
func TestWaylandOffersANotification(t *testing.T) {
	r := newRig(t, "")
	r.env = map[string]string{"WAYLAND_DISPLAY": "wayland-0"}
	r.pres.input(wednesday.Add(-70 * time.Second))
	r.start(t)
	eventually(t, "the notification", func() bool { return len(r.notes.all()) == 1 })
	n := r.notes.all()[0]
	if len(n.Actions) != 2 || n.Actions[0].Key != "start" || !strings.Contains(n.Summary, "min)") {
		t.Fatalf("notification %+v", n)
	}
	if len(r.uiArgs()) != 0 {
		t.Fatalf("a window was started before Start: %q", r.uiArgs())
	}
	n.OnAction("start")
	eventually(t, "the window", func() bool { return len(r.uiArgs()) == 1 })
	if a := r.uiArgs()[0]; !strings.HasPrefix(a, "lesson --moment pause@") || strings.Contains(a, "--popup") {
		t.Fatalf("tidbit-ui %q", a)
	}
}

// TestNotifyOffersSetting: on X11, with "offer as notifications" on (a
// window manager that would give the pop-up the focus), a moment is a
// notification too, and Start opens a normal window.
func TestNotifyOffersSetting(t *testing.T) {
	r := newRig(t, "")
	r.env = map[string]string{"DISPLAY": ":0"}
	open := r.d.Open
	r.d.Open = func(ctx context.Context) (*core.App, error) {
		a, err := open(ctx)
		if err != nil {
			return a, err
		}
		return a, settings.Update(ctx, a.Store, func(s *settings.Settings) { s.NotifyOffers = true })
	}
	r.pres.input(wednesday.Add(-70 * time.Second))
	r.start(t)
	eventually(t, "the notification", func() bool { return len(r.notes.all()) == 1 })
	if len(r.uiArgs()) != 0 {
		t.Fatalf("a pop-up was started: %q", r.uiArgs())
	}
	r.notes.all()[0].OnAction("start")
	eventually(t, "the window", func() bool { return len(r.uiArgs()) == 1 })
	if a := r.uiArgs()[0]; strings.Contains(a, "--popup") {
		t.Fatalf("tidbit-ui %q: Start asked for it, so a normal window", a)
	}
}

// TestMenuSnoozeReachesTheScheduler: Snooze in the menu snoozes the
// scheduler, which survives a restart; Resume ends it.
func TestMenuSnoozeReachesTheScheduler(t *testing.T) {
	r := newRig(t, "")
	r.start(t)
	r.host.click(t, "1 hour")
	if st := r.d.scheduler().Status(); !st.SnoozedUntil.Equal(wednesday.Add(time.Hour)) {
		t.Fatalf("scheduler snoozed until %v", st.SnoozedUntil)
	}
	r.stop(t)
	r2 := newRig(t, r.d.Paths.Data)
	r2.start(t)
	eventually(t, "the restored snooze on the icon", func() bool { s, _ := r2.host.state(); return s == tray.Snoozed })
	r2.host.click(t, "Resume")
	if st := r2.d.scheduler().Status(); !st.SnoozedUntil.IsZero() {
		t.Fatalf("still snoozed: %+v", st)
	}
}

// TestSettingsChangeRestartsTheScheduler: Settings saved by the window
// process reach the running daemon at its next refresh.
func TestSettingsChangeRestartsTheScheduler(t *testing.T) {
	r := newRig(t, "")
	r.start(t)
	before := r.d.scheduler()
	if err := settings.Update(context.Background(), r.d.app.Store, func(s *settings.Settings) { s.MaxPerDay = 6 }); err != nil {
		t.Fatal(err)
	}
	r.host.click(t, "Resume") // any action refreshes the status
	eventually(t, "a new scheduler", func() bool { s := r.d.scheduler(); return s != nil && s != before })
	eventually(t, "the new goal", func() bool { _, tip := r.host.state(); return tip == "Tidbit: Today: 0 of 6 done" })
}

// TestNoTrayHostSaysSoOnce: without a tray host the user hears it once:
// in a window on X11, in a notification on Wayland.
func TestNoTrayHostSaysSoOnce(t *testing.T) {
	r := newRig(t, "")
	r.d.TrayHost = func(context.Context) bool { return false }
	r.start(t)
	eventually(t, "the notice window", func() bool {
		a := r.uiArgs()
		return len(a) == 1 && strings.HasPrefix(a[0], "notray --data-dir ")
	})
	r.stop(t)
	r2 := newRig(t, r.d.Paths.Data)
	r2.d.TrayHost, r2.bin = r.d.TrayHost, r.bin
	r2.d.Self = r.d.Self
	r2.start(t)
	time.Sleep(50 * time.Millisecond) // past the 1 ms grace: the check has looked
	r2.stop(t)
	if a := r.uiArgs(); len(a) != 1 {
		t.Fatalf("the notice was shown again: %q", a)
	}
	if n := r.notes.all(); len(n) != 0 {
		t.Fatalf("notifications %+v with a display", n)
	}

	w := newRig(t, "")
	w.env = map[string]string{"WAYLAND_DISPLAY": "wayland-0"}
	w.d.TrayHost = r.d.TrayHost
	w.start(t)
	eventually(t, "the notification on Wayland", func() bool { return len(w.notes.all()) == 1 })
	w.stop(t)
	if n := w.notes.all(); len(n) != 1 || !strings.Contains(n[0].Body, "no tray icons") {
		t.Fatalf("notifications on Wayland %+v", n)
	}
}

func TestLearnNowAndMissingWindowBinary(t *testing.T) {
	r := newRig(t, "")
	r.start(t)
	r.host.click(t, "Learn now")
	eventually(t, "tidbit-ui", func() bool { return len(r.uiArgs()) == 1 })
	if got, want := r.uiArgs()[0], "lesson --data-dir "+r.d.Paths.Data; got != want {
		t.Fatalf("tidbit-ui %q, want %q", got, want)
	}
	r.host.click(t, "Library")
	eventually(t, "the library window", func() bool { return len(r.uiArgs()) == 2 && strings.HasPrefix(r.uiArgs()[1], "library ") })
	r.stop(t)

	t.Setenv("PATH", t.TempDir())
	r2 := newRig(t, "")
	os.Remove(filepath.Join(r2.bin, tray.UIName))
	r2.start(t)
	r2.host.click(t, "Learn now")
	eventually(t, "the problem icon", func() bool {
		s, tip := r2.host.state()
		return s == tray.Problem && strings.Contains(tip, "tidbit-ui is not installed")
	})
}

// TestFirstRunOpensOnboarding: the welcome steps open on the first start
// in a desktop session.
func TestFirstRunOpensOnboarding(t *testing.T) {
	r := newRig(t, "")
	r.firstRun = true
	r.start(t)
	eventually(t, "the onboarding window", func() bool {
		a := r.uiArgs()
		return len(a) == 1 && strings.HasPrefix(a[0], "onboarding --data-dir ")
	})
}

func TestOpenFails(t *testing.T) {
	r := newRig(t, "")
	r.d.Open = func(context.Context) (*core.App, error) { return nil, errors.New("database is newer") }
	if err := r.d.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "database is newer") {
		t.Fatalf("err %v", err)
	}
}

// TestBadSavedStateStartsFresh: a saved state the engine refuses does not
// keep the tray from starting.
func TestBadSavedStateStartsFresh(t *testing.T) {
	r := newRig(t, "")
	r.start(t)
	r.stop(t)
	st, err := store.Open(context.Background(), r.d.Paths.Database(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetSetting(context.Background(), StateKey, map[string]any{"policy": map[string]any{"day": "not a day", "offered": -3}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	r2 := newRig(t, r.d.Paths.Data)
	r2.start(t)
	if s := r2.d.scheduler(); s == nil || s.Status().Offered != 0 {
		t.Fatal("no fresh scheduler")
	}
}

// TestPrepickedItemIsOffered: the next item is picked ahead of time and a
// moment uses it (its pop-up does not wait for the recommender); an answer
// stored meanwhile makes it stale, and the moment picks afresh.
func TestPrepickedItemIsOffered(t *testing.T) {
	r := newRig(t, "")
	r.start(t)
	var want Offered
	eventually(t, "the item picked ahead", func() bool {
		r.d.pre.mu.Lock()
		defer r.d.pre.mu.Unlock()
		want = r.d.pre.item
		return r.d.pre.valid
	})
	if err := tell(t, r.d, "offer"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the pop-up", func() bool { return len(r.uiArgs()) == 1 })
	if a := r.uiArgs()[0]; !strings.Contains(a, "--lesson "+want.LessonID+" ") {
		t.Fatalf("tidbit-ui %q, want the item picked ahead %s", a, want.LessonID)
	}
	// Picked ahead again (the tray's refresh after the offer does it);
	// then the key changes (a new day) and it is not used.
	r.d.prepick()
	eventually(t, "the next item picked ahead", func() bool {
		r.d.pre.mu.Lock()
		defer r.d.pre.mu.Unlock()
		return r.d.pre.valid
	})
	r.clock.Advance(24 * time.Hour)
	if _, ok := r.d.takePrepicked(context.Background(), moments.Moment{Minutes: 5}); ok {
		t.Fatal("a stale item picked ahead was used")
	}
}
