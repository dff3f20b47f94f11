package calendar

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/teambition/rrule-go"
)

// occurrencesIn lists a rule's occurrences in [from, to) by plain iteration.
func occurrencesIn(t *testing.T, o rrule.ROption, from, to time.Time, limit int) []time.Time {
	t.Helper()
	r, err := rrule.NewRRule(o)
	if err != nil {
		t.Fatal(err)
	}
	var out []time.Time
	next := r.Iterator()
	for i := 0; i < limit; i++ {
		v, ok := next()
		if !ok || !v.Before(to) {
			break
		}
		if !v.Before(from) {
			out = append(out, v)
		}
	}
	return out
}

// TestFastForwardKeepsOccurrences checks that skipping whole periods never changes the
// occurrences inside the window, for random rules of every frequency.
func TestFastForwardKeepsOccurrences(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rules := []string{
		"FREQ=DAILY", "FREQ=DAILY;INTERVAL=3", "FREQ=DAILY;BYDAY=MO,WE,FR", "FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
		"FREQ=WEEKLY;INTERVAL=3;WKST=SU;BYDAY=SU,SA", "FREQ=MONTHLY", "FREQ=MONTHLY;INTERVAL=2", "FREQ=MONTHLY;BYDAY=-1FR",
		"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=YEARLY", "FREQ=YEARLY;INTERVAL=2;BYMONTH=3;BYDAY=-1SU",
		"FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "FREQ=HOURLY;INTERVAL=5", "FREQ=HOURLY;BYHOUR=9,13", "FREQ=MINUTELY;INTERVAL=45;BYHOUR=10",
		"FREQ=DAILY;BYHOUR=8,17;BYMINUTE=15,45",
	}
	zones := []*time.Location{time.UTC, berlin, newYork}
	for _, rs := range rules {
		for i := 0; i < 15; i++ {
			loc := zones[rng.IntN(len(zones))]
			start := time.Date(2000+rng.IntN(20), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), rng.IntN(4)*15, 0, 0, loc)
			from := time.Date(2024+rng.IntN(3), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), 0, 0, 0, time.UTC)
			to := from.AddDate(0, 0, 14)
			base, err := rrule.StrToROption(rs)
			if err != nil {
				t.Fatal(err)
			}
			base.Dtstart = start
			want := occurrencesIn(t, *base, from, to, 5_000_000)
			ff := *base
			fastForward(&ff, from)
			got := occurrencesIn(t, ff, from, to, 100_000)
			if !slices.EqualFunc(got, want, time.Time.Equal) {
				t.Fatalf("%s from %v, window %v: fast-forward (to %v) gives %d occurrences, plain iteration %d\n got %v\nwant %v",
					rs, start, from, ff.Dtstart, len(got), len(want), got, want)
			}
		}
	}
}
