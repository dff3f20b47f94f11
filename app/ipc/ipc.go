// Package ipc is the small protocol between Tidbit's processes, over the
// Unix socket files of app/instance (mode 0600 in the user's 0700 data
// folder; no network socket): the window process tells the resident tray
// what became of a pop-up, and the resident (or a second window process)
// asks a warm window process to open another window.
//
// Every message is one line: a verb and space-separated fields; fields that
// may hold spaces are JSON strings. Parse functions are strict and fuzzed.
package ipc

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

// TraySocket is the resident tray's socket in the data folder.
func TraySocket(dataDir string) string { return filepath.Join(dataDir, "tray.sock") }

// UISocket is the warm window process's socket in the data folder.
func UISocket(dataDir string) string { return filepath.Join(dataDir, "ui.sock") }

// Outcome is what became of an offered pop-up.
type Outcome string

const (
	Done     Outcome = "done"     // the item was done (or started and worked through)
	Later    Outcome = "later"    // "Later": offer it again after a short snooze
	Dismiss  Outcome = "dismiss"  // Esc or the window closed without doing it
	NotForMe Outcome = "notforme" // "Not for me": dismissed, and the lesson is not offered again soon
	Held     Outcome = "held"     // untouched, the pop-up hid itself: the item waits for the next good moment
)

func (o Outcome) valid() bool {
	switch o {
	case Done, Later, Dismiss, NotForMe, Held:
		return true
	}
	return false
}

// MomentVerb starts a moment message.
const MomentVerb = "moment"

// MomentMsg says what became of the pop-up for a scheduler moment.
type MomentMsg struct {
	Moment  string // scheduler moment ID (kind@time), as passed with --moment
	Outcome Outcome
}

// String is the wire form: `moment ID OUTCOME`.
func (m MomentMsg) String() string { return MomentVerb + " " + m.Moment + " " + string(m.Outcome) }

// ParseMoment reads a moment message.
func ParseMoment(line string) (MomentMsg, error) {
	f := strings.Fields(line)
	if len(f) != 3 || f[0] != MomentVerb {
		return MomentMsg{}, fmt.Errorf("moment message %q: want `moment ID OUTCOME`", line)
	}
	m := MomentMsg{Moment: f[1], Outcome: Outcome(f[2])}
	if !m.Outcome.valid() {
		return MomentMsg{}, fmt.Errorf("moment message %q: unknown outcome %q", line, f[2])
	}
	return m, nil
}

// OpenVerb starts an open message.
const OpenVerb = "open"

// OpenMsg asks a warm window process to open a window: Args are the
// tidbit-ui command line without the program name ("lesson", "--lesson",
// "x1", ...). The receiver parses them as it parses its own arguments.
type OpenMsg struct {
	Args []string
}

// String is the wire form: `open ["lesson","--lesson","x1"]`.
func (m OpenMsg) String() string {
	b, _ := json.Marshal(m.Args)
	return OpenVerb + " " + string(b)
}

// ParseOpen reads an open message.
func ParseOpen(line string) (OpenMsg, error) {
	verb, rest, _ := strings.Cut(line, " ")
	if verb != OpenVerb {
		return OpenMsg{}, fmt.Errorf("open message %q: want `open [ARGS...]`", line)
	}
	var args []string
	if err := json.Unmarshal([]byte(rest), &args); err != nil || len(args) == 0 {
		return OpenMsg{}, fmt.Errorf("open message %q: arguments must be a non-empty JSON list of strings", line)
	}
	return OpenMsg{Args: args}, nil
}

// Verb is the first word of a line, to dispatch on.
func Verb(line string) string {
	v, _, _ := strings.Cut(strings.TrimSpace(line), " ")
	return v
}
