package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestDailyActivity(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	seedContent(t, s, 2, 1)
	// UTC+5:30: India's offset, a half hour, so quarter-hour buckets matter.
	ist := time.FixedZone("IST", 5*3600+1800)
	n := 0
	record := func(at time.Time, outcome string, secs int) {
		t.Helper()
		n++
		id := fmt.Sprintf("att-%d", n)
		if err := s.StartAttempt(ctx, Attempt{ID: id, LessonID: "lesson-0", Kind: "lesson", StartedAt: at.Add(-time.Minute)}); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishAttempt(ctx, AttemptResult{AttemptID: id, FinishedAt: at, Outcome: outcome, Seconds: secs}); err != nil {
			t.Fatal(err)
		}
	}
	// 2026-03-02 18:20 UTC is 23:50 in IST, 18:40 UTC is 00:10 next day.
	record(time.Date(2026, 3, 2, 18, 20, 0, 0, time.UTC), "completed", 60)
	record(time.Date(2026, 3, 2, 18, 25, 0, 0, time.UTC), "completed", 30)
	record(time.Date(2026, 3, 2, 18, 40, 0, 0, time.UTC), "completed", 120)
	record(time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), "abandoned", 500) // not counted
	record(time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC), "completed", 90)  // before from
	record(time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC), "completed", 45)

	day := func(loc *time.Location, y int, m time.Month, d int) time.Time {
		return time.Date(y, m, d, 0, 0, 0, 0, loc)
	}
	cases := []struct {
		name     string
		from, to time.Time
		loc      *time.Location
		want     []DayActivity
	}{
		{"utc", day(time.UTC, 2026, 2, 20), t0, time.UTC, []DayActivity{
			{day(time.UTC, 2026, 3, 2), 3, 210}, {day(time.UTC, 2026, 3, 4), 1, 45}}},
		{"ist splits at local midnight", day(ist, 2026, 2, 20), t0, ist, []DayActivity{
			{day(ist, 2026, 3, 2), 2, 90}, {day(ist, 2026, 3, 3), 1, 120}, {day(ist, 2026, 3, 4), 1, 45}}},
		{"to is exclusive", day(time.UTC, 2026, 2, 20), day(time.UTC, 2026, 3, 4), time.UTC, []DayActivity{
			{day(time.UTC, 2026, 3, 2), 3, 210}}},
		{"empty range", day(time.UTC, 2025, 1, 1), day(time.UTC, 2025, 2, 1), time.UTC, []DayActivity{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.DailyActivity(ctx, tc.from, tc.to, tc.loc)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if !got[i].Day.Equal(tc.want[i].Day) || got[i].Completed != tc.want[i].Completed || got[i].Seconds != tc.want[i].Seconds {
					t.Fatalf("day %d: got %+v, want %+v", i, got[i], tc.want[i])
				}
			}
			if got == nil {
				t.Fatal("nil slice: callers range over it and JSON shows null")
			}
		})
	}
}
