package settings

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/store"
)

func TestDefaultsMakeTheSchedulerDefaults(t *testing.T) {
	c, err := Settings{}.Policy(time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if c.WorkingHours.Start != 9*time.Hour || c.WorkingHours.End != 17*time.Hour || len(c.WorkingHours.Days) != 5 {
		t.Errorf("working hours %+v", c.WorkingHours)
	}
	if c.MaxPerDay != 4 || c.MaxMinutes != 15 || c.MinSpacing != 45*time.Minute || c.PauseAfter != time.Minute ||
		c.BreakAfter != 5*time.Minute || c.WeeklyGoal != 10 {
		t.Errorf("policy %+v", c)
	}
	if (Settings{}).StartsAtLogin() {
		t.Error("start at login before onboarding")
	}
	if !(Settings{Onboarded: true}).StartsAtLogin() {
		t.Error("start at login should default to on after onboarding")
	}
	off := false
	if (Settings{Onboarded: true, StartAtLogin: &off}).StartsAtLogin() {
		t.Error("turned off but starts at login")
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		s    Settings
		want string // "" : valid
	}{
		{"defaults", Settings{}, ""},
		{"custom", Settings{WorkStart: "08:30", WorkEnd: "24:00", WorkDays: []string{"Sat", "sun"}, Quiet: []string{"12:00-13:00"}, PauseAfterS: 90}, ""},
		{"bad start", Settings{WorkStart: "9am"}, `work start: "9am" is not a time of day`},
		{"end before start", Settings{WorkStart: "18:00", WorkEnd: "09:00"}, "end must follow start"},
		{"bad day", Settings{WorkDays: []string{"monday"}}, `work day "monday"`},
		{"bad quiet", Settings{Quiet: []string{"noon"}}, "quiet hours"},
		{"pause too short", Settings{PauseAfterS: 10}, "must be 45-120 s"},
		{"negative budget", Settings{MaxPerDay: -1}, "pop-ups a day -1"},
		{"theme", Settings{Theme: "pink"}, `theme "pink"`},
		{"empty calendar", Settings{Calendars: []string{" "}}, "empty source"},
		{"two problems", Settings{WorkStart: "x", Theme: "pink"}, "theme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestSaveLoadRoundTripInARealStore(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(s); string(b) != "{}" {
		t.Fatalf("fresh settings are not empty: %s", b)
	}
	if err := Update(ctx, st, func(s *Settings) { s.Calendars = []string{"work.ics"}; s.MaxPerDay = 6 }); err != nil {
		t.Fatal(err)
	}
	if err := Update(ctx, st, func(s *Settings) { s.WorkStart = "nine" }); err == nil {
		t.Fatal("an invalid update was saved")
	}
	got, err := Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Calendars) != 1 || got.MaxPerDay != 6 || got.WorkStart != "" || got.DailyGoal() != 6 {
		t.Fatalf("loaded %+v", got)
	}
}
