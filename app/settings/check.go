package settings

import (
	"context"
	"fmt"
	"time"

	"github.com/tidbit-learn/tidbit/scheduler/calendar"
)

// CheckTimeout bounds a calendar check: a subscription or CalDAV server
// that does not answer must not leave the Check button spinning.
const CheckTimeout = 20 * time.Second

// CheckCalendar reads one source over the next seven days as the scheduler
// would with these settings (addresses, all-day events, working hours) and
// sums it up for a person: "12 events, 3 busy today". It is what the
// Check buttons of Settings and onboarding run, off the UI goroutine.
// o says where the cache is and how the environment is read (a CalDAV
// password may come from it).
func (s Settings) CheckCalendar(ctx context.Context, source string, o calendar.SourceOptions, now time.Time, loc *time.Location) (string, error) {
	if loc == nil {
		loc = time.Local
	}
	src, err := calendar.SourceFor(source, o)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, CheckTimeout)
	defer cancel()
	local := now.In(loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	tomorrow := today.AddDate(0, 0, 1)
	opts := calendar.ReportOptions{Options: s.CalendarOptions(loc)}
	if pol, err := s.Policy(loc); err == nil {
		opts.WorkingHours = pol.WorkingHours
	}
	res, err := calendar.Report(ctx, src, today, today.AddDate(0, 0, 7), opts)
	if ctx.Err() == context.DeadlineExceeded {
		return "", fmt.Errorf("reading %s: no answer within %v", src.Name(), CheckTimeout)
	}
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", src.Name(), err)
	}
	busy := 0
	for _, e := range res.Events {
		if e.Start.Before(tomorrow) && e.End.After(today) {
			busy++
		}
	}
	msg := fmt.Sprintf("%d %s, %d busy today", len(res.Events), plural(len(res.Events), "event", "events"), busy)
	if n := len(res.Warnings); n > 0 {
		msg += fmt.Sprintf(" (%d %s: %s)", n, plural(n, "warning", "warnings"), res.Warnings[0])
	}
	return msg, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
