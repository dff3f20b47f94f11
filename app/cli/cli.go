// Package cli is the composition root of the `tidbit` command line: it
// parses commands and flags, resolves paths, opens the store through
// app/core and wires the pieces each command needs. Commands get their
// input, output, environment and clock from Deps, so tests drive the real
// commands in-process with no globals.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/instance"
	"github.com/tidbit-learn/tidbit/app/ipc"
	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/app/store"
)

// Deps is everything the CLI takes from the outside world.
type Deps struct {
	In       io.Reader
	Out, Err io.Writer
	Env      paths.Env
	Now      func() time.Time
	Loc      *time.Location
	Version  string
}

// OSDeps are the real process's.
func OSDeps(version string) Deps {
	return Deps{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Env: paths.OS(), Now: time.Now, Loc: time.Local, Version: version}
}

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
	// ExitBusy: another `tidbit learn` holds the session lock.
	ExitBusy = 3
)

type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

type cli struct {
	Deps
	dataDir string
}

// Main runs the command line and returns the process exit code.
func Main(args []string, d Deps) int {
	c := &cli{Deps: d}
	root := c.root()
	root.SetArgs(args)
	root.SetIn(d.In)
	root.SetOut(d.Out)
	root.SetErr(d.Err)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd, err := root.ExecuteContextC(ctx)
	if cmd != nil && cmd.Annotations[trayReads] != "" {
		c.refreshTray()
	}
	if err == nil {
		return ExitOK
	}
	fmt.Fprintf(d.Err, "tidbit: %v\n", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if isUsage(err) {
		fmt.Fprintln(d.Err, "Run 'tidbit --help' for usage.")
		return ExitUsage
	}
	return ExitError
}

type usageError struct{ error }

func isUsage(err error) bool {
	var u usageError
	// cobra reports an unknown command with a plain error.
	return errors.As(err, &u) || strings.HasPrefix(err.Error(), "unknown command ")
}

func (c *cli) root() *cobra.Command {
	root := &cobra.Command{
		Use:   "tidbit",
		Short: "Just-in-time micro-learning from your system tray",
		Long: `Tidbit offers three-minute lessons, short quizzes and spaced reviews at the
right moments of your day, and learns what you know and what you don't.
Everything stays on this machine.

With no command, tidbit starts the tray app (one per data folder: a second
start asks the running one to show itself and exits).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE:          func(cmd *cobra.Command, args []string) error { return c.runTray(cmd) },
	}
	root.PersistentFlags().StringVar(&c.dataDir, "data-dir", "", "folder for Tidbit's data (default: $TIDBIT_HOME, else the XDG data folder)")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(c.learnCmd(), c.importCmd(), c.exportCmd(), c.libraryCmd(), c.statsCmd(), c.doctorCmd(),
		c.versionCmd(), c.skillsCmd(), c.calendarCmd(), c.profileCmd(), c.assignmentsCmd(), c.reportCmd(), c.xapiCmd(), c.uiCmd(),
		c.momentsCmd())
	root.AddCommand(c.settingsCmd())
	markTrayReads(root)
	for _, sub := range root.Commands() {
		if sub.Args == nil {
			sub.Args = cobra.NoArgs
		}
		args := sub.Args
		sub.Args = func(cmd *cobra.Command, a []string) error {
			if err := args(cmd, a); err != nil {
				return usageError{err}
			}
			return nil
		}
	}
	return root
}

// trayReads marks the commands that change what the running tray shows
// or uses (today's count, the settings, the profile, the library,
// assignments): after they ran, whether or not they failed part-way, the
// tray is asked to read them again.
const trayReads = "tidbit/tray-reads"

var changesTray = map[string]bool{
	"tidbit learn": true, "tidbit import": true, "tidbit profile": true, "tidbit assignments": true,
	"tidbit settings set": true, "tidbit settings reset": true,
}

func markTrayReads(cmd *cobra.Command) {
	if changesTray[cmd.CommandPath()] {
		if cmd.Annotations == nil {
			cmd.Annotations = map[string]string{}
		}
		cmd.Annotations[trayReads] = "yes"
	}
	for _, sub := range cmd.Commands() {
		markTrayReads(sub)
	}
}

// refreshTray asks a running tray of this data folder to re-read its
// state (`refresh` on tray.sock) rather than at its next quarter-hour. No
// tray running is no error; the wait is short.
func (c *cli) refreshTray() {
	p, err := c.paths()
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = instance.Ask(ctx, ipc.TraySocket(p.Data), "refresh")
}

func (c *cli) paths() (paths.Paths, error) {
	return paths.Resolve(c.dataDir, c.Env)
}

// open opens the app state for a command.
func (c *cli) open(ctx context.Context, opts core.Options) (*core.App, error) {
	p, err := c.paths()
	if err != nil {
		return nil, err
	}
	if opts.Store.Now == nil {
		opts.Store.Now = c.Now
	}
	return core.Open(ctx, p, opts)
}

func (c *cli) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of Tidbit and of its database schema",
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(c.Out, "tidbit %s (database schema %d)\n", c.Version, store.SchemaVersion())
			return nil
		},
	}
}
