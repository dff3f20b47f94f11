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
)

// UIName is the window process's binary.
const UIName = "tidbit-ui"

// FindUI returns the window binary: next to self (the running tidbit)
// first, so an unpacked archive works without PATH changes, else on PATH.
func FindUI(self string, lookPath func(string) (string, error)) (string, error) {
	if self != "" {
		p := filepath.Join(filepath.Dir(self), UIName)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	if lookPath == nil {
		lookPath = exec.LookPath
	}
	p, err := lookPath(UIName)
	if err != nil {
		return "", fmt.Errorf("cannot find %s next to %s or on PATH: %w", UIName, self, err)
	}
	return p, nil
}

// Launcher starts window processes as children and reaps them.
type Launcher struct {
	Path    string   // the tidbit-ui binary
	Args    []string // common arguments, e.g. --data-dir
	Log     io.Writer
	mu      sync.Mutex
	running map[*exec.Cmd]struct{}
	wg      sync.WaitGroup
}

// ErrBusyUI is the window process's exit code 3: a window is already open.
var ErrBusyUI = errors.New("a Tidbit window is already open")

// Start runs `tidbit-ui args...` with the launcher's common arguments and
// returns at once; done (may be nil) gets the child's result when it ends.
func (l *Launcher) Start(done func(error), args ...string) error {
	cmd := exec.Command(l.Path, append(append([]string(nil), args...), l.Args...)...)
	if l.Log != nil {
		cmd.Stdout, cmd.Stderr = l.Log, l.Log
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", l.Path, err)
	}
	l.mu.Lock()
	if l.running == nil {
		l.running = map[*exec.Cmd]struct{}{}
	}
	l.running[cmd] = struct{}{}
	l.mu.Unlock()
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		err := cmd.Wait()
		l.mu.Lock()
		delete(l.running, cmd)
		l.mu.Unlock()
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 3 {
			err = ErrBusyUI
		}
		if done != nil {
			done(err)
		}
	}()
	return nil
}

// Wait waits for every child to end. Window processes finish their
// writes and exit by themselves (SIGTERM makes them finish at once).
func (l *Launcher) Wait() { l.wg.Wait() }

// Signal sends sig to every running child.
func (l *Launcher) Signal(sig os.Signal) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.running {
		_ = c.Process.Signal(sig)
	}
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
