package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tidbit-learn/tidbit/app/assign"
	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/daemon"
	"github.com/tidbit-learn/tidbit/app/tray"
)

// runTray is `tidbit` with no command: the resident tray. It links no Fyne;
// lesson windows are the tidbit-ui program, started on demand.
func (c *cli) runTray(cmd *cobra.Command) error {
	p, err := c.paths()
	if err != nil {
		return err
	}
	// fyne.io/systray connects with godbus's SessionBus, which runs
	// dbus-launch when no session bus exists and leaves a stray
	// dbus-daemon behind (over SSH, in CI). With no bus to find, name an
	// address that fails instead: the tray then runs without a host and
	// the CLI and notifications still work.
	if c.Env.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" && !sessionBusSocketExists(c.Env.Getenv("XDG_RUNTIME_DIR")) {
		os.Setenv("DBUS_SESSION_BUS_ADDRESS", "disabled:")
	}
	r := daemon.Daemon{Paths: p, Getenv: c.Env.Getenv,
		// The resident process runs the integrity check at open, and opens
		// the store only once it holds the single-instance lock.
		Open: func(ctx context.Context) (*core.App, error) { return c.open(ctx, core.Options{}) },
		Now:  c.Now, Loc: c.Loc, Log: c.Err,
		// The progress line names open assignments; a failure to read them
		// only leaves the line shorter.
		Assignments: func(ctx context.Context, a *core.App) string {
			sts, err := assignmentStatuses(ctx, a, c.Now())
			if err != nil {
				return ""
			}
			return assign.ProgressLine(sts, c.Now(), c.Loc)
		}}
	err = r.Run(cmd.Context()) // SIGINT and SIGTERM cancel the context: a clean stop
	if errors.Is(err, tray.ErrHandedOver) {
		fmt.Fprintln(c.Out, err)
		return nil
	}
	return err
}

func (c *cli) uiCmd() *cobra.Command {
	var lesson string
	var linger time.Duration
	cmd := &cobra.Command{
		Use:   "ui lesson|progress|library|profile|settings|onboarding",
		Short: "Open a window (runs tidbit-ui, the desktop window process)",
		Long: `lesson opens the next pick (or --lesson ID) in a small window: the lesson, its
quiz with number keys, its reflection; every answer is saved as it is given.
progress, library, profile, settings and onboarding open those windows. A
running window process opens the window itself; otherwise one starts and
stays warm for --linger after its last window closes. It is the tidbit-ui
program, looked for next to tidbit and then on PATH.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(uiWindows, args[0]) {
				return usageError{fmt.Errorf("unknown window %q: use one of %s", args[0], strings.Join(uiWindows, ", "))}
			}
			if lesson != "" && args[0] != "lesson" {
				return usageError{fmt.Errorf("--lesson goes with the lesson window only")}
			}
			p, err := c.paths()
			if err != nil {
				return err
			}
			uiArgs := []string{args[0]}
			if lesson != "" {
				uiArgs = append(uiArgs, "--lesson", lesson)
			}
			if linger > 0 {
				uiArgs = append(uiArgs, "--linger", linger.String())
			}
			code, err := tray.RunUI(cmd.Context(), "", p.Data, uiArgs, c.Out, c.Err)
			if err != nil {
				return err
			}
			if code != 0 {
				return &exitError{code: code, err: fmt.Errorf("tidbit-ui exited with code %d", code)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&lesson, "lesson", "", "open this lesson instead of the next pick")
	cmd.Flags().DurationVar(&linger, "linger", 0, "how long the window process stays after its last window (default 2m)")
	return cmd
}

// uiWindows are the windows tidbit-ui shows (widgets/uiproc's table).
var uiWindows = []string{"lesson", "progress", "library", "profile", "settings", "onboarding"}

// sessionBusSocketExists mirrors godbus's discovery of a session bus at
// $XDG_RUNTIME_DIR/bus.
func sessionBusSocketExists(runtimeDir string) bool {
	if runtimeDir == "" {
		return false
	}
	fi, err := os.Stat(filepath.Join(runtimeDir, "bus"))
	return err == nil && fi.Mode()&os.ModeSocket != 0
}
