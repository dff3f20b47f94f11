package tray

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/instance"
)

// fakeHost records what the tray shows and clicks items by title.
type fakeHost struct {
	mu      sync.Mutex
	icon    []byte
	tooltip string
	items   []*fakeItem
	started chan struct{}
	stopped bool
}

type fakeItem struct {
	h       *fakeHost
	parent  *fakeItem
	title   string
	click   func()
	enabled bool
	visible bool
}

func newHost() *fakeHost { return &fakeHost{started: make(chan struct{})} }

func (h *fakeHost) Start(ready func()) { ready(); close(h.started) }
func (h *fakeHost) Stop()              { h.mu.Lock(); h.stopped = true; h.mu.Unlock() }
func (h *fakeHost) SetIcon(b []byte)   { h.mu.Lock(); h.icon = b; h.mu.Unlock() }
func (h *fakeHost) SetTooltip(s string) {
	h.mu.Lock()
	h.tooltip = s
	h.mu.Unlock()
}
func (h *fakeHost) AddSeparator() {}
func (h *fakeHost) Add(parent Item, title string, f func()) Item {
	h.mu.Lock()
	defer h.mu.Unlock()
	it := &fakeItem{h: h, title: title, click: f, enabled: true, visible: true}
	if p, ok := parent.(*fakeItem); ok {
		it.parent = p
	}
	h.items = append(h.items, it)
	return it
}

func (i *fakeItem) SetTitle(s string) { i.h.mu.Lock(); i.title = s; i.h.mu.Unlock() }
func (i *fakeItem) Enable()           { i.h.mu.Lock(); i.enabled = true; i.h.mu.Unlock() }
func (i *fakeItem) Disable()          { i.h.mu.Lock(); i.enabled = false; i.h.mu.Unlock() }
func (i *fakeItem) Show()             { i.h.mu.Lock(); i.visible = true; i.h.mu.Unlock() }
func (i *fakeItem) Hide()             { i.h.mu.Lock(); i.visible = false; i.h.mu.Unlock() }

func (h *fakeHost) find(t *testing.T, title string) *fakeItem {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, it := range h.items {
		if it.title == title {
			return it
		}
	}
	t.Fatalf("no menu item %q", title)
	return nil
}

func (h *fakeHost) click(t *testing.T, title string) {
	it := h.find(t, title)
	h.mu.Lock()
	f, on := it.click, it.enabled
	h.mu.Unlock()
	if !on || f == nil {
		t.Fatalf("%q is disabled", title)
	}
	f()
}

// visible lists the visible top-level titles.
func (h *fakeHost) visible() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, it := range h.items {
		if it.parent == nil && it.visible {
			out = append(out, it.title)
		}
	}
	return out
}

func (h *fakeHost) state() ([]byte, string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.icon, h.tooltip
}

// eventually polls cond: the tray updates from its own goroutine.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time   { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time)  { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func newClock(t time.Time) *clock { return &clock{t: t} }
func at(h, m int) time.Time       { return time.Date(2026, 11, 25, h, m, 0, 0, time.UTC) }
func deps(t *testing.T) (Deps, string) {
	dir := t.TempDir()
	return Deps{LockPath: filepath.Join(dir, "tray.lock"), SocketPath: filepath.Join(dir, "tray.sock")}, dir
}

