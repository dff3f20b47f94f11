package calendar

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

type failing struct{}

func (failing) Name() string { return "down.ics" }
func (failing) Fetch(context.Context) ([]RawCalendar, error) {
	return nil, errors.New("connection refused")
}

type ranged struct{ from, to time.Time }

func (r *ranged) Name() string { return "caldav" }
func (r *ranged) Fetch(context.Context) ([]RawCalendar, error) {
	return nil, errors.New("want FetchRange")
}
func (r *ranged) FetchRange(_ context.Context, from, to time.Time) ([]RawCalendar, error) {
	r.from, r.to = from, to
	return []RawCalendar{{Source: "caldav/work"}}, nil
}

func TestMulti(t *testing.T) {
	a := StaticSource{Label: "a.ics", Calendars: []RawCalendar{{Source: "a.ics"}}}
	r := &ranged{}
	from, to := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	got, err := Multi{a, r}.FetchRange(context.Background(), from, to)
	if err != nil || len(got) != 2 || got[0].Source != "a.ics" || got[1].Source != "caldav/work" {
		t.Fatalf("got %+v, %v", got, err)
	}
	if !r.from.Equal(from) || !r.to.Equal(to) {
		t.Errorf("range source asked for %v-%v", r.from, r.to)
	}
	if n := (Multi{a, r}).Name(); n != "a.ics, caldav" {
		t.Errorf("name %q", n)
	}
	got, err = Multi{a, failing{}}.Fetch(context.Background())
	if err == nil || !strings.Contains(err.Error(), "down.ics: connection refused") || got != nil {
		t.Fatalf("one failed source: got %+v, %v; want the whole fetch to fail", got, err)
	}
}
