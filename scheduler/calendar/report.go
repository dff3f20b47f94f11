package calendar

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// ReportOptions are Options plus the working hours that gaps are computed in.
type ReportOptions struct {
	Options
	// WorkingHours for Gaps; the zero value means DefaultWorkingHours in Location.
	WorkingHours WorkingHours
}

// Report fetches src and reads it over [from, to): what `tidbit calendar SOURCE`
// prints. Result.Gaps holds the free spans inside working hours.
func Report(ctx context.Context, src Source, from, to time.Time, opts ReportOptions) (Result, error) {
	var raws []RawCalendar
	var err error
	if rs, ok := src.(RangeSource); ok {
		raws, err = rs.FetchRange(ctx, from, to)
	} else {
		raws, err = src.Fetch(ctx)
	}
	if err != nil {
		return Result{From: from, To: to, Busy: []Interval{}, Events: []Event{}, Skipped: []Skipped{}}, err
	}
	res, err := Expand(raws, from, to, opts.Options)
	if err != nil {
		return res, err
	}
	wh := opts.WorkingHours
	if wh.End == 0 && wh.Start == 0 {
		wh = DefaultWorkingHours()
	}
	if wh.Location == nil {
		wh.Location = opts.location()
	}
	res.Gaps = Gaps(res.Busy, Interval{Start: from, End: to}, wh)
	return res, nil
}

// WriteText prints a Result for people: busy times with their events, free gaps,
// skipped events with reasons, and warnings. Times are shown in loc (nil: time.Local).
func WriteText(w io.Writer, res Result, loc *time.Location) error {
	if loc == nil {
		loc = time.Local
	}
	const layout = "Mon 2006-01-02 15:04"
	span := func(iv Interval) string {
		s, e := iv.Start.In(loc), iv.End.In(loc)
		if s.YearDay() == e.YearDay() && s.Year() == e.Year() {
			return s.Format(layout) + "–" + e.Format("15:04")
		}
		return s.Format(layout) + " – " + e.Format(layout)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Calendar from %s to %s (%s)\n\n", res.From.In(loc).Format(layout), res.To.In(loc).Format(layout), loc)
	fmt.Fprintf(tw, "Busy (%d):\n", len(res.Busy))
	for _, b := range res.Busy {
		var titles []string
		for _, e := range res.Events {
			if e.Start.Before(b.End) && e.End.After(b.Start) {
				titles = append(titles, e.Title)
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\n", span(b), strings.Join(titles, "; "))
	}
	if res.Gaps != nil {
		fmt.Fprintf(tw, "\nFree inside working hours (%d):\n", len(res.Gaps))
		for _, g := range res.Gaps {
			fmt.Fprintf(tw, "  %s\t%d min\n", span(g), int(g.End.Sub(g.Start).Minutes()))
		}
	}
	if len(res.Skipped) > 0 {
		fmt.Fprintf(tw, "\nNot counted as busy (%d):\n", len(res.Skipped))
		for _, s := range res.Skipped {
			when := ""
			if s.Start != nil {
				when = s.Start.In(loc).Format(layout)
			}
			where := s.Source
			if s.Line > 0 {
				where = fmt.Sprintf("%s:%d", s.Source, s.Line)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", when, s.Event, s.Reason, where)
		}
	}
	if len(res.Warnings) > 0 {
		fmt.Fprintf(tw, "\nWarnings (%d):\n", len(res.Warnings))
		for _, m := range res.Warnings {
			fmt.Fprintf(tw, "  %s\n", m)
		}
	}
	return tw.Flush()
}
