package settings

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/scheduler/calendar"
)

const checkICS = `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//tidbit//test//EN
BEGIN:VEVENT
UID:1
DTSTART:20260304T100000Z
DTEND:20260304T110000Z
SUMMARY:Stand-up
END:VEVENT
BEGIN:VEVENT
UID:2
DTSTART:20260304T140000Z
DTEND:20260304T150000Z
SUMMARY:Review
END:VEVENT
BEGIN:VEVENT
UID:3
DTSTART:20260306T090000Z
DTEND:20260306T100000Z
SUMMARY:Planning
END:VEVENT
BEGIN:VEVENT
UID:4
DTSTART;VALUE=DATE:20260304
DTEND;VALUE=DATE:20260305
SUMMARY:Holiday
END:VEVENT
END:VCALENDAR
`

func TestCheckCalendar(t *testing.T) {
	dir := t.TempDir()
	ics := filepath.Join(dir, "work.ics")
	if err := os.WriteFile(ics, []byte(strings.ReplaceAll(checkICS, "\n", "\r\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		s      Settings
		source string
		want   string
		err    bool
	}{
		{"file", Settings{}, ics, "3 events, 2 busy today", false},
		{"all-day events block", Settings{AllDayBusy: true}, ics, "4 events, 3 busy today", false},
		{"missing file", Settings{}, filepath.Join(dir, "none.ics"), "none.ics", true},
		{"empty", Settings{}, " ", "empty", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.s.CheckCalendar(context.Background(), tc.source, calendar.SourceOptions{CacheDir: dir}, now, time.UTC)
			if tc.err {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err %v, want %q", err, tc.want)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("%q %v, want %q", got, err, tc.want)
			}
		})
	}
}
