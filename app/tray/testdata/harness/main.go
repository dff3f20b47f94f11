// Command harness runs the resident tray exactly as `tidbit` with no
// command will (daemon.Daemon on the real fyne.io/systray host), for the
// tests that need it in a process of its own: fyne.io/systray v1.12.2 has
// data races of its own (its menu version is written and read under
// different locks), so it cannot run inside a -race test binary, and its
// global state allows one start per process. SIGTERM and SIGINT stop it;
// it exits 0 after a clean stop.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/daemon"
	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/app/tray"
)

func main() {
	data := flag.String("data-dir", "", "data folder")
	self := flag.String("self", "", "path of the tidbit binary (tidbit-ui is looked for next to it)")
	linger := flag.Duration("linger", time.Second, "passed to tidbit-ui")
	withMoments := flag.Bool("moments", false, "run the scheduler (off: only the menu and the socket's offer fire windows, so tests are deterministic)")
	flag.Parse()
	p, err := paths.Resolve(*data, paths.OS())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	r := daemon.Daemon{Paths: p, Self: *self, Linger: *linger, Log: os.Stderr, NoScheduler: !*withMoments,
		Open: func(ctx context.Context) (*core.App, error) { return core.Open(ctx, p, core.Options{}) }}
	err = r.Run(ctx)
	if errors.Is(err, tray.ErrHandedOver) { // as `tidbit` does: exit 0
		fmt.Fprintln(os.Stderr, err)
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintln(os.Stderr, "harness: stopped cleanly")
}
