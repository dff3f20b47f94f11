// Command tidbit-ui is Tidbit's window process: the resident `tidbit` tray
// starts it to show a lesson (as a focus-safe pop-up with --popup), and it
// exits a couple of minutes after its last window closes; while it runs,
// another `tidbit-ui` hands its window over to it. It is the only binary
// that links Fyne and GL; all wiring lives in widgets/uiproc, the pop-up's
// X11 handling in widgets/popup.
package main

import (
	"os"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/tidbit-learn/tidbit/widgets/popup"
	"github.com/tidbit-learn/tidbit/widgets/uiproc"
)

func main() {
	d := uiproc.OSDeps()
	shower := popup.New(os.Getenv, runtime.GOOS, os.Stderr)
	d.Show = shower.Show
	// A pop-up needs its own X connection: made while the store opens.
	d.Early = func(cfg uiproc.Config) {
		if cfg.Popup {
			shower.Mode()
		}
	}
	code := uiproc.Main(os.Args[1:], d, func() fyne.App { return app.NewWithID(uiproc.AppID) })
	shower.Close()
	os.Exit(code)
}