func TestTrayMenuAndStates(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the handover socket is Unix-only")
	}
	d, _ := deps(t)
	h := newHost()
	clk := newClock(at(10, 0))
	learned := make(chan struct{}, 4)
	var mu sync.Mutex
	status := Status{Done: 2, Goal: 4}
	d.Host, d.Now = h, clk.now
	d.Actions = Actions{LearnNow: func() { learned <- struct{}{} }, Library: func() {}}
	d.Status = func(context.Context) (Status, error) { mu.Lock(); defer mu.Unlock(); return status, nil }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- Run(ctx, d) }()
	<-h.started

	eventually(t, "progress shown", func() bool { return strings.Contains(strings.Join(h.visible(), "|"), "Today: 2 of 4 done") })
	icon, tip := h.state()
	if !bytes.Equal(icon, Icon(Ready)) || tip != "Tidbit: Today: 2 of 4 done" {
		t.Fatalf("ready: tooltip %q", tip)
	}
	want := []string{"Learn now", "Today: 2 of 4 done", "Snooze", "Pause until tomorrow", "Progress",
		"Profile and goals", "Library", "Settings", "Quit Tidbit"}
	if got := h.visible(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("menu %q\nwant %q", got, want)
	}
	if it := h.find(t, "Progress"); it.enabled {
		t.Fatal("Progress has no action yet but is enabled")
	}

	h.click(t, "Learn now")
	<-learned

	steps := []struct {
		name  string
		do    func()
		icon  State
		tip   string
		menu  string // a title that must be visible
		gone  string // a title that must be hidden
		quiet bool
	}{
		{"snooze 15 min", func() { h.click(t, "15 minutes") }, Snoozed, "Tidbit: snoozed until 10:15", "Resume", "", true},
		{"snooze runs out", func() { clk.set(at(10, 16)); h.click(t, "Learn now"); <-learned }, Ready, "Tidbit: Today: 2 of 4 done", "Pause until tomorrow", "Resume", false},
		{"rest of day", func() { h.click(t, "Rest of the day") }, Snoozed, "Tidbit: snoozed until 00:00", "Resume", "", true},
		{"resume", func() { h.click(t, "Resume") }, Ready, "Tidbit: Today: 2 of 4 done", "Pause until tomorrow", "Resume", false},
		{"pause", func() { h.click(t, "Pause until tomorrow") }, Paused, "Tidbit: paused until tomorrow", "Resume", "Pause until tomorrow", true},
		{"resume again", func() { h.click(t, "Resume") }, Ready, "Tidbit: Today: 2 of 4 done", "Pause until tomorrow", "Resume", false},
		{"item waiting", func() {
			mu.Lock()
			status.Waiting, status.Done = true, 3
			mu.Unlock()
			h.click(t, "Library")
		}, Waiting, "Tidbit: a lesson is waiting for you", "Today: 3 of 4 done", "", false},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.do()
			eventually(t, s.name, func() bool {
				icon, tip := h.state()
				vis := strings.Join(h.visible(), "|")
				return bytes.Equal(icon, Icon(s.icon)) && tip == s.tip && strings.Contains(vis, s.menu) &&
					(s.gone == "" || !strings.Contains(vis, s.gone))
			})
		})
	}

	// A second tray hands over to this one and returns.
	d2 := d
	d2.Host = newHost()
	if err := Run(context.Background(), d2); !errors.Is(err, ErrHandedOver) {
		t.Fatalf("second tray: %v", err)
	}
	<-learned // Show defaults to Learn now

	h.click(t, "Quit Tidbit")
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Quit did not end Run")
	}
	if !h.stopped {
		t.Fatal("host not stopped")
	}
	if _, err := os.Stat(d.SocketPath); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket left behind: %v", err)
	}
}

