// Package settings is the user's preferences as one typed value: calendars,
// working and quiet hours, the pop-up budget, idle thresholds, the model
// server, privacy switches, start at login and theme. They live in the
// store's settings table under one key, so the tray process, the window
// process and the CLI read the same thing; every field has a default, so a
// fresh install (or a skipped onboarding) works without any of them.
//
// The package turns settings into the scheduler's policy (Policy) and the
// calendar's options (CalendarOptions); it never imports the scheduler's
// consumers and never Fyne. Fields, Set and Problems name every setting by
// its JSON name, for `tidbit settings` and the Settings window (Form).
package settings

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tidbit-learn/tidbit/scheduler/calendar"
	"github.com/tidbit-learn/tidbit/scheduler/moments"
)

// Key is the settings-table key the whole value is stored under.
const Key = "settings"

// Settings are the user's preferences. The zero value of every field means
// "the default" (see Defaults), so old files read into newer code keep
// working, and JSON stays small.
type Settings struct {
	// Calendars are sources as `tidbit calendar` takes them: an .ics path, an
	// http(s) subscription URL or a caldav+https:// URL.
	Calendars []string `json:"calendars,omitempty"`
	// Addresses are the user's e-mail addresses: events they declined do
	// not block time.
	Addresses []string `json:"addresses,omitempty"`
	// AllDayBusy makes all-day events block time (off by default).
	AllDayBusy bool `json:"all_day_busy,omitempty"`

	WorkStart string   `json:"work_start,omitempty"` // "09:00"
	WorkEnd   string   `json:"work_end,omitempty"`   // "17:00"
	WorkDays  []string `json:"work_days,omitempty"`  // "mon".."sun"; empty: mon-fri
	Quiet     []string `json:"quiet,omitempty"`      // "12:00-13:00"

	MaxPerDay    int `json:"max_per_day,omitempty"`    // pop-ups a day (default 4); also today's goal
	MaxMinutes   int `json:"max_minutes,omitempty"`    // minutes a day (default 15)
	SpacingMin   int `json:"spacing_min,omitempty"`    // minutes between pop-ups (default 45)
	PauseAfterS  int `json:"pause_after_s,omitempty"`  // a natural pause, 45-120 s (default 60)
	BreakAfterM  int `json:"break_after_m,omitempty"`  // away this long is a break (default 5)
	WeeklyGoal   int `json:"weekly_goal,omitempty"`    // items a week (default 10)
	PopupHideMin int `json:"popup_hide_min,omitempty"` // an untouched pop-up hides after (default 3)
	// IdleMoments off means no pop-ups on idle alone (calendar moments only).
	NoIdleMoments bool `json:"no_idle_moments,omitempty"`
	// NotifyOffers offers each item as a desktop notification (Start,
	// Later) instead of the pop-up window: for a desktop whose window
	// manager gives new windows the focus whatever they ask (Wayland
	// without XWayland always gets notifications).
	NotifyOffers bool `json:"notify_offers,omitempty"`

	ModelHost   string `json:"model_host,omitempty"`   // "" : OLLAMA_HOST, else 127.0.0.1:11434
	Model       string `json:"model,omitempty"`        // "" : llm.DefaultModel
	AllowRemote bool   `json:"allow_remote,omitempty"` // allow a non-loopback model server
	NoAI        bool   `json:"no_ai,omitempty"`        // never call the model at all
	AILessons   bool   `json:"ai_lessons,omitempty"`   // opt-in: write new micro-lessons for gaps
	DebugLog    bool   `json:"debug_log,omitempty"`    // log prompts and outputs to a local file

	// StartAtLogin is a pointer so "never set" (nil: on once onboarded)
	// differs from "turned off".
	StartAtLogin *bool  `json:"start_at_login,omitempty"`
	Theme        string `json:"theme,omitempty"` // "system" (default), "light", "dark"
	Onboarded    bool   `json:"onboarded,omitempty"`
	// NoTrayNoticeShown records that the "no tray host" window was shown
	// once, so it is not shown again.
	NoTrayNoticeShown bool `json:"no_tray_notice_shown,omitempty"`
}

// Store is what Load and Save need of app/store.
type Store interface {
	Setting(ctx context.Context, key string, v any) (bool, error)
	SetSetting(ctx context.Context, key string, v any) error
}

// Load reads the settings; a missing key is the defaults (no error).
func Load(ctx context.Context, st Store) (Settings, error) {
	var s Settings
	if _, err := st.Setting(ctx, Key, &s); err != nil {
		return Settings{}, err
	}
	return s, nil
}

// Save validates and stores s; invalid settings are refused whole.
func Save(ctx context.Context, st Store, s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	return st.SetSetting(ctx, Key, s)
}

// Update loads, applies f and saves: the pattern for changing one field.
func Update(ctx context.Context, st Store, f func(*Settings)) error {
	s, err := Load(ctx, st)
	if err != nil {
		return err
	}
	f(&s)
	return Save(ctx, st, s)
}

