package settings

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/tidbit-learn/tidbit/scheduler/moments"
)

// Problem is one reason settings are invalid, by the field it belongs to,
// so a form can show it next to that field. Key is "" for a problem no
// single field owns.
type Problem struct {
	Key string `json:"key"`
	Msg string `json:"message"`
}

func (p Problem) String() string {
	if p.Key == "" {
		return p.Msg
	}
	return p.Key + ": " + p.Msg
}

// ProblemsError carries Problems through an error return.
type ProblemsError []Problem

func (e ProblemsError) Error() string {
	parts := make([]string, len(e))
	for i, p := range e {
		parts[i] = p.String()
	}
	return strings.Join(parts, "; ")
}

// Problems lists every problem of s by field. It is empty exactly when
// Validate passes: Validate decides, Problems only places its findings.
func (s Settings) Problems() []Problem {
	err := s.Validate()
	if err == nil {
		return nil
	}
	var out []Problem
	add := func(key, format string, args ...any) {
		out = append(out, Problem{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	for _, c := range s.Calendars {
		if strings.TrimSpace(c) == "" {
			add("calendars", "an empty source")
			break
		}
	}
	f := s.Filled()
	start, errStart := ParseClock(f.WorkStart)
	if errStart != nil {
		add("work_start", "%v", errStart)
	}
	end, errEnd := ParseClock(f.WorkEnd)
	if errEnd != nil {
		add("work_end", "%v", errEnd)
	}
	if errStart == nil && errEnd == nil && end <= start {
		add("work_end", "the end (%s) must be after the start (%s)", f.WorkEnd, f.WorkStart)
	}
	for _, d := range f.WorkDays {
		if _, ok := dayNames[strings.ToLower(strings.TrimSpace(d))]; !ok {
			add("work_days", "%q is not a day: want mon, tue, wed, thu, fri, sat or sun", d)
		}
	}
	for _, q := range f.Quiet {
		if _, err := moments.ParseSpan(q); err != nil {
			add("quiet", "%v", err)
		}
	}
	for _, n := range []struct {
		key string
		v   int
	}{{"max_per_day", s.MaxPerDay}, {"max_minutes", s.MaxMinutes}, {"spacing_min", s.SpacingMin},
		{"break_after_m", s.BreakAfterM}, {"weekly_goal", s.WeeklyGoal}} {
		if n.v < 0 {
			add(n.key, "%d must not be negative", n.v)
		}
	}
	if f.PauseAfterS < 45 || f.PauseAfterS > 120 {
		add("pause_after_s", "%d s: want 45-120 s", f.PauseAfterS)
	} else if f.BreakAfterM >= 0 && f.BreakAfterM*60 <= f.PauseAfterS {
		add("break_after_m", "%d min must be longer than the pause (%d s)", f.BreakAfterM, f.PauseAfterS)
	}
	if s.PopupHideMin < 0 || s.PopupHideMin > 60 {
		add("popup_hide_min", "%d min: want 1-60", s.PopupHideMin)
	}
	switch s.Theme {
	case "", "system", "light", "dark":
	default:
		add("theme", "%q: want system, light or dark", s.Theme)
	}
	if err := s.checkModelHost(); err != nil {
		add("model_host", "%v", errors.Unwrap(err))
	}
	if len(out) == 0 {
		// Validate found something no rule above places: show it whole.
		add("", "%v", err)
	}
	return out
}

// ProblemsOf returns the problems an error from Save or Validate holds
// (by field when it came from Problems), or nil for a nil error.
func ProblemsOf(s Settings, err error) []Problem {
	if err == nil {
		return nil
	}
	var pe ProblemsError
	if errors.As(err, &pe) {
		return pe
	}
	if ps := s.Problems(); len(ps) > 0 {
		return ps
	}
	return []Problem{{Msg: err.Error()}}
}

// checkModelHost refuses an address that is not host:port or a URL, and a
// machine other than this one unless AllowRemote is set: lesson text and
// answers would leave the computer. The rules are llm.ResolveHost's; they
// are repeated here so settings stay free of the model client.
func (s Settings) checkModelHost() error {
	h := strings.TrimSpace(s.ModelHost)
	if h == "" {
		return nil
	}
	if !strings.Contains(h, "://") {
		h = "http://" + h
	}
	u, err := url.Parse(h)
	if err != nil || u.Host == "" {
		return fmt.Errorf("model server: %w", fmt.Errorf("%q is not a host:port or URL", s.ModelHost))
	}
	host := u.Hostname()
	if host == "" || host == "0.0.0.0" || s.AllowRemote {
		return nil
	}
	if ip := net.ParseIP(host); !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("model server: %w", fmt.Errorf("%s is another computer: turn on \"allow a remote model server\" to send your lessons and answers there", s.ModelHost))
	}
	return nil
}
