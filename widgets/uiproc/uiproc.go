// Package uiproc is the composition root of the window process,
// cmd/tidbit-ui: it parses the command line, opens the shared store through
// app/core, builds the lesson flow (the learner recommender as picker,
// FSRS-6 cards) and shows a lesson window on the fyne.App it is given. It
// does not create the App itself, so its tests run on fyne/test with no
// display and no GL; cmd/tidbit-ui passes the real driver's.
//
// Only one window process runs per data folder (an advisory lock); it
// exits Linger after its last window closed. While it runs it is warm: it
// answers `open [ARGS]` (app/ipc) on the data folder's ui.sock by opening
// that window itself, and a second tidbit-ui start hands its command line
// over that way and exits. A lesson offered for a scheduler moment
// (--moment) reports what became of it to the resident's tray.sock.
package uiproc

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode"

	"fyne.io/fyne/v2"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/instance"
	"github.com/tidbit-learn/tidbit/app/ipc"
	"github.com/tidbit-learn/tidbit/app/lessonflow"
	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/widgets/lessonwin"
)

// AppID is the window process's Fyne application id (preferences folder,
// desktop notifications, FyneApp.toml).
const AppID = "io.github.tidbit_learn.tidbit"

// DefaultLinger is how long the process stays warm after its last window.
const DefaultLinger = 2 * time.Minute

// Exit codes, matching app/cli's.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
	ExitBusy  = 3
)

// Config is the parsed command line.
type Config struct {
	Command  string // a key of Windows: "lesson", "progress", ...
	LessonID string // "" for the next pick
	DataDir  string
	Linger   time.Duration

	// Lesson window only.
	Popup   bool   // offered for a moment: the focus-safe pop-up
	Moment  string // scheduler moment ID; its outcome goes to tray.sock
	Why     string // the recommender's reason, shown on the lesson card
	Minutes int    // the time the moment offers; 0: no limit
	// HideAfter overrides settings.PopupHide for this pop-up; 0 keeps it.
	HideAfter time.Duration
}

const usage = `usage: tidbit-ui WINDOW [--data-dir DIR] [--linger 2m]
       tidbit-ui lesson [--lesson ID] [--popup [--hide-after D]] [--moment ID] [--why TEXT] [--minutes N]

WINDOW is one of: lesson, progress, profile, library, settings, onboarding.
lesson shows the next lesson picked for you (or --lesson ID) in a small
window, then its quiz; every answer is saved as you give it. --popup shows
it as an offer that does not take the keyboard focus, in the corner of the
screen, hiding itself when left untouched (after the pop-up time in
Settings, or --hide-after); --moment names the scheduler
moment it was offered for, --why the reason it was picked, --minutes the
time there is for it. The process exits --linger after its last window
closes; while it runs, a second tidbit-ui opens its window in it.`

// MaxMoment is the longest moment ID accepted (they look like
// "break@2026-11-25T10:30:00Z").
const MaxMoment = 128

// MaxWhy is the longest --why text accepted.
const MaxWhy = 300

