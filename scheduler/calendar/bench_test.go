package calendar

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// benchCalendar builds a calendar of n events, of which series are recurring (weekly,
// daily on weekdays, monthly, with Berlin, Windows and UTC zones, begun up to three
// years before the window); the rest are single meetings spread over 2025-2026.
func benchCalendar(n, series int) []byte {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tidbit//bench//EN\r\n")
	rules := []string{"FREQ=WEEKLY;BYDAY=MO,WE", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", "FREQ=MONTHLY;BYDAY=2TU", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "FREQ=DAILY;COUNT=400"}
	zones := []string{"TZID=Europe/Berlin", "TZID=W. Europe Standard Time", ""}
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:bench-%d@tidbit\r\nDTSTAMP:20250101T000000Z\r\nSUMMARY:Meeting %d\r\n", i, i)
		if i < series {
			start := time.Date(2023+i%3, time.Month(1+i%12), 1+i%27, 8+i%9, (i%4)*15, 0, 0, time.UTC)
			z := zones[i%len(zones)]
			if z == "" {
				fmt.Fprintf(&b, "DTSTART:%sZ\r\nDURATION:PT30M\r\n", start.Format("20060102T150405"))
			} else {
				fmt.Fprintf(&b, "DTSTART;%s:%s\r\nDTEND;%s:%s\r\n", z, start.Format("20060102T150405"), z, start.Add(45*time.Minute).Format("20060102T150405"))
			}
			fmt.Fprintf(&b, "RRULE:%s\r\nEXDATE;%s:%s\r\n", rules[i%len(rules)], zones[0], start.AddDate(0, 0, 7).Format("20060102T150405"))
		} else {
			start := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i%730) * 24 * time.Hour).Add(time.Duration(i%10) * time.Hour)
			fmt.Fprintf(&b, "DTSTART:%sZ\r\nDTEND:%sZ\r\n", start.Format("20060102T150405"), start.Add(time.Hour).Format("20060102T150405"))
		}
		b.WriteString("ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.org\r\nEND:VEVENT\r\n")
	}
	b.WriteString("END:VCALENDAR\r\n")
	return []byte(b.String())
}

// BenchmarkExpand5000 is the target: 5,000 events with 500 recurring series
// over a 14-day window in under 50 ms (parse included in "parse+expand").
func BenchmarkExpand5000(b *testing.B) {
	data := benchCalendar(5000, 500)
	from := time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 14)
	opts := Options{Location: berlin, Addresses: []string{"me@example.org"}}
	b.Run("parse+expand", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			res, err := Expand([]RawCalendar{{Source: "bench.ics", Data: data}}, from, to, opts)
			if err != nil || len(res.Busy) == 0 {
				b.Fatalf("%v, %d busy", err, len(res.Busy))
			}
			b.ReportMetric(float64(len(res.Events)), "events")
		}
	})
	doc, err := ParseBytes(data, "bench.ics", Limits{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("expand", func(b *testing.B) {
		for b.Loop() {
			insts, _, _ := expandDocument(doc, from, to, opts)
			if len(insts) == 0 {
				b.Fatal("no instances")
			}
		}
	})
}

// hostileCalendar is about 1 MB of events with FREQ=SECONDLY rules, millions of
// instances in all.
func hostileCalendar() []byte {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//evil//EN\r\n")
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:evil-%d\r\nDTSTART:20260316T000000Z\r\nDURATION:PT1S\r\nRRULE:FREQ=SECONDLY;COUNT=1000000\r\nSUMMARY:x\r\nEND:VEVENT\r\n", i)
	}
	b.WriteString("END:VCALENDAR\r\n")
	return []byte(b.String())
}

// BenchmarkHostileSecondly: the instance caps cut the file off, with warnings, in well
// under a second.
func BenchmarkHostileSecondly(b *testing.B) {
	data := hostileCalendar()
	from := time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 14)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		res, err := Expand([]RawCalendar{{Source: "evil.ics", Data: data}}, from, to, Options{Location: time.UTC})
		if err != nil || len(res.Warnings) == 0 || !strings.Contains(res.Warnings[0], "cut off") {
			b.Fatalf("%v; warnings %v", err, res.Warnings[:min(len(res.Warnings), 1)])
		}
		b.ReportMetric(float64(len(res.Events)), "instances")
	}
}
