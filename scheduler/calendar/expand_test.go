package calendar

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

// ics wraps VEVENT (and other) lines in a VCALENDAR.
func ics(lines ...string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tidbit//test//EN\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VCALENDAR\r\n"
}

func ev(lines ...string) string {
	return "BEGIN:VEVENT\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VEVENT"
}

var (
	berlin, _   = time.LoadLocation("Europe/Berlin")
	newYork, _  = time.LoadLocation("America/New_York")
	utcDay      = func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	weekOfMar16 = Interval{Start: utcDay(2026, 3, 16), End: utcDay(2026, 3, 23)}
)

// spans formats instances as "MM-DD HH:MM-HH:MM" in UTC.
func spans(res Result) []string {
	var out []string
	for _, e := range res.Events {
		out = append(out, e.Start.UTC().Format("01-02 15:04")+"-"+e.End.UTC().Format("15:04"))
	}
	sort.Strings(out)
	return out
}

type expandCase struct {
	name        string
	data        string
	opts        Options
	window      Interval
	want        []string // busy events, see spans
	wantSkipped []string // substrings of skip reasons, in any order
	wantWarn    string
	wantErr     string
	anyEvents   bool // do not compare events
}

var expandCases = []expandCase{
	{
		name: "windows zone name",
		data: ics(ev("UID:a", "SUMMARY:W", "DTSTART;TZID=W. Europe Standard Time:20260316T090000", "DTEND;TZID=W. Europe Standard Time:20260316T100000")),
		want: []string{"03-16 08:00-09:00"},
	},
	{
		name: "zone names are case-insensitive, quoted and vendor-prefixed",
		data: ics(
			ev("UID:a", "DTSTART;TZID=europe/berlin:20260316T090000", "DURATION:PT1H"),
			ev("UID:b", `DTSTART;TZID="/mozilla.org/20050126_1/America/New_York":20260317T090000`, "DURATION:PT30M"),
			ev("UID:c", "DTSTART;TZID=eastern standard time:20260318T090000", "DURATION:PT30M")),
		want: []string{"03-16 08:00-09:00", "03-17 13:00-13:30", "03-18 13:00-13:30"},
	},
	{
		name: "unknown zone resolved from the file's VTIMEZONE rules",
		data: ics("BEGIN:VTIMEZONE", "TZID:Customized Time Zone", "BEGIN:STANDARD", "DTSTART:16010101T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100",
			"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "END:STANDARD", "BEGIN:DAYLIGHT", "DTSTART:16010101T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
			"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT", "END:VTIMEZONE",
			ev("UID:a", "DTSTART;TZID=Customized Time Zone:20260316T090000", "DTEND;TZID=Customized Time Zone:20260316T100000", "RRULE:FREQ=WEEKLY;COUNT=3")),
		window: Interval{Start: utcDay(2026, 3, 16), End: utcDay(2026, 4, 6)},
		// 29 March 2026 is the last Sunday of March: from then on 09:00 is 07:00Z.
		want: []string{"03-16 08:00-09:00", "03-23 08:00-09:00", "03-30 07:00-08:00"},
	},
	{
		name: "VTIMEZONE with X-LIC-LOCATION",
		data: ics("BEGIN:VTIMEZONE", "TZID:My Zone", "X-LIC-LOCATION:America/New_York", "BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:+0000", "TZOFFSETTO:+0000", "END:STANDARD", "END:VTIMEZONE",
			ev("UID:a", "DTSTART;TZID=My Zone:20260316T090000", "DURATION:PT1H")),
		want: []string{"03-16 13:00-14:00"},
	},
	{
		name:        "unknown zone without VTIMEZONE skips the event",
		data:        ics(ev("UID:a", "SUMMARY:Lost", "DTSTART;TZID=Mars/Olympus:20260316T090000", "DURATION:PT1H"), ev("UID:b", "DTSTART:20260316T120000Z", "DURATION:PT1H")),
		want:        []string{"03-16 12:00-13:00"},
		wantSkipped: []string{`unknown time zone "Mars/Olympus"`},
	},
	{
		name: "X-WR-TIMEZONE: floating times and UTC series follow the calendar zone",
		data: ics("X-WR-TIMEZONE:America/New_York",
			ev("UID:a", "DTSTART:20260316T090000", "DURATION:PT1H"),
			// 13:00Z is 09:00 EDT; after the US change on 8 March the wall clock is kept.
			ev("UID:b", "DTSTART:20260302T140000Z", "DURATION:PT30M", "RRULE:FREQ=WEEKLY;COUNT=3")),
		window: Interval{Start: utcDay(2026, 3, 1), End: utcDay(2026, 3, 23)},
		want:   []string{"03-02 14:00-14:30", "03-09 13:00-13:30", "03-16 13:00-13:30", "03-16 13:00-14:00"},
	},
	{
		name: "floating time uses the injected location",
		data: ics(ev("UID:a", "DTSTART:20260316T090000", "DTEND:20260316T093000")),
		opts: Options{Location: newYork},
		want: []string{"03-16 13:00-13:30"},
	},
	{
		name: "comma-separated EXDATE and RDATE",
		data: ics(ev("UID:a", "DTSTART:20260316T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=5",
			"EXDATE:20260317T090000Z,20260319T090000Z", "RDATE:20260321T150000Z,20260322T150000Z")),
		want: []string{"03-16 09:00-10:00", "03-18 09:00-10:00", "03-20 09:00-10:00", "03-21 15:00-16:00", "03-22 15:00-16:00"},
	},
	{
		name: "date-only EXDATE on a timed series removes that day",
		data: ics(ev("UID:a", "DTSTART;TZID=Europe/Berlin:20260316T090000", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=3", "EXDATE;VALUE=DATE:20260317")),
		want: []string{"03-16 08:00-09:00", "03-18 08:00-09:00"},
	},
	{
		name: "RECURRENCE-ID override: highest SEQUENCE wins whatever the order",
		data: ics(
			ev("UID:s", "SEQUENCE:0", "DTSTART:20260316T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=3"),
			ev("UID:s", "SEQUENCE:3", "RECURRENCE-ID:20260317T090000Z", "DTSTART:20260317T140000Z", "DURATION:PT1H"),
			ev("UID:s", "SEQUENCE:2", "RECURRENCE-ID:20260317T090000Z", "DTSTART:20260317T120000Z", "DURATION:PT1H")),
		want: []string{"03-16 09:00-10:00", "03-17 14:00-15:00", "03-18 09:00-10:00"},
	},
	{
		name: "cancelled override removes one occurrence from busy time",
		data: ics(
			ev("UID:s", "SUMMARY:Sync", "DTSTART:20260316T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=2"),
			ev("UID:s", "SUMMARY:Sync", "RECURRENCE-ID:20260317T090000Z", "DTSTART:20260317T090000Z", "DURATION:PT1H", "STATUS:CANCELLED")),
		want:        []string{"03-16 09:00-10:00"},
		wantSkipped: []string{"cancelled"},
	},
	{
		name:        "missing DTEND on a timed event is zero length; on a date it is one day",
		data:        ics(ev("UID:a", "SUMMARY:Ping", "DTSTART:20260316T090000Z"), ev("UID:b", "SUMMARY:Holiday", "DTSTART;VALUE=DATE:20260317")),
		wantSkipped: []string{"zero duration", "all-day event"},
	},
	{
		name: "all-day events block only when asked",
		data: ics(ev("UID:b", "SUMMARY:Offsite", "DTSTART;VALUE=DATE:20260317", "DTEND;VALUE=DATE:20260319")),
		opts: Options{AllDayBusy: true},
		want: []string{"03-17 00:00-00:00"},
	},
	{
		name: "free events: transparent, Outlook FREE, declined by me",
		data: ics(
			ev("UID:1", "SUMMARY:Focus", "DTSTART:20260316T090000Z", "DURATION:PT1H", "TRANSP:TRANSPARENT"),
			ev("UID:2", "SUMMARY:FYI", "DTSTART:20260316T110000Z", "DURATION:PT1H", "X-MICROSOFT-CDO-BUSYSTATUS:FREE"),
			ev("UID:3", "SUMMARY:Town hall", "DTSTART:20260316T130000Z", "DURATION:PT1H", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:boss@example.org", "ATTENDEE;CN=Me;PARTSTAT=DECLINED:MAILTO:Me@Example.ORG"),
			ev("UID:4", "SUMMARY:Someone else declined", "DTSTART:20260316T150000Z", "DURATION:PT1H", "ATTENDEE;PARTSTAT=DECLINED:mailto:other@example.org")),
		opts:        Options{Addresses: []string{"me@example.org"}},
		want:        []string{"03-16 15:00-16:00"},
		wantSkipped: []string{"TRANSP:TRANSPARENT", "BUSYSTATUS:FREE", "declined by you"},
	},
	{
		name: "long-running daily series is fast-forwarded, not cut",
		data: ics(ev("UID:a", "DTSTART;TZID=Europe/Berlin:19900101T080000", "DURATION:PT15M", "RRULE:FREQ=DAILY;BYDAY=MO,TU")),
		want: []string{"03-16 07:00-07:15", "03-17 07:00-07:15"},
	},
	{
		name:      "hostile SECONDLY rule is cut off with a warning",
		data:      ics(ev("UID:a", "DTSTART:20260316T000000Z", "DURATION:PT1S", "RRULE:FREQ=SECONDLY")),
		opts:      Options{Limits: Limits{MaxInstancesPerSeries: 1000}},
		wantWarn:  "cut off after 1000 instances",
		anyEvents: true,
	},
	{
		name:        "missing END:VEVENT drops only that event",
		data:        ics("BEGIN:VEVENT", "UID:a", "SUMMARY:Broken", "DTSTART:20260316T090000Z", ev("UID:b", "DTSTART:20260316T120000Z", "DURATION:PT1H")),
		want:        []string{"03-16 12:00-13:00"},
		wantSkipped: []string{"missing END:VEVENT"},
	},
	{
		name:        "bad date skips the event with its line",
		data:        ics(ev("UID:a", "SUMMARY:Bad", "DTSTART:20261316T090000Z", "DURATION:PT1H")),
		wantSkipped: []string{`DTSTART: invalid date-time "20261316T090000Z"`},
	},
	{
		name:     "broken folding drops the line with a warning",
		data:     ics(ev("UID:a", "DTSTART:20260316T090000Z", "DURATION:PT1H", "DESCRIPTION:first part", "second part without a leading space")),
		want:     []string{"03-16 09:00-10:00"},
		wantWarn: "line 9: malformed content line",
	},
	{
		name:    "not a calendar",
		data:    "hello world\r\n",
		wantErr: "line 1",
	},
	{
		name:    "html page",
		data:    "<!DOCTYPE html><html></html>",
		wantErr: "HTML (or XML) page",
	},
	{
		name:    "huge line",
		data:    ics(ev("UID:a", "DTSTART:20260316T090000Z", "DESCRIPTION:"+strings.Repeat("x", 2000))),
		opts:    Options{Limits: Limits{MaxLineBytes: 1000}},
		wantErr: "longer than 1000 bytes",
	},
}

func TestExpand(t *testing.T) {
	for _, tc := range expandCases {
		t.Run(tc.name, func(t *testing.T) {
			window := tc.window
			if window.End.IsZero() {
				window = weekOfMar16
			}
			opts := tc.opts
			if opts.Location == nil {
				opts.Location = time.UTC
			}
			res, err := Expand([]RawCalendar{{Source: "test.ics", Data: []byte(tc.data)}}, window.Start, window.End, opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "test.ics") {
					t.Fatalf("error = %v, want one naming test.ics and containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Expand: %v", err)
			}
			got := spans(res)
			if !tc.anyEvents && strings.Join(got, ", ") != strings.Join(tc.want, ", ") {
				t.Errorf("events = %v, want %v\nskipped: %+v\nwarnings: %v", got, tc.want, res.Skipped, res.Warnings)
			}
			for _, want := range tc.wantSkipped {
				found := false
				for _, s := range res.Skipped {
					if strings.Contains(s.Reason, want) && s.Source == "test.ics" {
						found = true
					}
				}
				if !found {
					t.Errorf("no skipped event with reason containing %q in %+v", want, res.Skipped)
				}
			}
			if tc.wantWarn != "" && !strings.Contains(strings.Join(res.Warnings, "\n"), tc.wantWarn) {
				t.Errorf("warnings %v lack %q", res.Warnings, tc.wantWarn)
			}
			for i, b := range res.Busy {
				if !b.End.After(b.Start) || i > 0 && !b.Start.After(res.Busy[i-1].End) {
					t.Errorf("busy intervals not merged and ordered: %v", res.Busy)
				}
			}
		})
	}
}

func TestParseErrorsNameLine(t *testing.T) {
	tests := []struct {
		name, data, want string
		line             int
	}{
		{"END without BEGIN", "BEGIN:VCALENDAR\nEND:VEVENT\nEND:VCALENDAR\n", "END:VEVENT does not match", 2},
		{"property outside", "VERSION:2.0\n", "outside any component", 1},
		{"continuation first", " folded\n", "", 1},
		{"nested calendars", "BEGIN:VCALENDAR\nBEGIN:VCALENDAR\n", "inside VCALENDAR", 2},
		{"empty", "", "no BEGIN:VCALENDAR", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseBytes([]byte(tc.data), "x.ics", Limits{})
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if pe.Line != tc.line || !strings.Contains(pe.Error(), tc.want) || pe.Source != "x.ics" {
				t.Errorf("got %v (line %d), want line %d and %q", pe, pe.Line, tc.line, tc.want)
			}
		})
	}
}

func TestLookupZone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Europe/Berlin", "Europe/Berlin"},
		{"EUROPE/BERLIN", "Europe/Berlin"},
		{"W. Europe Standard Time", "Europe/Berlin"},
		{"w. europe standard time", "Europe/Berlin"},
		{"Pacific Standard Time", "America/Los_Angeles"},
		{"Tokyo Standard Time", "Asia/Tokyo"},
		{"/softwarestudio.org/Olson_20011030_5/America/New_York", "America/New_York"},
		{"UTC", "UTC"},
		{"Nowhere/Special", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			l, ok := LookupZone(tc.in)
			if tc.want == "" {
				if ok {
					t.Fatalf("found %v", l)
				}
				return
			}
			if !ok || l.String() != tc.want {
				t.Fatalf("LookupZone(%q) = %v, %v; want %s", tc.in, l, ok, tc.want)
			}
		})
	}
}

