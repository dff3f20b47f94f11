package calendar

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Multi reads several sources as one (a user's work and personal calendars).
// A failure of any source fails the whole fetch: the scheduler then keeps
// the busy times it last knew rather than planning around a partial day, so
// a calendar that failed to load never lets a pop-up into a meeting. Wrap
// network sources in LastGood (HTTPSource keeps its own copy) so one flaky
// server does not fail every refresh.
type Multi []Source

// Name lists the sources.
func (m Multi) Name() string {
	names := make([]string, len(m))
	for i, s := range m {
		names[i] = s.Name()
	}
	return strings.Join(names, ", ")
}

// Fetch reads every source.
func (m Multi) Fetch(ctx context.Context) ([]RawCalendar, error) {
	return m.fetch(ctx, func(s Source) ([]RawCalendar, error) { return s.Fetch(ctx) })
}

// FetchRange asks range-capable sources for [from, to) only.
func (m Multi) FetchRange(ctx context.Context, from, to time.Time) ([]RawCalendar, error) {
	return m.fetch(ctx, func(s Source) ([]RawCalendar, error) {
		if rs, ok := s.(RangeSource); ok {
			return rs.FetchRange(ctx, from, to)
		}
		return s.Fetch(ctx)
	})
}

func (m Multi) fetch(ctx context.Context, get func(Source) ([]RawCalendar, error)) ([]RawCalendar, error) {
	var all []RawCalendar
	var errs []error
	for _, s := range m {
		raws, err := get(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.Name(), err))
			continue
		}
		all = append(all, raws...)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return all, nil
}