// ParseArgs reads the command line (without the program name).
func ParseArgs(args []string) (Config, error) {
	if len(args) == 0 || !isWindow(args[0]) {
		return Config{}, errors.New(usage)
	}
	cfg := Config{Command: args[0]}
	fs := flag.NewFlagSet("tidbit-ui "+args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.LessonID, "lesson", "", "lesson id (default: the next pick)")
	fs.StringVar(&cfg.DataDir, "data-dir", "", "data folder (default: $TIDBIT_HOME, else the XDG data folder)")
	fs.DurationVar(&cfg.Linger, "linger", DefaultLinger, "stay warm this long after the last window closes")
	fs.BoolVar(&cfg.Popup, "popup", false, "offer the lesson in a pop-up that does not take the focus")
	fs.StringVar(&cfg.Moment, "moment", "", "the scheduler moment the lesson is offered for")
	fs.StringVar(&cfg.Why, "why", "", "why this lesson was picked")
	fs.IntVar(&cfg.Minutes, "minutes", 0, "minutes the moment offers (0: no limit)")
	fs.DurationVar(&cfg.HideAfter, "hide-after", 0, "an untouched pop-up hides after this long (default: Settings)")
	if err := fs.Parse(args[1:]); err != nil {
		return Config{}, fmt.Errorf("%v\n%s", err, usage)
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q\n%s", fs.Arg(0), usage)
	}
	if cfg.Linger < 0 {
		return Config{}, fmt.Errorf("--linger must not be negative\n%s", usage)
	}
	if cfg.Command != "lesson" && (cfg.Popup || cfg.Moment != "" || cfg.Why != "" || cfg.Minutes != 0) {
		return Config{}, fmt.Errorf("--popup, --moment, --why and --minutes are for the lesson window only\n%s", usage)
	}
	if cfg.HideAfter != 0 && (!cfg.Popup || cfg.HideAfter < 0) {
		return Config{}, fmt.Errorf("--hide-after wants --popup and a positive duration\n%s", usage)
	}
	if cfg.Minutes < 0 || cfg.Minutes > 24*60 {
		return Config{}, fmt.Errorf("--minutes %d: want 0 (no limit) to 1440\n%s", cfg.Minutes, usage)
	}
	if cfg.Moment != "" && (len(cfg.Moment) > MaxMoment || strings.IndexFunc(cfg.Moment, notPrintable) >= 0 || strings.ContainsRune(cfg.Moment, ' ')) {
		return Config{}, fmt.Errorf("--moment %q: want up to %d printable characters without spaces\n%s", cfg.Moment, MaxMoment, usage)
	}
	cfg.Why = strings.TrimSpace(cfg.Why)
	if len(cfg.Why) > MaxWhy || strings.IndexFunc(cfg.Why, notPrintable) >= 0 {
		return Config{}, fmt.Errorf("--why: want one line of up to %d characters\n%s", MaxWhy, usage)
	}
	return cfg, nil
}

func notPrintable(r rune) bool { return !unicode.IsPrint(r) }

// Deps is what the process takes from the outside world.
type Deps struct {
	Env    paths.Env
	Now    func() time.Time
	Stderr io.Writer
	// Show shows each new lesson window (nil: fyne.Window.Show);
	// cmd/tidbit-ui passes popup.Shower.Show for the focus-safe pop-up.
	Show lessonwin.Shower
	// PopupHide is how long an untouched pop-up stays; 0 reads
	// settings.PopupHide from the store for each pop-up.
	PopupHide time.Duration
	// TrayTimeout bounds telling the tray a moment's outcome; 0 means 2 s.
	TrayTimeout time.Duration
	// Do runs f on the UI thread; nil means fyne.Do. Tests on fyne/test
	// (whose fyne.Do runs f on the calling goroutine) pass their own.
	Do func(f func())
	// Setenv changes the process's environment (os.Setenv) before Fyne
	// starts; nil changes nothing.
	Setenv func(key, value string) error
	// Early, when set, runs on its own goroutine as soon as the command
	// line is read, for slow set-up that can overlap opening the store
	// (cmd/tidbit-ui connects to the X server for a pop-up).
	Early func(Config)
}

// OSDeps are the real process's.
func OSDeps() Deps {
	return Deps{Env: paths.OS(), Now: time.Now, Stderr: os.Stderr, Setenv: os.Setenv}
}

// Process is a started window process.
type Process struct {
	App    *core.App
	Writer *lessonwin.Writer
	Linger *lessonwin.Linger
	// Window and Run are the latest lesson window and its attempt.
	Window *lessonwin.Window
	Run    *lessonflow.Run

	release func()
	deps    Deps
	paths   paths.Paths
	fa      fyne.App
	server  *instance.Server
	stop    chan struct{} // closed once the process is ending: open requests give up
	stopMu  sync.RWMutex  // held to read stop and queue UI work as one step
	stopped sync.Once
	reports sync.WaitGroup
	opening sync.WaitGroup // warm opens still reading their data

	mu      sync.Mutex
	lessons []*lesson // open or finished lesson windows, until Close
}

