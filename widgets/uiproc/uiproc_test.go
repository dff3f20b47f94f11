package uiproc

import (
	"context"
	"errors"
	"github.com/tidbit-learn/tidbit/widgets/internal/fynetest"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tidbit-learn/tidbit/app/instance"
	"github.com/tidbit-learn/tidbit/app/ipc"
	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/widgets"
	"github.com/tidbit-learn/tidbit/widgets/lessonwin"
)

func TestMain(m *testing.M) { fynetest.Main(m) }

func TestParseArgs(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want Config
		err  string
	}{
		{"lesson", []string{"lesson"}, Config{Command: "lesson", Linger: DefaultLinger}, ""},
		{"lesson id", []string{"lesson", "--lesson", "x1", "--linger", "5s", "--data-dir", "/d"},
			Config{Command: "lesson", LessonID: "x1", Linger: 5 * time.Second, DataDir: "/d"}, ""},
		{"no command", nil, Config{}, "usage"},
		{"unknown command", []string{"sittings"}, Config{}, "usage"},
		{"progress", []string{"progress"}, Config{Command: "progress", Linger: DefaultLinger}, ""},
		{"bad flag", []string{"lesson", "--nope"}, Config{}, "flag provided but not defined"},
		{"bad duration", []string{"lesson", "--linger", "soon"}, Config{}, "invalid value"},
		{"negative linger", []string{"lesson", "--linger", "-1s"}, Config{}, "must not be negative"},
		{"extra argument", []string{"lesson", "more"}, Config{}, `unexpected argument "more"`},
		{"pop-up for a moment", []string{"lesson", "--popup", "--moment", "break@2026-11-25T10:30:00Z", "--why", "  New to you.  ", "--minutes", "5"},
			Config{Command: "lesson", Linger: DefaultLinger, Popup: true, Moment: "break@2026-11-25T10:30:00Z", Why: "New to you.", Minutes: 5}, ""},
		{"moment with a space", []string{"lesson", "--moment", "m 1"}, Config{}, "without spaces"},
		{"moment with a newline", []string{"lesson", "--moment", "m\n1"}, Config{}, "without spaces"},
		{"moment too long", []string{"lesson", "--moment", strings.Repeat("m", MaxMoment+1)}, Config{}, "without spaces"},
		{"why on two lines", []string{"lesson", "--why", "a\nb"}, Config{}, "one line"},
		{"negative minutes", []string{"lesson", "--minutes", "-1"}, Config{}, "want 0 (no limit) to 1440"},
		{"minutes not a number", []string{"lesson", "--minutes", "five"}, Config{}, "invalid value"},
		{"pop-up of another window", []string{"progress", "--popup"}, Config{}, "lesson window only"},
		{"hide after", []string{"lesson", "--popup", "--hide-after", "2s"}, Config{Command: "lesson", Linger: DefaultLinger, Popup: true, HideAfter: 2 * time.Second}, ""},
		{"hide after without pop-up", []string{"lesson", "--hide-after", "2s"}, Config{}, "wants --popup"},
		{"hide after negative", []string{"lesson", "--popup", "--hide-after", "-2s"}, Config{}, "wants --popup"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseArgs(tc.args)
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

func FuzzParseArgs(f *testing.F) {
	for _, s := range []string{"lesson", "lesson --lesson x1 --linger 5s", "", "settings", "lesson --linger -1s", "lesson more",
		"lesson --popup --moment break@2026-11-25T10:30:00Z --why New --minutes 5", "lesson --minutes -1", "progress --popup",
		"lesson --moment \x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cfg, err := ParseArgs(strings.Fields(s))
		if err != nil {
			return
		}
		if !isWindow(cfg.Command) || cfg.Linger < 0 || cfg.Minutes < 0 || len(cfg.Why) > MaxWhy || cfg.HideAfter < 0 {
			t.Fatalf("accepted %q as %+v", s, cfg)
		}
		if cfg.Moment != "" {
			// Whatever moment is accepted travels intact to the tray.
			m, err := ipc.ParseMoment(ipc.MomentMsg{Moment: cfg.Moment, Outcome: ipc.Held}.String())
			if err != nil || m.Moment != cfg.Moment {
				t.Fatalf("moment %q does not survive the tray message: %v, %q", cfg.Moment, err, m.Moment)
			}
		}
		// The warm process parses what a second start sends.
		o, err := ipc.ParseOpen(ipc.OpenMsg{Args: strings.Fields(s)}.String())
		if err != nil {
			t.Fatalf("open message of %q: %v", s, err)
		}
		if again, err := ParseArgs(o.Args); err != nil || again != cfg {
			t.Fatalf("%q through an open message: %+v, %v; want %+v", s, again, err, cfg)
		}
	})
}

func deps(dir string) Deps {
	env := paths.Env{Getenv: func(k string) string {
		if k == "TIDBIT_HOME" {
			return dir
		}
		return ""
	}, HomeDir: func() (string, error) { return dir, nil }, GOOS: "linux"}
	return Deps{Env: env, Now: time.Now, Stderr: os.Stderr}
}

func TestWindowProcessRunsALesson(t *testing.T) {
	fa := test.NewTempApp(t)
	dir := t.TempDir()
	quit := make(chan struct{})
	cfg := Config{Command: "lesson", Linger: 50 * time.Millisecond}
	start := time.Now()
	pr, err := Start(context.Background(), fa, cfg, deps(dir), func() { close(quit) })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("store opened and window shown in %v", time.Since(start))
	defer pr.Close()
	if _, err := Start(context.Background(), fa, cfg, deps(dir), func() {}); !errors.Is(err, ErrBusy) {
		t.Fatalf("second window process: %v", err)
	}
	if pr.Window.Canvas().Size().Width != 380 {
		t.Fatalf("window %v", pr.Window.Canvas().Size())
	}
	// Read the lesson, answer every question with 1, go through the end:
	// "1 Enter Enter" answers a single-choice question and moves on, or
	// ticks option 1 of a multiple-choice one, checks it and moves on.
	key := func(n fyne.KeyName) { pr.Window.Card.HandleKey(&fyne.KeyEvent{Name: n}) }
	for step := 0; step < 20; step++ {
		switch c := pr.Window.Card.(type) {
		case *widgets.LessonCard:
			key(fyne.KeyReturn)
			continue
		case *widgets.QuizCard:
			key(fyne.Key1)
			key(fyne.KeyReturn)
			key(fyne.KeyReturn)
			continue
		case *widgets.ReflectionCard:
			test.Type(c.Entry, "My answer")
			test.Tap(c.Submit)
			key(fyne.KeyReturn)
		}
		break
	}
	select {
	case <-quit:
	case <-time.After(10 * time.Second):
		t.Fatal("the process did not quit after its last window closed")
	}
	pr.Writer.Close()
	st, err := pr.App.Store.Stats(context.Background(), time.Now(), time.Local)
	if err != nil {
		t.Fatal(err)
	}
	want := min(len(pr.Run.Questions), widgets.MaxQuizQuestions)
	if st.Sessions != 1 || st.Answered != want {
		t.Fatalf("after the window: %d sessions, %d answers (want 1, %d)", st.Sessions, st.Answered, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "ui.lock")); err != nil {
		t.Fatalf("lock file: %v", err)
	}
}

func TestStartErrors(t *testing.T) {
	fa := test.NewTempApp(t)
	cases := []struct {
		name string
		cfg  Config
		err  string
	}{
		{"unknown lesson", Config{Command: "lesson", LessonID: "no-such-lesson"}, "loading lesson no-such-lesson"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pr, err := Start(context.Background(), fa, tc.cfg, deps(t.TempDir()), func() {})
			if err == nil {
				pr.Close()
				t.Fatal("started")
			}
			if !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err %v, want %q", err, tc.err)
			}
		})
	}
}

