package tray

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/paths"
)

// Resident is the tray as the `tidbit` command runs it: the real systray
// host, the store for today's progress, and tidbit-ui started for Learn
// now. The CLI fills it in and calls Run.
type Resident struct {
	Paths paths.Paths
	// Open opens the store; it is called once the single-instance lock is
	// held. The tray closes it on exit.
	Open func(ctx context.Context) (*core.App, error)
	Now  func() time.Time // nil: time.Now
	Loc  *time.Location   // nil: time.Local
	Log  io.Writer        // nil: discard
	// Self is the running tidbit binary (tidbit-ui is looked for next to
	// it); "" means os.Executable.
	Self string
	// Host is the tray host; nil means fyne.io/systray.
	Host Host
	// Assignments returns the progress line's text about open
	// assignments ("" for none); nil shows none.
	Assignments func(ctx context.Context, a *core.App) string
	// Linger is passed to tidbit-ui: how long it stays warm after its
	// last window; 0 keeps tidbit-ui's default (2 minutes).
	Linger time.Duration
}

// Run shows the tray until ctx is done or Quit is chosen. A second start
// returns ErrHandedOver after asking the first to show its window.
func (r Resident) Run(ctx context.Context) error {
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Loc == nil {
		r.Loc = time.Local
	}
	if r.Log == nil {
		r.Log = io.Discard
	}
	if r.Host == nil {
		r.Host = NewSystray()
	}
	if err := r.Paths.Ensure(); err != nil {
		return err
	}
	var (
		app   *core.App
		mu    sync.Mutex
		uiErr error
	)
	defer func() {
		if app != nil {
			app.Close()
		}
	}()
	launcher := &Launcher{Args: []string{"--data-dir", r.Paths.Data}, Log: r.Log}
	if r.Linger > 0 {
		launcher.Args = append(launcher.Args, "--linger", r.Linger.String())
	}
	learnNow := func() {
		mu.Lock()
		defer mu.Unlock()
		if launcher.Path == "" {
			self := r.Self
			if self == "" {
				self, _ = os.Executable()
			}
			p, err := FindUI(self, nil)
			if err != nil {
				fmt.Fprintf(r.Log, "tidbit: %v\n", err)
				uiErr = fmt.Errorf("%s is not installed next to tidbit", UIName)
				return
			}
			launcher.Path = p
		}
		err := launcher.Start(func(err error) {
			if err != nil && !errors.Is(err, ErrBusyUI) {
				fmt.Fprintf(r.Log, "tidbit: the lesson window ended with: %v\n", err)
			}
		}, "lesson")
		if err != nil {
			fmt.Fprintf(r.Log, "tidbit: %v\n", err)
		}
		uiErr = err
	}
	return Run(ctx, Deps{
		Host:       r.Host,
		Actions:    Actions{LearnNow: learnNow},
		LockPath:   r.Paths.Lock("tray"),
		SocketPath: filepath.Join(r.Paths.Data, "tray.sock"),
		Now:        r.Now,
		Log:        r.Log,
		Init: func(ctx context.Context) error {
			a, err := r.Open(ctx)
			if err != nil {
				return err
			}
			app = a
			return nil
		},
		Status: func(ctx context.Context) (Status, error) {
			st, err := app.Store.Stats(ctx, r.Now(), r.Loc)
			if err != nil {
				return Status{}, err
			}
			s := Status{Done: st.TodayCompleted}
			if r.Assignments != nil {
				s.Assigned = r.Assignments(ctx, app)
			}
			mu.Lock()
			if uiErr != nil {
				s.Problem = uiErr.Error()
			}
			mu.Unlock()
			return s, nil
		},
	})
}

// RunUI runs `tidbit-ui args...` in the foreground (for `tidbit ui`),
// with the data folder the CLI resolved, and returns its exit code.
func RunUI(ctx context.Context, self string, dataDir string, args []string, stdout, stderr io.Writer) (int, error) {
	p, err := FindUI(self, nil)
	if err != nil {
		return 1, err
	}
	if dataDir != "" && len(args) > 0 {
		args = append(append([]string{args[0]}, "--data-dir", dataDir), args[1:]...)
	}
	cmd := exec.CommandContext(ctx, p, args...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// On cancel (Ctrl+C, SIGTERM) the window process gets SIGTERM and
	// finishes its writes, rather than being killed.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), nil
	}
	if err != nil {
		return 1, fmt.Errorf("running %s: %w", p, err)
	}
	return 0, nil
}
