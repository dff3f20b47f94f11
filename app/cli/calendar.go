package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tidbit-learn/tidbit/scheduler/calendar"
)

func (c *cli) calendarCmd() *cobra.Command {
	var from, to, addresses string
	var asJSON, allDay bool
	cmd := &cobra.Command{
		Use:   "calendar SOURCE",
		Short: "Show how Tidbit reads a calendar: busy times, free gaps, skipped events",
		Long: `Reads one calendar and prints its busy times, the free gaps inside working
hours, and every event that does not count as busy, with the reason, so you
can check what Tidbit will see. SOURCE is one of:

  a path to an .ics file
  a subscription URL (https://... or webcal://..., as Outlook, Google and
    Apple publish them); the last good copy is kept in the cache folder
  a CalDAV account: caldav+https://user@server/ (password in
    TIDBIT_CALDAV_PASSWORD); calendars are discovered automatically

An event blocks time unless it is shown as free, cancelled, or declined by you
(--addresses). All-day events do not block unless --all-day-busy is given.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			loc := c.Loc
			start, end, err := calendarWindow(from, to, c.Now(), loc)
			if err != nil {
				return usageError{err}
			}
			p, err := c.paths()
			if err != nil {
				return err
			}
			if err := p.Ensure(); err != nil {
				return err
			}
			src, err := calendar.SourceFor(args[0], calendar.SourceOptions{CacheDir: filepath.Join(p.Cache, "calendars"), Getenv: c.Env.Getenv})
			if err != nil {
				return err
			}
			// A calendar read must never hang the command: subscriptions and
			// CalDAV get a minute in all.
			ctx, cancel := context.WithTimeout(cmd.Context(), time.Minute)
			defer cancel()
			opts := calendar.ReportOptions{Options: calendar.Options{Location: loc, AllDayBusy: allDay}}
			for _, a := range strings.Split(addresses, ",") {
				if a = strings.TrimSpace(a); a != "" {
					opts.Addresses = append(opts.Addresses, a)
				}
			}
			res, err := calendar.Report(ctx, src, start, end, opts)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(c.Out, res)
			}
			return calendar.WriteText(c.Out, res, loc)
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "first day, YYYY-MM-DD (default: today)")
	cmd.Flags().StringVar(&to, "to", "", "day after the last, YYYY-MM-DD (default: a week after --from)")
	cmd.Flags().StringVar(&addresses, "addresses", "", "your e-mail addresses, comma-separated: events you declined do not block")
	cmd.Flags().BoolVar(&allDay, "all-day-busy", false, "count all-day events as busy")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON: busy, gaps, events, and skipped events with their reasons")
	return cmd
}

// calendarWindow turns --from and --to into [start, end) in loc.
func calendarWindow(from, to string, now time.Time, loc *time.Location) (time.Time, time.Time, error) {
	local := now.In(loc)
	start := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	if from != "" {
		d, err := time.ParseInLocation(time.DateOnly, from, loc)
		if err != nil {
			return start, start, fmt.Errorf("--from %q: use YYYY-MM-DD", from)
		}
		start = d
	}
	end := start.AddDate(0, 0, 7)
	if to != "" {
		d, err := time.ParseInLocation(time.DateOnly, to, loc)
		if err != nil {
			return start, end, fmt.Errorf("--to %q: use YYYY-MM-DD", to)
		}
		end = d
	}
	if !end.After(start) {
		return start, end, fmt.Errorf("--to must be after --from")
	}
	if end.Sub(start) > 366*24*time.Hour {
		return start, end, fmt.Errorf("a window of at most a year, please")
	}
	return start, end, nil
}