func TestGaps(t *testing.T) {
	mon := time.Date(2026, 3, 16, 0, 0, 0, 0, berlin) // a Monday
	at := func(d, h, m int) time.Time { return time.Date(2026, 3, 16+d, h, m, 0, 0, berlin) }
	wh := WorkingHours{Start: 9 * time.Hour, End: 17 * time.Hour, Location: berlin}
	tests := []struct {
		name   string
		busy   []Interval
		window Interval
		wh     WorkingHours
		want   []Interval
	}{
		{
			name:   "free day",
			window: Interval{Start: mon, End: mon.AddDate(0, 0, 1)},
			wh:     wh,
			want:   []Interval{{at(0, 9, 0), at(0, 17, 0)}},
		},
		{
			name:   "meetings split the day, overlapping ones merge, outside hours ignored",
			busy:   []Interval{{at(0, 10, 0), at(0, 11, 0)}, {at(0, 10, 30), at(0, 12, 0)}, {at(0, 7, 0), at(0, 9, 30)}, {at(0, 16, 30), at(0, 19, 0)}},
			window: Interval{Start: mon, End: mon.AddDate(0, 0, 1)},
			wh:     wh,
			want:   []Interval{{at(0, 9, 30), at(0, 10, 0)}, {at(0, 12, 0), at(0, 16, 30)}},
		},
		{
			name:   "weekend skipped, window clips",
			window: Interval{Start: at(4, 15, 0), End: at(7, 10, 0)}, // Friday 15:00 to Monday 10:00
			wh:     wh,
			want:   []Interval{{at(4, 15, 0), at(4, 17, 0)}, {at(7, 9, 0), at(7, 10, 0)}},
		},
		{
			name:   "custom days",
			window: Interval{Start: mon, End: mon.AddDate(0, 0, 7)},
			wh:     WorkingHours{Days: []time.Weekday{time.Saturday}, Start: 10 * time.Hour, End: 12 * time.Hour, Location: berlin},
			want:   []Interval{{at(5, 10, 0), at(5, 12, 0)}},
		},
		{
			name:   "DST day keeps wall-clock hours",
			window: Interval{Start: time.Date(2026, 3, 30, 0, 0, 0, 0, berlin), End: time.Date(2026, 3, 31, 0, 0, 0, 0, berlin)},
			wh:     wh,
			want:   []Interval{{time.Date(2026, 3, 30, 9, 0, 0, 0, berlin), time.Date(2026, 3, 30, 17, 0, 0, 0, berlin)}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Gaps(tc.busy, tc.window, tc.wh)
			if len(got) != len(tc.want) {
				t.Fatalf("gaps = %v, want %v", got, tc.want)
			}
			for i := range got {
				if !got[i].Start.Equal(tc.want[i].Start) || !got[i].End.Equal(tc.want[i].End) {
					t.Errorf("gap %d = %v, want %v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

// TestRulesThatNeverOccur: rrule-go searches such rules up to year 9999; they must be
// skipped with a reason within the calendar's time budget, not hang the reader.
func TestRulesThatNeverOccur(t *testing.T) {
	var evs []string
	for i := 0; i < 30; i++ {
		// Different DTSTARTs defeat the per-calendar cache of verdicts.
		evs = append(evs, ev(fmt.Sprintf("UID:%d", i), "SUMMARY:Never", fmt.Sprintf("DTSTART:202001%02dT000000Z", i+1), "DURATION:PT1H", "RRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30"))
	}
	evs = append(evs, ev("UID:ok", "SUMMARY:Fine", "DTSTART:20260316T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=2"))
	began := time.Now()
	res, err := Expand([]RawCalendar{{Source: "never.ics", Data: []byte(ics(evs...))}}, weekOfMar16.Start, weekOfMar16.End, Options{Location: time.UTC})
	took := time.Since(began)
	if err != nil {
		t.Fatal(err)
	}
	if took > maxExpandTime+time.Second {
		t.Errorf("took %v", took)
	}
	// The good series after them is either expanded or skipped for the time budget.
	fine := strings.Join(spans(res), ",") == "03-16 09:00-10:00,03-17 09:00-10:00"
	never := 0
	for _, s := range res.Skipped {
		if s.Event == "Never" && s.Reason != "" {
			never++
		}
		if s.Event == "Fine" && strings.Contains(s.Reason, "not expanded") {
			fine = true
		}
	}
	if !fine {
		t.Errorf("good series neither expanded nor skipped with a reason: events %v", spans(res))
	}
	if never != 30 {
		t.Errorf("%d of 30 impossible series skipped with a reason: %+v", never, res.Skipped)
	}
}

func TestFloatingRecurrenceIDOnZonedSeries(t *testing.T) {
	data := ics(
		ev("UID:z", "DTSTART;TZID=Europe/Berlin:20260316T090000", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=2"),
		ev("UID:z", "RECURRENCE-ID:20260317T090000", "DTSTART;TZID=Europe/Berlin:20260317T150000", "DURATION:PT1H"))
	res, err := Expand([]RawCalendar{{Source: "t.ics", Data: []byte(data)}}, weekOfMar16.Start, weekOfMar16.End, Options{Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(spans(res), ", "), "03-16 08:00-09:00, 03-17 14:00-15:00"; got != want {
		t.Errorf("events = %s, want %s", got, want)
	}
}
