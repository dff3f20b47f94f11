package moments

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kind is the kind of moment.
type Kind string

// The moments Tidbit offers items at.
const (
	BeforeMeeting Kind = "before-meeting" // waiting for a meeting to start
	AfterMeeting  Kind = "after-meeting"  // a meeting just ended: recap or review
	Pause         Kind = "pause"          // no input for PauseAfter while active
	Return        Kind = "return"         // back after BreakAfter or more
)

func (k Kind) idle() bool { return k == Pause || k == Return }

// Moment is a time to offer an item, with what the recommender needs to choose it.
type Moment struct {
	ID      string    `json:"id"` // kind@RFC3339 time: stable across re-planning
	Kind    Kind      `json:"kind"`
	At      time.Time `json:"at"`
	Minutes int       `json:"minutes"` // the item must fit in this
	// Meeting is the next meeting's title (before-meeting, pause, return) or
	// the one that ended (after-meeting); MeetingAt is its start or end.
	Meeting   string    `json:"meeting,omitempty"`
	MeetingAt time.Time `json:"meeting_at,omitzero"`
	Context   string    `json:"context"` // one line for people and for the recommender
	// RecapOf is, on an after-meeting moment, the ID of the before-meeting item
	// offered for the same meeting: recap what it taught.
	RecapOf string `json:"recap_of,omitempty"`
	// Released is an item held earlier (by a meeting, do-not-disturb,
	// fullscreen, typing or a snooze) and offered now.
	Released *Held `json:"released,omitempty"`
}

// Held is a moment whose item waits for the next good moment.
type Held struct {
	Moment Moment    `json:"moment"`
	Since  time.Time `json:"since"`
	Reason string    `json:"reason"`
}

func momentID(k Kind, at time.Time) string { return string(k) + "@" + at.UTC().Format(time.RFC3339) }

// Decision is one offered or withheld moment, or a policy event (Moment.Kind
// empty: a new day, a calendar failure, a user's answer).
type Decision struct {
	At      time.Time `json:"at"`
	Moment  Moment    `json:"moment"`
	Offered bool      `json:"offered"`
	Held    bool      `json:"held,omitempty"` // withheld, and its item kept for later
	Reason  string    `json:"reason"`
}

// String is one log line: "10:28 before-meeting offered 5 min: ...".
func (d Decision) String() string {
	at := d.At.Format("Mon 15:04:05")
	if d.Moment.Kind == "" {
		return at + " note: " + d.Reason
	}
	verdict := "withheld"
	switch {
	case d.Offered:
		verdict = fmt.Sprintf("offered %d min", d.Moment.Minutes)
	case d.Held:
		verdict = "held"
	}
	s := fmt.Sprintf("%s %s %s: %s", at, d.Moment.Kind, verdict, d.Reason)
	if d.Offered && d.Moment.Context != "" {
		s += " [" + d.Moment.Context + "]"
	}
	return s
}

// Log receives every decision. Implementations must not call back into the
// Engine.
type Log interface {
	Record(Decision)
}

// LogFunc adapts a function to Log.
type LogFunc func(Decision)

// Record calls f.
func (f LogFunc) Record(d Decision) { f(d) }

// ParseSpan reads a daily range such as "12:00-13:30" or "22:00-07:00".
func ParseSpan(s string) (Span, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return Span{}, fmt.Errorf("time range %q: want HH:MM-HH:MM", s)
	}
	start, err := parseClock(a)
	if err != nil {
		return Span{}, fmt.Errorf("time range %q: %w", s, err)
	}
	end, err := parseClock(b)
	if err != nil {
		return Span{}, fmt.Errorf("time range %q: %w", s, err)
	}
	if start == end {
		return Span{}, fmt.Errorf("time range %q: empty", s)
	}
	return Span{Start: start, End: end}, nil
}

func parseClock(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) == 0 || len(h) > 2 || len(m) != 2 {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) || h[0] == '+' || m[0] == '+' {
		return 0, fmt.Errorf("%q is not a time of day", s)
	}
	return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute, nil
}
