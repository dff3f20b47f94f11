// Command tidbit is Tidbit's command line and, with no command, its tray
// app. All wiring lives in app/cli; main only hands over the process.
package main

import (
	"os"
	_ "time/tzdata" // calendars name IANA zones; Windows and minimal systems lack the database

	"github.com/tidbit-learn/tidbit/app/cli"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.OSDeps(version)))
}