// lesson is one lesson window of the process.
type lesson struct {
	win    *lessonwin.Window
	run    *lessonflow.Run
	moment string
}

// ErrBusy means another window process holds this data folder.
var ErrBusy = errors.New("a Tidbit window is already open for this data folder")

// Start opens the store and shows the first window on fa. quit is called
// (from a timer goroutine) once the last window has been closed for
// cfg.Linger; it should end fa's loop.
func Start(ctx context.Context, fa fyne.App, cfg Config, d Deps, quit func()) (*Process, error) {
	p, err := paths.Resolve(cfg.DataDir, d.Env)
	if err != nil {
		return nil, err
	}
	if err := p.Ensure(); err != nil {
		return nil, err
	}
	release, holder, err := instance.Lock(p.Lock("ui"))
	if errors.Is(err, instance.ErrLocked) {
		if holder > 0 {
			return nil, fmt.Errorf("%w (process %d)", ErrBusy, holder)
		}
		return nil, ErrBusy
	}
	if err != nil {
		return nil, err
	}
	// Like `tidbit learn`, the window must appear fast: the integrity check
	// is left to doctor and the resident process.
	a, err := core.Open(ctx, p, core.Options{Store: store.Options{SkipCheck: true, Now: d.Now}})
	if err != nil {
		release()
		return nil, err
	}
	pr := &Process{App: a, release: release, deps: d, paths: p, fa: fa, stop: make(chan struct{})}
	pr.Writer = lessonwin.NewWriter(context.WithoutCancel(ctx))
	// The loop ends only after stop is closed: no open request queues UI
	// work for a loop that has gone.
	pr.Linger = lessonwin.NewLinger(cfg.Linger, func() { pr.beginStop(); quit() })
	// A closed window may have changed today's count, the profile or the
	// settings: the resident re-reads them now rather than at its next
	// quarter-hour refresh.
	pr.Linger.OnClosed = pr.refreshTray
	pr.startTheme(ctx, fa)
	// Warm from here on: requests that come while the first window is
	// being shown wait for the UI loop. A failure only costs the warm
	// path: the resident then starts another process, which reports busy.
	pr.server, err = instance.Listen(ipc.UISocket(p.Data), pr.handle)
	if err != nil {
		fmt.Fprintf(d.Stderr, "tidbit-ui: not warm: %v\n", err)
	}
	if err := pr.Open(ctx, fa, cfg); err != nil {
		pr.Close()
		return nil, err
	}
	return pr, nil
}

// handle answers one ui.sock request (on a server goroutine).
func (p *Process) handle(line string) error {
	if ipc.Verb(line) != ipc.OpenVerb {
		return fmt.Errorf("unknown request %q (want `open [ARGS]`)", ipc.Verb(line))
	}
	m, err := ipc.ParseOpen(line)
	if err != nil {
		return err
	}
	cfg, err := ParseArgs(m.Args)
	if err != nil {
		first, _, _ := strings.Cut(err.Error(), "\n") // not the whole usage text
		return errors.New(first)
	}
	// Answer at once: reading the window's data and creating it can take
	// seconds on a loaded machine, and the asker (the resident, or a
	// second start) must not wait for the first frame. What can be refused
	// is checked first: an unknown lesson, a process ending. The data is
	// read here, off the UI thread, so the windows already open stay
	// responsive; only building the window runs on it.
	if cfg.LessonID != "" {
		if _, err := p.App.Store.Lesson(context.Background(), cfg.LessonID); err != nil {
			return fmt.Errorf("lesson %s: %w", cfg.LessonID, err)
		}
	}
	select {
	case <-p.stop:
		return errors.New("the window process is ending")
	default:
	}
	p.opening.Add(1)
	go func() {
		defer p.opening.Done()
		show, err := p.prepare(context.Background(), cfg)
		if err != nil {
			fmt.Fprintf(p.stderr(), "tidbit-ui: opening the %s window: %v\n", cfg.Command, err)
			return
		}
		if !p.doUnlessStopping(func() { show(p.fa) }) {
			p.dropPrepared(cfg)
		}
	}()
	return nil
}