// TestTraySchedulerHooks: the menu's snooze, pause and resume reach the
// scheduler; other socket commands reach Handle; the scheduler's restored
// snooze shows on the icon; Started gives the tray for Refresh.
func TestTraySchedulerHooks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the handover socket is Unix-only")
	}
	d, _ := deps(t)
	h := newHost()
	clk := newClock(at(10, 0))
	var mu sync.Mutex
	var calls []string
	record := func(s string) { mu.Lock(); calls = append(calls, s); mu.Unlock() }
	status := Status{SnoozedUntil: at(11, 0), Remote: "gpu.lan:11434"}
	d.Host, d.Now = h, clk.now
	d.Actions = Actions{
		Snooze: func(dur time.Duration) { record("snooze " + dur.String()) },
		Pause:  func(until time.Time) { record("pause " + until.Format("15:04")) },
		Resume: func() {
			record("resume")
			mu.Lock()
			status.SnoozedUntil = time.Time{} // the scheduler resumes at once
			mu.Unlock()
		},
	}
	reads := 0
	d.Status = func(context.Context) (Status, error) { mu.Lock(); defer mu.Unlock(); reads++; return status, nil }
	d.Handle = func(cmd string) error {
		if cmd == "moment x done" {
			record(cmd)
			return nil
		}
		return errors.New("no such command")
	}
	started := make(chan *Tray, 1)
	d.Started = func(tr *Tray) { started <- tr }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- Run(ctx, d) }()
	tr := <-started

	eventually(t, "the restored snooze", func() bool {
		icon, tip := h.state()
		return bytes.Equal(icon, Icon(Snoozed)) && tip == "Tidbit: snoozed until 11:00"
	})
	h.click(t, "Resume")
	tr.Refresh()
	eventually(t, "ready with the remote server named", func() bool {
		_, tip := h.state()
		return tip == "Tidbit: Today: 0 done · model server gpu.lan:11434 (not this machine)"
	})
	h.click(t, "1 hour")
	h.click(t, "Pause until tomorrow")
	if err := instanceAsk(d.SocketPath, "moment x done"); err != nil {
		t.Fatal(err)
	}
	if err := instanceAsk(d.SocketPath, "bogus"); err == nil || !strings.Contains(err.Error(), "no such command") {
		t.Fatalf("unknown command answered %v", err)
	}
	// The window process asks for a refresh when it changed something.
	eventually(t, "the reads settling", func() bool { mu.Lock(); defer mu.Unlock(); return reads > 0 })
	time.Sleep(50 * time.Millisecond)
	mu.Lock()
	before := reads
	mu.Unlock()
	if err := instanceAsk(d.SocketPath, "refresh"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a status read after refresh", func() bool { mu.Lock(); defer mu.Unlock(); return reads > before })
	mu.Lock()
	got := strings.Join(calls, "|")
	mu.Unlock()
	if want := "resume|snooze 1h0m0s|pause 00:00|moment x done"; got != want {
		t.Fatalf("calls %q, want %q", got, want)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestTrayStatusProblem(t *testing.T) {
	d, _ := deps(t)
	h := newHost()
	d.Host = h
	d.Status = func(context.Context) (Status, error) { return Status{}, errors.New("disk on fire") }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, d) }()
	eventually(t, "problem icon", func() bool { icon, _ := h.state(); return bytes.Equal(icon, Icon(Problem)) })
	if _, tip := h.state(); !strings.Contains(tip, "tidbit doctor") {
		t.Fatalf("tooltip %q", tip)
	}
	if it := h.find(t, "Learn now"); it.enabled {
		t.Fatal("Learn now enabled without an action")
	}
	cancel() // SIGTERM reaches Run as a cancelled context
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestRunNeedsHost(t *testing.T) {
	if err := Run(context.Background(), Deps{}); err == nil {
		t.Fatal("Run without a host succeeded")
	}
}

func TestModel(t *testing.T) {
	now := at(14, 30)
	cases := []struct {
		name  string
		m     model
		state State
		label string
		next  time.Time
	}{
		{"ready no goal", model{status: Status{Done: 0}}, Ready, "Today: 0 done", time.Time{}},
		{"one done", model{status: Status{Done: 1}}, Ready, "Today: 1 done", time.Time{}},
		{"goal", model{status: Status{Done: 2, Goal: 4}}, Ready, "Today: 2 of 4 done", time.Time{}},
		{"assignments", model{status: Status{Done: 1, Assigned: "1 assignment open; next: Sam, due Fri 5 Dec (0 of 2 done)"}}, Ready,
			"Today: 1 done · 1 assignment open; next: Sam, due Fri 5 Dec (0 of 2 done)", time.Time{}},
		{"waiting", model{status: Status{Waiting: true}}, Waiting, "Today: 0 done", time.Time{}},
		{"snoozed", model{snoozeUntil: at(15, 0)}, Snoozed, "Today: 0 done", at(15, 0)},
		{"snooze over", model{snoozeUntil: at(14, 0)}, Ready, "Today: 0 done", time.Time{}},
		{"paused beats snoozed", model{snoozeUntil: at(15, 0), pausedUntil: at(23, 0)}, Paused, "Today: 0 done", at(15, 0)},
		{"problem beats all", model{status: Status{Problem: "x", Waiting: true}, pausedUntil: at(23, 0)}, Problem, "Today: 0 done", at(23, 0)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.m.state(now); got != tc.state {
				t.Fatalf("state %v, want %v", got, tc.state)
			}
			if got := tc.m.progressLabel(); got != tc.label {
				t.Fatalf("label %q, want %q", got, tc.label)
			}
			if got := tc.m.nextChange(now); !got.Equal(tc.next) {
				t.Fatalf("next change %v, want %v", got, tc.next)
			}
			if tc.m.tooltip(now) == "" {
				t.Fatal("empty tooltip")
			}
		})
	}
}

