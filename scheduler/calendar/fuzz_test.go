package calendar

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzParse feeds arbitrary text through parsing, expansion and gap finding: no panic,
// errors name the source, and the busy intervals come out ordered and merged.
func FuzzParse(f *testing.F) {
	for _, tc := range expandCases {
		f.Add([]byte(tc.data))
	}
	seeds, _ := filepath.Glob(filepath.Join("testdata", "seed", "*.ics"))
	if shared, err := filepath.Glob(filepath.Join("..", "..", "..", "shared", "data", "ics", "*", "*.ics")); err == nil {
		seeds = append(seeds, shared...)
	}
	for _, p := range seeds {
		if data, err := os.ReadFile(p); err == nil && len(data) < 64<<10 {
			f.Add(data)
		}
	}
	from := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 60)
	opts := Options{Location: berlin, Addresses: []string{"me@example.org"}, AllDayBusy: true,
		Limits: Limits{MaxInstancesPerSeries: 2000, MaxInstances: 5000, MaxLineBytes: 8 << 10, MaxFileBytes: 1 << 20}}
	f.Fuzz(func(t *testing.T, data []byte) {
		began := time.Now()
		res, err := Expand([]RawCalendar{{Source: "fuzz.ics", Data: data}}, from, to, opts)
		if d := time.Since(began); d > maxExpandTime+8*time.Second { // a hang detector, not a benchmark
			t.Fatalf("took %v", d)
		}
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.ics") {
				t.Fatalf("error does not name the source: %v", err)
			}
			return
		}
		for i, b := range res.Busy {
			if !b.End.After(b.Start) || (i > 0 && !b.Start.After(res.Busy[i-1].End)) {
				t.Fatalf("busy intervals not ordered and merged: %v", res.Busy)
			}
		}
		for _, e := range res.Events {
			if e.End.Before(e.Start) {
				t.Fatalf("event ends before it starts: %+v", e)
			}
		}
		for _, s := range res.Skipped {
			if s.Reason == "" {
				t.Fatalf("skipped without a reason: %+v", s)
			}
		}
		_ = Gaps(res.Busy, Interval{Start: from, End: to}, WorkingHours{Start: 9 * time.Hour, End: 17 * time.Hour, Location: berlin})
	})
}