// beginStop marks the process as ending (once): open requests are refused
// from now on, and none queues UI work any more.
func (p *Process) beginStop() {
	p.stopped.Do(func() {
		p.stopMu.Lock()
		close(p.stop)
		p.stopMu.Unlock()
	})
}

// doUnlessStopping queues f for the UI thread unless the process is
// ending; it reports whether f was queued. Checking and queueing happen
// under stopMu, so nothing is queued after beginStop returned (Fyne's
// queue is closed with its loop).
func (p *Process) doUnlessStopping(f func()) bool {
	p.stopMu.RLock()
	defer p.stopMu.RUnlock()
	select {
	case <-p.stop:
		return false
	default:
	}
	p.do(f)
	return true
}

// dropPrepared handles a window prepared while the process began to end
// (a request that came in the last moment of the linger time): a moment's
// pop-up is reported held, so the resident offers it again. A lesson's
// attempt was started and stays without a result, as after a crash
// (progress counts finished attempts only).
func (p *Process) dropPrepared(cfg Config) {
	if cfg.Moment != "" {
		p.report(cfg.Moment, ipc.Held)
	}
}

// Close stops answering requests, waits for queued writes and outcome
// reports, then closes the store and the lock. Call it after the App's
// loop has returned.
func (p *Process) Close() {
	if p.stop != nil {
		p.beginStop()
	}
	if p.server != nil {
		_ = p.server.Close()
	}
	p.opening.Wait()
	if p.Writer != nil {
		p.Writer.Close()
	}
	p.mu.Lock()
	lessons := p.lessons
	p.mu.Unlock()
	for _, l := range lessons {
		if l.win != nil && l.win.Finished() {
			continue
		}
		// Ended from outside (SIGTERM) with the window still up: close the
		// attempt as the window's Escape would (a no-op when it finished)
		// and tell the tray the offer is held.
		outcome := lessonflow.Later
		if _, n := l.run.Counts(); n > 0 {
			outcome = lessonflow.Abandoned
		}
		_ = l.run.Finish(context.Background(), outcome)
		if l.moment != "" {
			p.report(l.moment, ipc.Held)
		}
	}
	p.reports.Wait()
	if p.App != nil {
		p.App.Close()
	}
	if p.release != nil {
		p.release()
	}
}

// report tells the resident (tray.sock) what became of moment's pop-up,
// off the UI thread. A missing tray is no error: it is logged to stderr.
func (p *Process) report(moment string, o ipc.Outcome) {
	timeout := p.deps.TrayTimeout
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	msg := ipc.MomentMsg{Moment: moment, Outcome: o}.String()
	p.reports.Add(1)
	go func() {
		defer p.reports.Done()
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := instance.Ask(ctx, ipc.TraySocket(p.paths.Data), msg); err != nil {
			fmt.Fprintf(p.stderr(), "tidbit-ui: telling the tray %q: %v\n", msg, err)
		}
	}()
}

// refreshTray asks the resident to re-read today's progress and the
// settings; a missing tray is no error.
func (p *Process) refreshTray() {
	timeout := p.deps.TrayTimeout
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_ = instance.Ask(ctx, ipc.TraySocket(p.paths.Data), "refresh")
}

func (p *Process) do(f func()) {
	if p.deps.Do != nil {
		p.deps.Do(f)
		return
	}
	fyne.Do(f)
}

func (p *Process) stderr() io.Writer {
	if p.deps.Stderr != nil {
		return p.deps.Stderr
	}
	return os.Stderr
}

// popupHide is how long an untouched pop-up stays: --hide-after, else
// Deps.PopupHide, else the user's setting.
func (p *Process) popupHide(ctx context.Context, cfg Config) time.Duration {
	if cfg.HideAfter > 0 {
		return cfg.HideAfter
	}
	if p.deps.PopupHide > 0 {
		return p.deps.PopupHide
	}
	s, err := settings.Load(ctx, p.App.Store)
	if err != nil {
		fmt.Fprintf(p.stderr(), "tidbit-ui: reading settings: %v (the pop-up hides after the default time)\n", err)
	}
	return s.PopupHide()
}

