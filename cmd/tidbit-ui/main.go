// Command tidbit-ui is Tidbit's window process: the resident `tidbit` tray
// starts it to show a lesson, and it exits a couple of minutes after its
// last window closes. It is the only binary that links Fyne and GL; all
// wiring lives in widgets/uiproc.
package main

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/tidbit-learn/tidbit/widgets/uiproc"
)

func main() {
	os.Exit(uiproc.Main(os.Args[1:], uiproc.OSDeps(), func() fyne.App { return app.NewWithID(uiproc.AppID) }))
}
