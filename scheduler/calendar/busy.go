package calendar

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// Options say whose calendar this is and how to read it.
type Options struct {
	// Location is the user's zone, used for floating times and all-day dates;
	// nil means time.Local.
	Location *time.Location
	// Addresses are the user's e-mail addresses: an event they declined does not block.
	Addresses []string
	// AllDayBusy makes all-day events block time (by default they do not: holidays,
	// birthdays and "working from home" markers are all-day).
	AllDayBusy bool
	Limits     Limits
}

func (o Options) location() *time.Location {
	if o.Location != nil {
		return o.Location
	}
	return time.Local
}

// Interval is a half-open span of time [Start, End).
type Interval struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Event is one occurrence that blocks time.
type Event struct {
	Title  string    `json:"title"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	AllDay bool      `json:"all_day,omitempty"`
	Source string    `json:"source"`
	UID    string    `json:"uid,omitempty"`
}

// Skipped is an event (or one occurrence) that does not block time, and why.
type Skipped struct {
	Event  string     `json:"event"`
	Start  *time.Time `json:"start,omitempty"`
	Source string     `json:"source"`
	Line   int        `json:"line,omitempty"`
	Reason string     `json:"reason"`
}

// Result is how a calendar reads over a window.
type Result struct {
	From     time.Time  `json:"from"`
	To       time.Time  `json:"to"`
	Busy     []Interval `json:"busy"`
	Gaps     []Interval `json:"gaps"` // set by Report; nil from Expand
	Events   []Event    `json:"events"`
	Skipped  []Skipped  `json:"skipped"`
	Warnings []string   `json:"warnings,omitempty"`
}

// RawCalendar is calendar text as a Source fetched it.
type RawCalendar struct {
	Source string // name for messages: a path, a URL or a CalDAV href
	Data   []byte
	// Warning is set when Data is not fresh, e.g. the cached copy of a subscription
	// whose refresh failed.
	Warning string
}

// Expand reads raw calendars and returns the events overlapping [from, to), the merged
// busy intervals and every event that does not block, with its reason. A calendar that
// cannot be parsed at all is listed in Skipped; Expand fails only when every one failed.
func Expand(raws []RawCalendar, from, to time.Time, opts Options) (Result, error) {
	res := Result{From: from, To: to, Busy: []Interval{}, Events: []Event{}, Skipped: []Skipped{}}
	if !to.After(from) {
		return res, fmt.Errorf("calendar window: end %s is not after start %s", to.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	var errs []error
	var insts []instance
	for _, raw := range raws {
		if raw.Warning != "" {
			res.Warnings = append(res.Warnings, raw.Warning)
		}
		doc, err := ParseBytes(raw.Data, raw.Source, opts.Limits)
		if err != nil {
			errs = append(errs, err)
			res.Skipped = append(res.Skipped, Skipped{Event: "(whole calendar)", Source: raw.Source, Reason: err.Error()})
			continue
		}
		in, sk, warns := expandDocument(doc, from, to, opts)
		insts = append(insts, in...)
		res.Skipped = append(res.Skipped, sk...)
		res.Warnings = append(res.Warnings, warns...)
	}
	if len(raws) > 0 && len(errs) == len(raws) {
		return res, errors.Join(errs...)
	}
	for i := range insts {
		insts[i].seq = i // calendars were expanded in order; keep it among equal starts
	}
	slices.SortFunc(insts, func(a, b instance) int {
		if c := a.start.Compare(b.start); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	addrs := map[string]bool{}
	for _, a := range opts.Addresses {
		addrs[normalizeAddress(a)] = true
	}
	// Properties are read once per component, not once per occurrence.
	type compInfo struct {
		title, label, uid, reason string
	}
	infos := map[*ical.Component]*compInfo{}
	res.Events = make([]Event, 0, len(insts))
	busy := make([]Interval, 0, len(insts))
	loc := opts.location()
	for _, in := range insts {
		// Results are reported in the user's zone, whatever zone each event was written in.
		in.start, in.end = in.start.In(loc), in.end.In(loc)
		ci := infos[in.comp]
		if ci == nil {
			ci = &compInfo{title: title(in.comp), label: eventLabel(in.comp), reason: componentFreeReason(in.comp, addrs)}
			if p := in.comp.Props.Get(ical.PropUID); p != nil {
				ci.uid = p.Value
			}
			infos[in.comp] = ci
		}
		reason := ci.reason
		if reason == "" {
			reason = instanceFreeReason(in, opts.AllDayBusy)
		}
		if reason != "" {
			st := in.start
			res.Skipped = append(res.Skipped, Skipped{Event: ci.label, Start: &st, Source: in.source, Line: in.line, Reason: reason})
			continue
		}
		res.Events = append(res.Events, Event{Title: ci.title, Start: in.start, End: in.end, AllDay: in.allDay, Source: in.source, UID: ci.uid})
		busy = append(busy, Interval{Start: in.start, End: in.end})
	}
	res.Busy = Merge(busy)
	return res, nil
}

func title(c *ical.Component) string {
	if p := c.Props.Get(ical.PropSummary); p != nil {
		if t, err := p.Text(); err == nil {
			return t
		}
		return p.Value
	}
	return ""
}

func normalizeAddress(a string) string {
	a = strings.ToLower(strings.TrimSpace(a))
	return strings.TrimPrefix(a, "mailto:")
}

// componentFreeReason says why an event does not block time whatever the occurrence,
// or "" when it may.
func componentFreeReason(c *ical.Component, addrs map[string]bool) string {
	if p := c.Props.Get(ical.PropStatus); p != nil && strings.EqualFold(strings.TrimSpace(p.Value), "CANCELLED") {
		return "cancelled (STATUS:CANCELLED)"
	}
	if p := c.Props.Get(ical.PropTransparency); p != nil && strings.EqualFold(strings.TrimSpace(p.Value), "TRANSPARENT") {
		return "shown as free (TRANSP:TRANSPARENT)"
	}
	if p := c.Props.Get("X-MICROSOFT-CDO-BUSYSTATUS"); p != nil && strings.EqualFold(strings.TrimSpace(p.Value), "FREE") {
		return "shown as free (X-MICROSOFT-CDO-BUSYSTATUS:FREE)"
	}
	for _, a := range c.Props.Values(ical.PropAttendee) {
		if addrs[normalizeAddress(a.Value)] && strings.EqualFold(a.Params.Get(ical.ParamParticipationStatus), "DECLINED") {
			return "declined by you (" + normalizeAddress(a.Value) + ")"
		}
	}
	return ""
}

// instanceFreeReason covers what depends on the occurrence itself.
func instanceFreeReason(in instance, allDayBusy bool) string {
	if in.allDay && !allDayBusy {
		return "all-day event (does not block unless all-day events are set to count as busy)"
	}
	if !in.end.After(in.start) {
		return "zero duration"
	}
	return ""
}

// Merge sorts intervals and joins overlapping or touching ones; empty ones are dropped.
func Merge(in []Interval) []Interval {
	out := make([]Interval, 0, len(in))
	for _, iv := range in {
		if iv.End.After(iv.Start) {
			out = append(out, iv)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	merged := out[:0]
	for _, iv := range out {
		if n := len(merged); n > 0 && !iv.Start.After(merged[n-1].End) {
			if iv.End.After(merged[n-1].End) {
				merged[n-1].End = iv.End
			}
			continue
		}
		merged = append(merged, iv)
	}
	return merged
}

// WorkingHours are the times Tidbit may use: the same hours on each working day, as
// wall-clock offsets from midnight in Location (so 9:00 stays 9:00 across DST).
type WorkingHours struct {
	Days     []time.Weekday // empty: Monday to Friday
	Start    time.Duration  // e.g. 9 * time.Hour
	End      time.Duration  // e.g. 17*time.Hour + 30*time.Minute; at most 24h
	Location *time.Location // nil: time.Local
}

// DefaultWorkingHours is Monday to Friday, 9:00 to 17:00, local time.
func DefaultWorkingHours() WorkingHours {
	return WorkingHours{Start: 9 * time.Hour, End: 17 * time.Hour}
}

// Gaps returns the free spans inside window and working hours that no busy interval
// covers, in order. busy need not be merged.
func Gaps(busy []Interval, window Interval, wh WorkingHours) []Interval {
	loc := wh.Location
	if loc == nil {
		loc = time.Local
	}
	days := wh.Days
	if len(days) == 0 {
		days = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	}
	working := map[time.Weekday]bool{}
	for _, d := range days {
		working[d] = true
	}
	merged := Merge(busy)
	gaps := []Interval{}
	if !window.End.After(window.Start) || wh.End <= wh.Start || wh.Start < 0 || wh.End > 24*time.Hour {
		return gaps
	}
	at := func(day time.Time, off time.Duration) time.Time {
		h := int(off / time.Hour)
		m := int((off % time.Hour) / time.Minute)
		s := int((off % time.Minute) / time.Second)
		return time.Date(day.Year(), day.Month(), day.Day(), h, m, s, 0, loc)
	}
	ws := window.Start.In(loc)
	day := time.Date(ws.Year(), ws.Month(), ws.Day(), 0, 0, 0, 0, loc)
	for ; day.Before(window.End); day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc) {
		if !working[day.Weekday()] {
			continue
		}
		s, e := at(day, wh.Start), at(day, wh.End)
		if s.Before(window.Start) {
			s = window.Start
		}
		if e.After(window.End) {
			e = window.End
		}
		if !e.After(s) {
			continue
		}
		cur := s
		for _, b := range merged {
			if !b.End.After(cur) {
				continue
			}
			if !b.Start.Before(e) {
				break
			}
			if b.Start.After(cur) {
				gaps = append(gaps, Interval{Start: cur, End: b.Start})
			}
			cur = b.End
			if !cur.Before(e) {
				break
			}
		}
		if e.After(cur) {
			gaps = append(gaps, Interval{Start: cur, End: e})
		}
	}
	return gaps
}