// noBusAddress returns the session-bus address to set so that nothing
// autolaunches a bus: "disabled:" when none is named and no
// $XDG_RUNTIME_DIR/bus socket exists.
func noBusAddress(getenv func(string) string) (string, bool) {
	if getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return "", false
	}
	if dir := getenv("XDG_RUNTIME_DIR"); dir != "" {
		if fi, err := os.Stat(filepath.Join(dir, "bus")); err == nil && fi.Mode()&os.ModeSocket != 0 {
			return "", false
		}
	}
	return "disabled:", true
}

// HandOverTimeout bounds asking a warm process to open a window.
const HandOverTimeout = 5 * time.Second

// HandOver asks the warm window process of dataDir to open the window of
// args (a tidbit-ui command line). reached is false when no process
// answers on ui.sock (none runs, or it is not listening yet).
func HandOver(ctx context.Context, dataDir string, args []string) (reached bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, HandOverTimeout)
	defer cancel()
	err = instance.Ask(ctx, ipc.UISocket(dataDir), ipc.OpenMsg{Args: args}.String())
	if err == nil {
		return true, nil
	}
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT) {
		return false, err
	}
	return true, err
}

// Main runs the window process and returns its exit code. newApp creates
// the Fyne app (the GL driver in cmd/tidbit-ui).
func Main(args []string, d Deps, newApp func() fyne.App) int {
	cfg, err := ParseArgs(args)
	if err != nil {
		fmt.Fprintf(d.Stderr, "tidbit-ui: %v\n", err)
		return ExitUsage
	}
	// A warm process opens the window at once; only when none answers is
	// this one started (cold).
	if p, err := paths.Resolve(cfg.DataDir, d.Env); err == nil {
		if code, done := handOver(d, p.Data, args); done {
			return code
		}
	}
	// Fyne asks the session bus (desktop settings, notifications) through
	// godbus, which runs dbus-launch when no bus exists and leaves a
	// stray daemon behind (over SSH, in a bare X session). With no bus to
	// find, name an address that fails instead, as the tray does.
	if d.Setenv != nil {
		if v, set := noBusAddress(d.Env.Getenv); set {
			d.Setenv("DBUS_SESSION_BUS_ADDRESS", v)
		}
	}
	if d.Early != nil {
		go d.Early(cfg)
	}
	fa := newApp()
	pr, err := Start(context.Background(), fa, cfg, d, func() { fyne.Do(fa.Quit) })
	if errors.Is(err, ErrBusy) {
		// Another process holds the lock but did not answer: it may be
		// starting. Ask it again for a moment before giving up.
		if p, perr := paths.Resolve(cfg.DataDir, d.Env); perr == nil {
			for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				if code, done := handOver(d, p.Data, args); done {
					return code
				}
			}
		}
	}
	if err != nil {
		fmt.Fprintf(d.Stderr, "tidbit-ui: %v\n", err)
		if errors.Is(err, ErrBusy) {
			return ExitBusy
		}
		return ExitError
	}
	// SIGTERM or Ctrl+C end the loop like the linger timer; queued answers
	// are written before the store closes.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		if _, ok := <-sig; ok {
			pr.beginStop()
			fyne.Do(fa.Quit)
		}
	}()
	fa.Run()
	signal.Stop(sig)
	close(sig)
	pr.Close()
	return ExitOK
}

// handOver asks a warm process to open the window; done says the request
// was answered (exit with code).
func handOver(d Deps, dataDir string, args []string) (code int, done bool) {
	reached, err := HandOver(context.Background(), dataDir, args)
	if !reached {
		return 0, false
	}
	if err != nil {
		fmt.Fprintf(d.Stderr, "tidbit-ui: %v\n", err)
		return ExitError, true
	}
	return ExitOK, true
}
