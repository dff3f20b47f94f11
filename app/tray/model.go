package tray

import (
	"fmt"
	"time"
)

// State is what the tray icon shows.
type State int

const (
	Ready   State = iota // nothing waiting; Learn now starts one
	Waiting              // an item is held for the learner
	Snoozed              // moments are off for a while
	Paused               // off until tomorrow (or Resume)
	Problem              // something needs attention (see the tooltip)
)

var stateNames = [...]string{Ready: "ready", Waiting: "item waiting", Snoozed: "snoozed", Paused: "paused", Problem: "problem"}

func (s State) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return fmt.Sprintf("State(%d)", int(s))
	}
	return stateNames[s]
}

// Status is what the resident process knows about today, read through
// Deps.Status.
type Status struct {
	Done    int    // items completed today
	Goal    int    // items planned for today; 0: no goal
	Waiting bool   // an item is held for the learner
	Problem string // empty when all is well; else one line for the tooltip
	// Assigned is one line about open assignments ("2 assignments open;
	// next: Sam, due Fri 5 Dec (1 of 3 done)"); empty when none is open.
	Assigned string
	// SnoozedUntil and PausedUntil are the scheduler's (restored after a
	// restart); zero when not snoozed or paused.
	SnoozedUntil, PausedUntil time.Time
	// Remote names a model server that is not on this machine, when the
	// user allowed one: the tooltip says so.
	Remote string
}

// model is the tray's state, kept apart from the menu so it is tested as
// plain values.
type model struct {
	status      Status
	snoozeUntil time.Time
	pausedUntil time.Time
}

func (m *model) state(now time.Time) State {
	switch {
	case m.status.Problem != "":
		return Problem
	case now.Before(m.pausedUntil):
		return Paused
	case now.Before(m.snoozeUntil):
		return Snoozed
	case m.status.Waiting:
		return Waiting
	}
	return Ready
}

// Quiet says whether moments are held back (snoozed or paused).
func (m *model) quiet(now time.Time) bool {
	return now.Before(m.pausedUntil) || now.Before(m.snoozeUntil)
}

// Snooze lengths offered in the menu.
const (
	Snooze15m = 15 * time.Minute
	Snooze1h  = time.Hour
	// SnoozeRestOfDay is a marker: until the next local midnight.
	SnoozeRestOfDay time.Duration = -1
)

func (m *model) snooze(now time.Time, d time.Duration) {
	if d == SnoozeRestOfDay {
		m.snoozeUntil = nextMidnight(now)
		return
	}
	m.snoozeUntil = now.Add(d)
}

func (m *model) pauseUntilTomorrow(now time.Time) { m.pausedUntil = nextMidnight(now) }

func (m *model) resume() { m.pausedUntil, m.snoozeUntil = time.Time{}, time.Time{} }

// nextMidnight is the start of the next local day of t (DST-safe: it adds
// a calendar day, not 24 hours).
func nextMidnight(t time.Time) time.Time {
	y, mo, d := t.Date()
	return time.Date(y, mo, d+1, 0, 0, 0, 0, t.Location())
}

// progressLabel is the menu's line about today, and about open
// assignments when there are any.
func (m *model) progressLabel() string {
	s := m.status
	var today string
	switch {
	case s.Goal > 0:
		today = fmt.Sprintf("Today: %d of %d done", s.Done, s.Goal)
	case s.Done == 1:
		today = "Today: 1 done"
	default:
		today = fmt.Sprintf("Today: %d done", s.Done)
	}
	if s.Assigned != "" {
		return today + " · " + s.Assigned
	}
	return today
}

// tooltip explains the icon in words.
func (m *model) tooltip(now time.Time) string {
	switch m.state(now) {
	case Problem:
		return "Tidbit: " + m.status.Problem
	case Paused:
		return "Tidbit: paused until tomorrow"
	case Snoozed:
		return "Tidbit: snoozed until " + m.snoozeUntil.Format("15:04")
	case Waiting:
		return "Tidbit: a lesson is waiting for you" + m.remoteNote()
	}
	return "Tidbit: " + m.progressLabel() + m.remoteNote()
}

// nextChange is when the state may change on its own (a snooze or pause
// ending); zero when nothing is pending.
func (m *model) nextChange(now time.Time) time.Time {
	var next time.Time
	for _, t := range []time.Time{m.snoozeUntil, m.pausedUntil} {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	return next
}

func (m *model) remoteNote() string {
	if m.status.Remote == "" {
		return ""
	}
	return " · model server " + m.status.Remote + " (not this machine)"
}