// tray listens on dir's tray.sock like the resident and returns the
// messages it gets.
func tray(t *testing.T, dir string) <-chan string {
	t.Helper()
	got := make(chan string, 8)
	srv, err := instance.Listen(ipc.TraySocket(dir), func(line string) error {
		if _, err := ipc.ParseMoment(line); err != nil {
			return err
		}
		got <- line
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return got
}

func expect(t *testing.T, got <-chan string, want string) {
	t.Helper()
	select {
	case m := <-got:
		if m != want {
			t.Fatalf("tray got %q, want %q", m, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("tray got nothing, want %q", want)
	}
}

// TestWarmProcess: a running window process answers `open` on ui.sock by
// opening the window in itself (a second start hands over and exits 0);
// pop-ups for a moment report their outcome to tray.sock: Esc is
// "dismiss", an untouched pop-up hides itself and is "held", a window
// still up when the process ends is "held" too.
func TestWarmProcess(t *testing.T) {
	fa := test.NewTempApp(t)
	dir := t.TempDir()
	got := tray(t, dir)
	// One goroutine plays the UI thread, as fyne.Do's main thread does in
	// the real process; the test's own window actions go through it too.
	ui := make(chan func(), 8)
	go func() {
		for f := range ui {
			f()
		}
	}()
	onUI := func(f func()) {
		done := make(chan struct{})
		ui <- func() { f(); close(done) }
		<-done
	}
	d := deps(dir)
	d.PopupHide = 100 * time.Millisecond
	d.Do = func(f func()) { ui <- f }
	pr, err := Start(context.Background(), fa, Config{Command: "lesson", Popup: true, Moment: "m1", Why: "Because you asked.", Linger: time.Minute}, d, func() {})
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	defer func() {
		if !closed {
			onUI(func() {})
			pr.Close()
		}
		close(ui)
	}()
	var first *lessonwin.Window
	var why string
	onUI(func() {
		first, why = pr.Window, pr.Run.Why
		first.Touch() // the user clicked it
		first.Card.HandleKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	})
	if why != "Because you asked." {
		t.Fatalf("why %q", why)
	}
	expect(t, got, "moment m1 dismiss")

	// A second start hands over: exit 0, the window opens here, and the
	// new process never creates its app.
	code := Main([]string{"lesson", "--popup", "--moment", "m2", "--data-dir", dir}, d, func() fyne.App {
		t.Fatal("the second start created an app")
		return nil
	})
	if code != ExitOK {
		t.Fatalf("second start exited %d", code)
	}
	// The warm process reads the window's data off the UI goroutine, then
	// shows it on it: the new window comes a moment after the answer.
	newWindow := func(prev *lessonwin.Window) *lessonwin.Window {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			var w *lessonwin.Window
			onUI(func() { w = pr.Window })
			if w != prev {
				return w
			}
		}
		t.Fatal("no new window in the warm process")
		return nil
	}
	second := newWindow(first)
	expect(t, got, "moment m2 held") // untouched for PopupHide

	if reached, err := HandOver(context.Background(), dir, []string{"lesson", "--lesson", "no-such-lesson"}); !reached || err == nil || !strings.Contains(err.Error(), "no-such-lesson") {
		t.Fatalf("open of a missing lesson: reached %v, %v", reached, err)
	}
	if reached, err := HandOver(context.Background(), dir, []string{"lesson", "--minutes", "-3"}); !reached || err == nil || strings.Contains(err.Error(), "usage") {
		t.Fatalf("open with bad arguments: reached %v, %v (want one line)", reached, err)
	}
	if code := Main([]string{"lesson", "--lesson", "no-such-lesson", "--data-dir", dir}, d, nil); code != ExitError {
		t.Fatalf("a second start the warm process refused exited %d", code)
	}

	onUI(func() { pr.deps.PopupHide = time.Hour })
	if reached, err := HandOver(context.Background(), dir, []string{"lesson", "--popup", "--moment", "m3"}); !reached || err != nil {
		t.Fatalf("third window: %v, %v", reached, err)
	}
	newWindow(second) // shown (as Fyne's loop runs what is queued before it ends)
	pr.Close()        // with m3 still up
	closed = true
	expect(t, got, "moment m3 held")
	if _, err := os.Stat(ipc.UISocket(dir)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("ui.sock left behind: %v", err)
	}
	if reached, _ := HandOver(context.Background(), dir, []string{"lesson"}); reached {
		t.Fatal("a closed process answered")
	}
}

// TestWarmOpenReadsOffTheUIThread: a warm process reads a window's data
// (for a lesson: the pick, and the attempt it starts) while the UI
// goroutine is busy, and only builds the window on it once it is free:
// the windows already open never wait for the store.
func TestWarmOpenReadsOffTheUIThread(t *testing.T) {
	fa := test.NewTempApp(t)
	dir := t.TempDir()
	ui := make(chan func(), 8)
	go func() {
		for f := range ui {
			f()
		}
	}()
	d := deps(dir)
	d.PopupHide = time.Hour
	d.Do = func(f func()) { ui <- f }
	pr, err := Start(context.Background(), fa, Config{Command: "library", Linger: time.Minute}, d, func() {})
	if err != nil {
		t.Fatal(err)
	}
	attempts := func() int {
		b, err := pr.App.Store.Export(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return len(b.Tables["attempts"])
	}
	before := attempts()
	release := make(chan struct{})
	ui <- func() { <-release } // the UI goroutine is busy
	if reached, err := HandOver(context.Background(), dir, []string{"lesson"}); !reached || err != nil {
		t.Fatalf("open: %v %v", reached, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for attempts() == before {
		if time.Now().After(deadline) {
			close(release)
			t.Fatal("the lesson's attempt was not started while the UI goroutine was busy")
		}
		time.Sleep(10 * time.Millisecond)
	}
	shown := make(chan *lessonwin.Window, 1)
	close(release)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		done := make(chan struct{})
		ui <- func() {
			if pr.Window != nil {
				shown <- pr.Window
			}
			close(done)
		}
		<-done
		if len(shown) > 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(shown) == 0 {
		t.Fatal("the lesson window was not shown once the UI goroutine was free")
	}
	done := make(chan struct{})
	ui <- func() { close(done) }
	<-done
	pr.Close()
	close(ui)
}

// TestBusyWithoutAnswer: a process that holds the lock but does not
// answer on ui.sock makes a second start exit ExitBusy.
func TestBusyWithoutAnswer(t *testing.T) {
	dir := t.TempDir()
	d := deps(dir)
	p, err := paths.Resolve("", d.Env)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Ensure(); err != nil {
		t.Fatal(err)
	}
	release, _, err := instance.Lock(p.Lock("ui"))
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	var stderr strings.Builder
	d.Stderr = &stderr
	if code := Main([]string{"lesson"}, d, func() fyne.App { return test.NewTempApp(t) }); code != ExitBusy {
		t.Fatalf("exit %d, want %d; stderr %s", code, ExitBusy, stderr.String())
	}
}

// BenchmarkWarmOpen is the warm path without GL: an `open` request over
// ui.sock, the pick and the attempt in the store, a lesson window on the
// test driver, the answer.
func BenchmarkWarmOpen(b *testing.B) {
	fa := test.NewTempApp(b)
	dir := b.TempDir()
	d := deps(dir)
	d.Stderr = io.Discard // no tray listens
	pr, err := Start(context.Background(), fa, Config{Command: "lesson", Linger: time.Minute}, d, func() {})
	if err != nil {
		b.Fatal(err)
	}
	defer pr.Close()
	args := []string{"lesson", "--popup", "--moment", "m1", "--why", "New to you."}
	for b.Loop() {
		if _, err := HandOver(context.Background(), dir, args); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		pr.Window.Card.HandleKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		b.StartTimer()
	}
}

// TestClosedWindowRefreshesTheTray: after a window closes, the resident is
// asked to refresh (today's count, settings), so its menu need not poll.
func TestClosedWindowRefreshesTheTray(t *testing.T) {
	fa := test.NewTempApp(t)
	dir := t.TempDir()
	lines := make(chan string, 8)
	srv, err := instance.Listen(ipc.TraySocket(dir), func(line string) error { lines <- line; return nil })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	pr, err := Start(context.Background(), fa, Config{Command: "lesson", Linger: time.Minute}, deps(dir), func() {})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pr.Close)
	pr.Window.Card.HandleKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) // Esc closes the lesson window
	select {
	case l := <-lines:
		if l != "refresh" {
			t.Fatalf("tray got %q, want refresh", l)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the tray was not asked to refresh")
	}
}

// TestNoTrayNotice: the "no tray icon" window says how to reach Tidbit and
// closes with OK or Esc.
func TestNoTrayNotice(t *testing.T) {
	fa := test.NewTempApp(t)
	pr, err := Start(context.Background(), fa, Config{Command: "notray", Linger: time.Minute}, deps(t.TempDir()), func() {})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pr.Close)
	var notice fyne.Window
	for _, w := range fa.Driver().AllWindows() {
		if strings.Contains(w.Title(), "no tray icon") {
			notice = w
		}
	}
	if notice == nil {
		t.Fatal("no notice window")
	}
	if m := test.RenderToMarkup(notice.Canvas()); !strings.Contains(m, "tidbit ui lesson") || !strings.Contains(m, "tidbit doctor") {
		t.Fatalf("the notice does not say how to reach Tidbit:\n%s", m)
	}
	before := len(fa.Driver().AllWindows())
	notice.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if n := len(fa.Driver().AllWindows()); n != before-1 {
		t.Fatalf("%d windows after Esc, %d before", n, before)
	}
}

// TestNoBusAddress: with no session bus named or found, the window process
// names one that fails, so nothing runs dbus-launch and leaves a daemon.
func TestNoBusAddress(t *testing.T) {
	runtime := t.TempDir()
	withBus := t.TempDir()
	l, err := net.Listen("unix", filepath.Join(withBus, "bus"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	tests := []struct {
		name, addr, runtimeDir string
		want                   bool
	}{
		{"no bus anywhere", "", runtime, true},
		{"no runtime dir", "", "", true},
		{"a bus named", "unix:path=/run/user/1/bus", "", false},
		{"the runtime dir's bus socket", "", withBus, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"DBUS_SESSION_BUS_ADDRESS": tc.addr, "XDG_RUNTIME_DIR": tc.runtimeDir}
			v, set := noBusAddress(func(k string) string { return env[k] })
			if set != tc.want || (set && v != "disabled:") {
				t.Fatalf("noBusAddress = %q, %v; want set %v", v, set, tc.want)
			}
		})
	}
}