func TestNextMidnight(t *testing.T) {
	ber, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database")
	}
	cases := []struct {
		name string
		in   time.Time
		want time.Time
	}{
		{"afternoon", at(14, 30), time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)},
		{"just after midnight", at(0, 1), time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)},
		{"month end", time.Date(2026, 11, 30, 22, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
		{"DST change day", time.Date(2026, 3, 29, 12, 0, 0, 0, ber), time.Date(2026, 3, 30, 0, 0, 0, 0, ber)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := nextMidnight(tc.in); !got.Equal(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestIcons(t *testing.T) {
	seen := map[string]State{}
	for s := Ready; s <= Problem; s++ {
		b := Icon(s)
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%v: %v", s, err)
		}
		if img.Bounds().Dx() != IconSize || img.Bounds().Dy() != IconSize {
			t.Fatalf("%v: size %v", s, img.Bounds())
		}
		if prev, dup := seen[string(b)]; dup {
			t.Fatalf("%v looks the same as %v", s, prev)
		}
		seen[string(b)] = s
	}
	if State(99).String() != "State(99)" || Paused.String() != "paused" {
		t.Fatal("State.String")
	}
}

func TestFindUI(t *testing.T) {
	dir := t.TempDir()
	self := filepath.Join(dir, "tidbit")
	ui := filepath.Join(dir, UIName)
	notFound := func(string) (string, error) { return "", errors.New("not found") }
	onPath := func(string) (string, error) { return "/usr/bin/tidbit-ui", nil }
	cases := []struct {
		name    string
		setup   func()
		look    func(string) (string, error)
		want    string
		wantErr bool
	}{
		{"on PATH", func() {}, onPath, "/usr/bin/tidbit-ui", false},
		{"missing", func() {}, notFound, "", true},
		{"not executable next to self", func() { os.WriteFile(ui, []byte("x"), 0o644) }, onPath, "/usr/bin/tidbit-ui", false},
		{"next to self", func() { os.Chmod(ui, 0o755) }, notFound, ui, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.setup()
			got, err := FindUI(self, tc.look)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("got %q, %v; want %q (error %v)", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestLauncher(t *testing.T) {
	sh, err := FindUI("", func(string) (string, error) { return "/bin/sh", nil })
	if err != nil || runtime.GOOS == "windows" {
		t.Skip("needs /bin/sh")
	}
	var log bytes.Buffer
	l := &Launcher{Path: sh, Args: []string{"--data-dir", "/x"}, Log: &syncWriter{w: &log}}
	cases := []struct {
		name string
		args []string
		want error
	}{
		{"ok", []string{"-c", "echo started $0 $1"}, nil},
		{"busy", []string{"-c", "exit 3"}, ErrBusyUI},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := make(chan error, 1)
			if err := l.Start(func(err error) { got <- err }, tc.args...); err != nil {
				t.Fatal(err)
			}
			if err := <-got; !errors.Is(err, tc.want) && err != tc.want {
				t.Fatalf("child ended with %v, want %v", err, tc.want)
			}
		})
	}
	l.Wait()
	if !strings.Contains(log.String(), "started --data-dir /x") {
		t.Fatalf("child output %q: common arguments not passed", log.String())
	}
	bad := &Launcher{Path: filepath.Join(t.TempDir(), "missing")}
	if err := bad.Start(nil); err == nil {
		t.Fatal("started a missing binary")
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func instanceAsk(path, cmd string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return instance.Ask(ctx, path, cmd)
}
