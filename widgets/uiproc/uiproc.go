// Package uiproc is the composition root of the window process,
// cmd/tidbit-ui: it parses the command line, opens the shared store through
// app/core, builds the lesson flow (the learner recommender as picker,
// FSRS-6 cards) and shows a lesson window on the fyne.App it is given. It
// does not create the App itself, so its tests run on fyne/test with no
// display and no GL; cmd/tidbit-ui passes the real driver's.
//
// Only one window process runs per data folder (an advisory lock); it
// exits Linger after its last window closed.
package uiproc

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"fyne.io/fyne/v2"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/instance"
	"github.com/tidbit-learn/tidbit/app/lessonflow"
	"github.com/tidbit-learn/tidbit/app/paths"
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
}

const usage = `usage: tidbit-ui WINDOW [--lesson ID] [--data-dir DIR] [--linger 2m]

WINDOW is one of: lesson, progress, profile, library, settings, onboarding.
lesson shows the next lesson picked for you (or --lesson ID) in a small
window, then its quiz; every answer is saved as you give it. The process
exits --linger after its last window closes.`

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
	if err := fs.Parse(args[1:]); err != nil {
		return Config{}, fmt.Errorf("%v\n%s", err, usage)
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q\n%s", fs.Arg(0), usage)
	}
	if cfg.Linger < 0 {
		return Config{}, fmt.Errorf("--linger must not be negative\n%s", usage)
	}
	return cfg, nil
}

// Deps is what the process takes from the outside world.
type Deps struct {
	Env    paths.Env
	Now    func() time.Time
	Stderr io.Writer
}

// OSDeps are the real process's.
func OSDeps() Deps { return Deps{Env: paths.OS(), Now: time.Now, Stderr: os.Stderr} }

// Process is a started window process.
type Process struct {
	App    *core.App
	Writer *lessonwin.Writer
	Linger *lessonwin.Linger
	Window *lessonwin.Window
	Run    *lessonflow.Run

	release func()
	deps    Deps
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
	pr := &Process{App: a, release: release, deps: d}
	pr.Writer = lessonwin.NewWriter(context.WithoutCancel(ctx))
	pr.Linger = lessonwin.NewLinger(cfg.Linger, quit)
	pr.startTheme(ctx, fa)
	if err := pr.Open(ctx, fa, cfg); err != nil {
		pr.Close()
		return nil, err
	}
	return pr, nil
}

// Close waits for queued writes, then closes the store and the lock.
// Call it after the App's loop has returned.
func (p *Process) Close() {
	if p.Writer != nil {
		p.Writer.Close()
	}
	if p.Run != nil {
		// Ended from outside (SIGTERM) with the window still up: close the
		// attempt as the window's Escape would. A no-op when it finished.
		outcome := lessonflow.Later
		if _, n := p.Run.Counts(); n > 0 {
			outcome = lessonflow.Abandoned
		}
		_ = p.Run.Finish(context.Background(), outcome)
	}
	if p.App != nil {
		p.App.Close()
	}
	if p.release != nil {
		p.release()
	}
}

// Main runs the window process and returns its exit code. newApp creates
// the Fyne app (the GL driver in cmd/tidbit-ui).
func Main(args []string, d Deps, newApp func() fyne.App) int {
	cfg, err := ParseArgs(args)
	if err != nil {
		fmt.Fprintf(d.Stderr, "tidbit-ui: %v\n", err)
		return ExitUsage
	}
	fa := newApp()
	pr, err := Start(context.Background(), fa, cfg, d, func() { fyne.Do(fa.Quit) })
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
			fyne.Do(fa.Quit)
		}
	}()
	fa.Run()
	signal.Stop(sig)
	close(sig)
	pr.Close()
	return ExitOK
}