// Defaults are the values used for zero fields.
var Defaults = Settings{
	WorkStart: "09:00", WorkEnd: "17:00", WorkDays: []string{"mon", "tue", "wed", "thu", "fri"},
	MaxPerDay: 4, MaxMinutes: 15, SpacingMin: 45, PauseAfterS: 60, BreakAfterM: 5, WeeklyGoal: 10,
	PopupHideMin: 3, Theme: "system",
}

// Filled returns s with every zero field set to its default (for showing
// in Settings).
func (s Settings) Filled() Settings {
	d := Defaults
	str := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	num := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	str(&s.WorkStart, d.WorkStart)
	str(&s.WorkEnd, d.WorkEnd)
	str(&s.Theme, d.Theme)
	if len(s.WorkDays) == 0 {
		s.WorkDays = append([]string(nil), d.WorkDays...)
	}
	num(&s.MaxPerDay, d.MaxPerDay)
	num(&s.MaxMinutes, d.MaxMinutes)
	num(&s.SpacingMin, d.SpacingMin)
	num(&s.PauseAfterS, d.PauseAfterS)
	num(&s.BreakAfterM, d.BreakAfterM)
	num(&s.WeeklyGoal, d.WeeklyGoal)
	num(&s.PopupHideMin, d.PopupHideMin)
	return s
}

// StartsAtLogin is the effective start-at-login switch: on once onboarding
// is done unless the user turned it off.
func (s Settings) StartsAtLogin() bool {
	if s.StartAtLogin != nil {
		return *s.StartAtLogin
	}
	return s.Onboarded
}

// DailyGoal is today's target number of items (the pop-up budget).
func (s Settings) DailyGoal() int { return s.Filled().MaxPerDay }

// PopupHide is how long an untouched pop-up stays before it hides and its
// item is held.
func (s Settings) PopupHide() time.Duration {
	return time.Duration(s.Filled().PopupHideMin) * time.Minute
}

var dayNames = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
	"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// Validate lists every problem at once, naming the setting.
func (s Settings) Validate() error {
	_, err := s.Policy(time.UTC)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	switch s.Theme {
	case "", "system", "light", "dark":
	default:
		errs = append(errs, fmt.Errorf("theme %q: want system, light or dark", s.Theme))
	}
	for _, c := range s.Calendars {
		if strings.TrimSpace(c) == "" {
			errs = append(errs, errors.New("calendars: an empty source"))
		}
	}
	if s.PopupHideMin < 0 || s.PopupHideMin > 60 {
		errs = append(errs, fmt.Errorf("pop-up hides after %d min: want 1-60", s.PopupHideMin))
	}
	if err := s.checkModelHost(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Policy is the scheduler's policy for these settings in loc.
func (s Settings) Policy(loc *time.Location) (moments.Config, error) {
	f := s.Filled()
	var errs []error
	clock := func(name, v string) time.Duration {
		d, err := ParseClock(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
		return d
	}
	start, end := clock("work start", f.WorkStart), clock("work end", f.WorkEnd)
	var days []time.Weekday
	for _, d := range f.WorkDays {
		wd, ok := dayNames[strings.ToLower(strings.TrimSpace(d))]
		if !ok {
			errs = append(errs, fmt.Errorf("work day %q: want mon, tue, wed, thu, fri, sat or sun", d))
			continue
		}
		days = append(days, wd)
	}
	var quiet []moments.Span
	for _, q := range f.Quiet {
		sp, err := moments.ParseSpan(q)
		if err != nil {
			errs = append(errs, fmt.Errorf("quiet hours: %w", err))
			continue
		}
		quiet = append(quiet, sp)
	}
	for name, v := range map[string]int{"pop-ups a day": f.MaxPerDay, "minutes a day": f.MaxMinutes,
		"minutes between pop-ups": f.SpacingMin, "break after (min)": f.BreakAfterM, "weekly goal": f.WeeklyGoal} {
		if v < 0 {
			errs = append(errs, fmt.Errorf("%s %d: must not be negative", name, v))
		}
	}
	c := moments.Config{
		WorkingHours: calendar.WorkingHours{Days: days, Start: start, End: end, Location: loc},
		Quiet:        quiet,
		MaxPerDay:    f.MaxPerDay, MaxMinutes: f.MaxMinutes,
		MinSpacing: time.Duration(f.SpacingMin) * time.Minute,
		PauseAfter: time.Duration(f.PauseAfterS) * time.Second,
		BreakAfter: time.Duration(f.BreakAfterM) * time.Minute,
		WeeklyGoal: f.WeeklyGoal,
	}
	if len(errs) == 0 {
		if err := c.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return moments.Config{}, fmt.Errorf("settings: %w", err)
	}
	return c, nil
}

// ParseClock reads "HH:MM" (00:00-24:00) as an offset from midnight.
func ParseClock(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	h, m, ok := strings.Cut(v, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || len(h) == 0 || len(h) > 2 || len(m) != 2 || err1 != nil || err2 != nil ||
		hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("%q is not a time of day (HH:MM)", v)
	}
	return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute, nil
}

// CalendarOptions are the calendar reader's options for these settings.
func (s Settings) CalendarOptions(loc *time.Location) calendar.Options {
	return calendar.Options{Location: loc, Addresses: s.Addresses, AllDayBusy: s.AllDayBusy}
}
