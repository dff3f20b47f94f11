package settings

import (
	"slices"
	"strings"
)

// FormKeys are the settings a Settings form edits, in its order. The
// others (onboarded, no_tray_notice_shown) are bookkeeping kept as loaded.
var FormKeys = []string{"calendars", "addresses", "all_day_busy", "work_start", "work_end", "work_days", "quiet",
	"max_per_day", "max_minutes", "spacing_min", "pause_after_s", "break_after_m", "weekly_goal", "popup_hide_min",
	"no_idle_moments", "notify_offers", "model_host", "model", "allow_remote", "no_ai", "ai_lessons", "debug_log", "start_at_login", "theme"}

// Form is the edit model of a Settings window, free of any toolkit: the
// text of every field as the user left it. Lists are one line with
// ", " between items, except calendars (one a line); switches are "true"
// or "false".
type Form struct {
	Base Settings          // what was loaded; fields the form does not edit come from here
	Text map[string]string // by key (see FormKeys)
}

// NewForm fills a form with the effective values of s.
func NewForm(s Settings) *Form {
	f := &Form{Base: s, Text: map[string]string{}}
	for _, k := range FormKeys {
		v, _ := s.Effective(k)
		switch k {
		case "calendars":
			v = strings.Join(s.Calendars, "\n")
		case "addresses", "work_days", "quiet":
			v = strings.ReplaceAll(v, ",", ", ")
		}
		f.Text[k] = v
	}
	return f
}

// Settings parses the form. It returns every problem, typing ones (a word
// where a number goes) and Validate's, by field; when there are any the
// Settings must not be saved. Values equal to the defaults are stored as
// "default" so later changes of a default reach this user too.
func (f *Form) Settings() (Settings, []Problem) {
	s := f.Base
	s.Calendars = slices.Clone(s.Calendars)
	var probs []Problem
	typed := map[string]bool{}
	for _, k := range FormKeys {
		v, ok := f.Text[k]
		if !ok {
			continue
		}
		if k == "start_at_login" {
			if b, err := ParseBool(v); err == nil && s.StartAtLogin == nil && b == s.StartsAtLogin() {
				continue // unchanged: keep "on once onboarded"
			}
		}
		if k == "work_days" && len(SplitList(v)) == 0 {
			// Stored empty would mean the default, Monday to Friday.
			probs = append(probs, Problem{Key: k, Msg: "choose at least one working day"})
			typed[k] = true
			continue
		}
		if err := s.Set(k, v); err != nil {
			msg := err.Error()
			msg = strings.TrimPrefix(msg, k+": ")
			probs = append(probs, Problem{Key: k, Msg: msg})
			typed[k] = true
			_ = s.Reset(k) // so Validate judges the rest
		}
	}
	s = s.compact()
	for _, p := range s.Problems() {
		if !typed[p.Key] {
			probs = append(probs, p)
		}
	}
	if len(probs) > 0 {
		// Keep the Validate problems in field order with the typing ones.
		slices.SortStableFunc(probs, func(a, b Problem) int { return keyOrder(a.Key) - keyOrder(b.Key) })
	}
	return s, probs
}

func keyOrder(k string) int {
	if k == "" {
		return len(Fields)
	}
	for i, f := range Fields {
		if f.Key == k {
			return i
		}
	}
	return len(Fields)
}

// compact zeroes fields equal to their defaults.
func (s Settings) compact() Settings {
	d := Defaults
	if s.WorkStart == d.WorkStart {
		s.WorkStart = ""
	}
	if s.WorkEnd == d.WorkEnd {
		s.WorkEnd = ""
	}
	if s.Theme == d.Theme {
		s.Theme = ""
	}
	if slices.Equal(s.WorkDays, d.WorkDays) {
		s.WorkDays = nil
	}
	for _, p := range []struct {
		v *int
		d int
	}{{&s.MaxPerDay, d.MaxPerDay}, {&s.MaxMinutes, d.MaxMinutes},
		{&s.SpacingMin, d.SpacingMin}, {&s.PauseAfterS, d.PauseAfterS}, {&s.BreakAfterM, d.BreakAfterM},
		{&s.WeeklyGoal, d.WeeklyGoal}, {&s.PopupHideMin, d.PopupHideMin}} {
		if *p.v == p.d {
			*p.v = 0
		}
	}
	return s
}

// ByKey groups problems by field key for showing next to each field.
func ByKey(ps []Problem) map[string][]string {
	m := map[string][]string{}
	for _, p := range ps {
		m[p.Key] = append(m[p.Key], p.Msg)
	}
	return m
}
