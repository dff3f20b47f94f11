package calendar

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

// instance is one occurrence of an event, with the component whose properties apply
// to it (the override for a modified occurrence).
type instance struct {
	start, end time.Time
	allDay     bool
	comp       *ical.Component
	line       int
	source     string
	seq        int // order of emission, to keep sorting stable
}

// dtValue is a parsed DATE or DATE-TIME.
type dtValue struct {
	t        time.Time
	date     bool
	floating bool
	utc      bool
}

// expander holds the state for one parsed document.
type expander struct {
	doc      *Document
	opts     Options
	lim      Limits
	from, to time.Time
	budget   int // rule instances left for this calendar
	deadline time.Time
	insts    []instance
	skipped  []Skipped
	warnings []string
	never    map[string]bool // neverOccurs verdicts by rule and DTSTART wall clock
}

// maxExpandTime bounds the time spent expanding the rules of one calendar.
const maxExpandTime = 2 * time.Second

func (x *expander) skip(c *ical.Component, line int, format string, args ...any) {
	x.skipped = append(x.skipped, Skipped{Event: eventLabel(c), Source: x.doc.Source, Line: line, Reason: fmt.Sprintf(format, args...)})
}

func (x *expander) warn(format string, args ...any) {
	x.warnings = append(x.warnings, fmt.Sprintf("calendar %s: ", x.doc.Source)+fmt.Sprintf(format, args...))
}

// expandDocument returns the occurrences of every VEVENT in doc that overlap [from, to).
func expandDocument(doc *Document, from, to time.Time, opts Options) ([]instance, []Skipped, []string) {
	x := &expander{doc: doc, opts: opts, lim: opts.Limits.withDefaults(), from: from, to: to, never: map[string]bool{}}
	x.budget = x.lim.MaxInstances
	x.deadline = time.Now().Add(maxExpandTime)
	x.skipped = append(x.skipped, doc.Dropped...)
	x.warnings = append(x.warnings, doc.Warnings...)
	for _, cal := range doc.Calendars {
		x.expandCalendar(cal)
	}
	return x.insts, x.skipped, x.warnings
}

// calCtx is per-VCALENDAR state: zones and the default zone from X-WR-TIMEZONE.
type calCtx struct {
	zones *zoneResolver
	xwr   *time.Location
	local *time.Location
}

type series struct {
	masters   []*ical.Component
	overrides []*ical.Component
}

func (x *expander) expandCalendar(cal *ical.Component) {
	cc := &calCtx{zones: newZoneResolver(cal), local: x.opts.location()}
	if p := cal.Props.Get("X-WR-TIMEZONE"); p != nil && strings.TrimSpace(p.Value) != "" {
		if l, err := cc.zones.resolve(strings.TrimSpace(p.Value)); err == nil {
			cc.xwr = l
		} else {
			x.warn("X-WR-TIMEZONE: %v; floating times use the local zone", err)
		}
	}
	var order []string
	groups := map[string]*series{}
	for i, c := range cal.Children {
		if c.Name != ical.CompEvent {
			continue
		}
		uid := ""
		if p := c.Props.Get(ical.PropUID); p != nil {
			uid = strings.TrimSpace(p.Value)
		}
		if uid == "" {
			uid = fmt.Sprintf("\x00no-uid-%d", i) // events without UID stand alone
		}
		g := groups[uid]
		if g == nil {
			g = &series{}
			groups[uid] = g
			order = append(order, uid)
		}
		if c.Props.Get(ical.PropRecurrenceID) != nil {
			g.overrides = append(g.overrides, c)
		} else {
			g.masters = append(g.masters, c)
		}
	}
	for _, uid := range order {
		x.expandSeries(cc, groups[uid])
	}
}

func sequence(c *ical.Component) int {
	if p := c.Props.Get(ical.PropSequence); p != nil {
		if n, err := strconv.Atoi(strings.TrimSpace(p.Value)); err == nil {
			return n
		}
	}
	return 0
}

// occKey identifies an occurrence for RECURRENCE-ID matching: the instant for timed
// values; for DATE values the calendar date.
type occKey struct {
	unix int64
	date int32 // yyyymmdd for DATE values, else 0
}

func keyOf(v dtValue) occKey {
	if v.date {
		y, m, d := v.t.Date()
		return occKey{date: int32(y*10000 + int(m)*100 + d)}
	}
	return occKey{unix: v.t.Unix()}
}

func dayKey(t time.Time) int32 {
	y, m, d := t.Date()
	return int32(y*10000 + int(m)*100 + d)
}

func (x *expander) expandSeries(cc *calCtx, s *series) {
	// Duplicated masters: the highest SEQUENCE wins; equal ones are all kept (they are
	// usually identical copies, which merge into the same busy time).
	masters := s.masters
	if len(masters) > 1 {
		best := sequence(masters[0])
		for _, m := range masters[1:] {
			best = max(best, sequence(m))
		}
		var keep []*ical.Component
		for _, m := range masters {
			if sequence(m) == best {
				keep = append(keep, m)
			}
		}
		masters = keep
	}
	// Overrides: per RECURRENCE-ID the highest SEQUENCE wins, later ones win ties.
	overrides := map[occKey]*ical.Component{}
	dateOverrides := map[int32]*ical.Component{}
	var overrideOrder []occKey
	var masterStart *dtValue
	if len(masters) > 0 {
		if v, err := cc.parseDT(masters[0].Props.Get(ical.PropDateTimeStart)); err == nil {
			masterStart = &v
		}
	}
	for _, o := range s.overrides {
		rid, err := cc.parseDT(o.Props.Get(ical.PropRecurrenceID))
		if err != nil {
			x.skip(o, x.doc.Lines[o], "RECURRENCE-ID: %v", err)
			continue
		}
		if masterStart != nil {
			// A floating RECURRENCE-ID names an occurrence of a zoned series.
			rid = sameZone(rid, masterStart.t, masterStart.date)
		}
		k := keyOf(rid)
		if prev, ok := overrides[k]; ok && sequence(prev) > sequence(o) {
			continue
		} else if !ok {
			overrideOrder = append(overrideOrder, k)
		}
		overrides[k] = o
		dateOverrides[dayKey(rid.t)] = o
	}
	for _, m := range masters {
		x.expandMaster(cc, m, overrides, dateOverrides)
	}
	for _, k := range overrideOrder {
		o := overrides[k]
		start, end, allDay, err := x.eventSpan(cc, o)
		if err != nil {
			x.skip(o, x.doc.Lines[o], "%v", err)
			continue
		}
		x.emit(o, start, end, allDay)
	}
}

func (x *expander) emit(c *ical.Component, start, end time.Time, allDay bool) {
	if !overlaps(start, end, x.from, x.to) {
		return
	}
	x.insts = append(x.insts, instance{start: start, end: end, allDay: allDay, comp: c, line: x.doc.Lines[c], source: x.doc.Source, seq: len(x.insts)})
}

// overlaps mirrors RFC 4791's time-range test: a zero-length event counts when it
// starts inside the window.
func overlaps(start, end, from, to time.Time) bool {
	if !end.After(start) {
		return !start.Before(from) && start.Before(to)
	}
	return start.Before(to) && end.After(from)
}

// eventSpan returns an event's start and end: DTEND, else DTSTART+DURATION, else one
// day for a DATE start and zero length for a DATE-TIME start (RFC 5545 3.6.1).
func (x *expander) eventSpan(cc *calCtx, c *ical.Component) (time.Time, time.Time, bool, error) {
	sp := c.Props.Get(ical.PropDateTimeStart)
	if sp == nil {
		return time.Time{}, time.Time{}, false, fmt.Errorf("no DTSTART")
	}
	start, err := cc.parseDT(sp)
	if err != nil {
		return time.Time{}, time.Time{}, false, fmt.Errorf("DTSTART: %w", err)
	}
	end := start.t
	allDay := start.date
	if ep := c.Props.Get(ical.PropDateTimeEnd); ep != nil {
		e, err := cc.parseDT(ep)
		if err != nil {
			return time.Time{}, time.Time{}, false, fmt.Errorf("DTEND: %w", err)
		}
		end = e.t
		if e.date && !start.date {
			end = time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, start.t.Location())
		}
		if start.date && !e.date {
			allDay = false // a DATE start with a DATE-TIME end: a timed span from midnight
		}
	} else if dp := c.Props.Get(ical.PropDuration); dp != nil {
		d, err := parseDuration(dp.Value)
		if err != nil {
			return time.Time{}, time.Time{}, false, fmt.Errorf("DURATION: %w", err)
		}
		if start.date {
			// RFC 5545 allows only days and weeks with a DATE start; like the python
			// reference, ignore hours, minutes and seconds there.
			d.secs = 0
		}
		end = addDuration(start.t, d)
	} else if start.date {
		end = start.t.AddDate(0, 0, 1)
	}
	if end.Before(start.t) {
		return time.Time{}, time.Time{}, false, fmt.Errorf("DTEND %s is before DTSTART %s", end.Format(time.RFC3339), start.t.Format(time.RFC3339))
	}
	return start.t, end, allDay, nil
}

// icalDuration keeps days apart from seconds: "P1D" is a calendar day, which is 23 or
// 25 hours across a DST change.
type icalDuration struct {
	days int
	secs int64
}

func addDuration(t time.Time, d icalDuration) time.Time {
	if d.days != 0 {
		t = t.AddDate(0, 0, d.days)
	}
	return t.Add(time.Duration(d.secs) * time.Second)
}

func parseDuration(v string) (icalDuration, error) {
	s := strings.ToUpper(strings.TrimSpace(v))
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	} else {
		s = strings.TrimPrefix(s, "+")
	}
	if !strings.HasPrefix(s, "P") || len(s) < 2 {
		return icalDuration{}, fmt.Errorf("invalid duration %q", clip(v))
	}
	s = s[1:]
	var d icalDuration
	inTime := false
	for len(s) > 0 {
		if s[0] == 'T' {
			inTime, s = true, s[1:]
			continue
		}
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i == len(s) || i > 9 {
			return icalDuration{}, fmt.Errorf("invalid duration %q", clip(v))
		}
		n, _ := strconv.Atoi(s[:i])
		unit := s[i]
		s = s[i+1:]
		switch {
		case unit == 'W' && !inTime:
			d.days += 7 * n
		case unit == 'D' && !inTime:
			d.days += n
		case unit == 'H' && inTime:
			d.secs += int64(n) * 3600
		case unit == 'M' && inTime:
			d.secs += int64(n) * 60
		case unit == 'S' && inTime:
			d.secs += int64(n)
		default:
			return icalDuration{}, fmt.Errorf("invalid duration %q", clip(v))
		}
	}
	if d.days > 3660 || d.secs > 3660*86400 {
		return icalDuration{}, fmt.Errorf("duration %q longer than ten years", clip(v))
	}
	if neg {
		d.days, d.secs = -d.days, -d.secs
	}
	return d, nil
}

// parseDT parses a DATE or DATE-TIME property value (the first of a list).
func (cc *calCtx) parseDT(p *ical.Prop) (dtValue, error) {
	if p == nil {
		return dtValue{}, fmt.Errorf("missing")
	}
	v := p.Value
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	return cc.parseDTValue(v, p.Params.Get(ical.PropTimezoneID))
}

func (cc *calCtx) parseDTValue(v, tzid string) (dtValue, error) {
	v = strings.TrimSpace(v)
	switch len(v) {
	case 8:
		y, mo, d, ok := parseDate(v)
		if !ok {
			return dtValue{}, fmt.Errorf("invalid date %q", clip(v))
		}
		return dtValue{t: time.Date(y, time.Month(mo), d, 0, 0, 0, 0, cc.local), date: true, floating: true}, nil
	case 15, 16:
		y, mo, d, ok := parseDate(v[:8])
		h, mi, sec, ok2 := parseClock(v[8:15])
		utc := len(v) == 16
		if !ok || !ok2 || utc && v[15] != 'Z' && v[15] != 'z' {
			return dtValue{}, fmt.Errorf("invalid date-time %q", clip(v))
		}
		out := dtValue{}
		var loc *time.Location
		switch {
		case utc:
			loc, out.utc = time.UTC, true
		case tzid != "":
			l, err := cc.zones.resolve(tzid)
			if err != nil {
				return dtValue{}, err
			}
			loc = l
		case cc.xwr != nil:
			loc = cc.xwr
		default:
			loc, out.floating = cc.local, true
		}
		out.t = time.Date(y, time.Month(mo), d, h, mi, sec, 0, loc)
		if utc && cc.xwr != nil {
			// As python's x-wr-timezone does: UTC times in an X-WR-TIMEZONE calendar
			// recur on that zone's wall clock.
			out.t = out.t.In(cc.xwr)
		}
		return out, nil
	}
	return dtValue{}, fmt.Errorf("invalid date or date-time %q", clip(v))
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// parseDate reads YYYYMMDD, years 1800 to 2500, rejecting days a month does not have.
func parseDate(s string) (y, m, d int, ok bool) {
	y, ok1 := digits(s[:4])
	m, ok2 := digits(s[4:6])
	d, ok3 := digits(s[6:8])
	if !ok1 || !ok2 || !ok3 || y < 1800 || y > 2500 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// parseClock reads THHMMSS (second 60 is allowed for leap seconds and read as 59).
func parseClock(s string) (h, m, sec int, ok bool) {
	if s[0] != 'T' && s[0] != 't' {
		return 0, 0, 0, false
	}
	h, ok1 := digits(s[1:3])
	m, ok2 := digits(s[3:5])
	sec, ok3 := digits(s[5:7])
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || sec > 60 {
		return 0, 0, 0, false
	}
	return h, m, min(sec, 59), true
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// parseDTList parses a comma-separated EXDATE or RDATE value. PERIOD values
// ("start/end" or "start/duration") also return their end.
func (cc *calCtx) parseDTList(p ical.Prop) ([]dtValue, []time.Time, error) {
	var vals []dtValue
	var ends []time.Time
	tzid := p.Params.Get(ical.PropTimezoneID)
	for _, part := range strings.Split(p.Value, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		var endT time.Time
		if i := strings.IndexByte(part, '/'); i >= 0 {
			rest := part[i+1:]
			part = part[:i]
			st, err := cc.parseDTValue(part, tzid)
			if err != nil {
				return nil, nil, err
			}
			if strings.HasPrefix(strings.ToUpper(rest), "P") || strings.HasPrefix(rest, "+") || strings.HasPrefix(rest, "-") {
				d, err := parseDuration(rest)
				if err != nil {
					return nil, nil, err
				}
				endT = addDuration(st.t, d)
			} else {
				e, err := cc.parseDTValue(rest, tzid)
				if err != nil {
					return nil, nil, err
				}
				endT = e.t
			}
			vals = append(vals, st)
			ends = append(ends, endT)
			continue
		}
		v, err := cc.parseDTValue(part, tzid)
		if err != nil {
			return nil, nil, err
		}
		vals = append(vals, v)
		ends = append(ends, time.Time{})
	}
	return vals, ends, nil
}

// expandMaster emits the occurrences of one (possibly recurring) event, leaving out
// EXDATEs and occurrences replaced by an override.
func (x *expander) expandMaster(cc *calCtx, m *ical.Component, overrides map[occKey]*ical.Component, dateOverrides map[int32]*ical.Component) {
	line := x.doc.Lines[m]
	start, end, allDay, err := x.eventSpan(cc, m)
	if err != nil {
		x.skip(m, line, "%v", err)
		return
	}
	var rules []ical.Prop
	for _, rp := range m.Props.Values(ical.PropRecurrenceRule) {
		if strings.TrimSpace(rp.Value) != "" { // "RRULE:" with no value means no rule
			rules = append(rules, rp)
		}
	}
	rdates := m.Props.Values(ical.PropRecurrenceDates)
	if len(rules) == 0 && len(rdates) == 0 {
		if _, replaced := overrides[keyOf(dtValue{t: start, date: allDay})]; replaced {
			return
		}
		x.emit(m, start, end, allDay)
		return
	}
	dur := end.Sub(start)
	exact := map[int64]bool{}
	exDays := map[int32]bool{}
	for _, p := range m.Props.Values(ical.PropExceptionDates) {
		vals, _, err := cc.parseDTList(p)
		if err != nil {
			x.skip(m, line, "EXDATE: %v", err)
			return
		}
		for _, v := range vals {
			v = sameZone(v, start, allDay)
			if v.date {
				// A DATE EXDATE on a timed series removes that day's occurrences.
				exDays[dayKey(v.t)] = true
			} else {
				exact[v.t.Unix()] = true
			}
		}
	}
	type occ struct {
		start time.Time
		end   time.Time // zero: start+duration
	}
	var occs []occ
	occs = append(occs, occ{start: start}) // DTSTART is always the first occurrence
	for _, p := range rdates {
		vals, ends, err := cc.parseDTList(p)
		if err != nil {
			x.skip(m, line, "RDATE: %v", err)
			return
		}
		for i, v := range vals {
			v = sameZone(v, start, allDay)
			t := v.t
			if allDay && !v.date {
				t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, start.Location())
			}
			occs = append(occs, occ{start: t, end: ends[i]})
		}
	}
	seenRule := map[string]bool{}
	for _, rp := range rules {
		if seenRule[rp.Value] {
			continue
		}
		seenRule[rp.Value] = true
		if time.Now().After(x.deadline) {
			x.skip(m, line, "not expanded: expanding this calendar's rules took longer than %v", maxExpandTime)
			return
		}
		if x.budget <= 0 {
			x.skip(m, line, "not expanded: the calendar reached its limit of %d rule instances", x.lim.MaxInstances)
			return
		}
		ro, warn, err := parseRule(rp.Value, start, allDay)
		if err != nil {
			x.skip(m, line, "RRULE: %v", err)
			return
		}
		if warn != "" {
			x.warn("line %d: %s: RRULE: %s", line, eventLabel(m), warn)
		}
		// rrule-go works on wall-clock fields and builds each result with time.Date in
		// DTSTART's zone; its year-1 time set makes every zone lookup walk the whole
		// transition table. Running it on the same wall clock in UTC and placing each
		// result in the zone afterwards gives the same occurrences, several times faster.
		loc := start.Location()
		ro.Dtstart = wallUTC(ro.Dtstart, loc)
		ruleKey := rp.Value + "|" + ro.Dtstart.Format("20060102T150405")
		if !ro.Until.IsZero() {
			ro.Until = wallUTC(ro.Until, loc)
		}
		from := x.from.Add(-dur)
		fastForward(ro, wallUTC(from, loc))
		r, err := rrule.NewRRule(*ro)
		if err != nil {
			x.skip(m, line, "RRULE: %v", err)
			return
		}
		never, seen := x.never[ruleKey]
		if !seen {
			never = neverOccurs(*ro)
			x.never[ruleKey] = never
		}
		if never {
			x.skip(m, line, "RRULE %q never occurs (its BY-parts never match)", clip(rp.Value))
			continue
		}
		next := r.Iterator()
		n := 0
		// Wall-clock bounds, two days wide of any zone offset, to skip occurrences far
		// before the window without placing them in the zone.
		early := wallUTC(from, loc).Add(-48 * time.Hour)
		for {
			if n >= x.lim.MaxInstancesPerSeries || x.budget <= 0 {
				x.warn("line %d: %s: recurrence cut off after %d instances (limit %d per series, %d per calendar)",
					line, eventLabel(m), n, x.lim.MaxInstancesPerSeries, x.lim.MaxInstances)
				break
			}
			if n&63 == 63 && time.Now().After(x.deadline) {
				x.warn("line %d: %s: recurrence cut off: expanding took longer than %v", line, eventLabel(m), maxExpandTime)
				break
			}
			t, ok := next()
			if ok && t.Before(early) {
				n++
				x.budget--
				continue
			}
			if ok && loc != time.UTC {
				t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc)
			}
			if !ok || !t.Before(x.to) {
				break
			}
			n++
			x.budget--
			if t.Before(from) {
				continue
			}
			occs = append(growDouble(occs, 1), occ{start: t})
		}
	}
	slices.SortStableFunc(occs, func(a, b occ) int { return a.start.Compare(b.start) })
	x.insts = growDouble(x.insts, len(occs))
	var last time.Time
	for i, o := range occs {
		if i > 0 && o.start.Equal(last) {
			continue
		}
		last = o.start
		if exact[o.start.Unix()] || exDays[dayKey(o.start)] {
			continue
		}
		if _, ok := overrides[keyOf(dtValue{t: o.start, date: allDay})]; ok {
			continue
		}
		if allDay {
			// An override written with a DATE-TIME RECURRENCE-ID for a DATE series.
			if _, ok := dateOverrides[dayKey(o.start)]; ok {
				continue
			}
		}
		e := o.end
		if e.IsZero() {
			if allDay {
				e = o.start.AddDate(0, 0, int((dur+12*time.Hour)/(24*time.Hour)))
			} else {
				e = o.start.Add(dur)
			}
		}
		x.emit(m, o.start, e, allDay)
	}
}

// neverOccurs tells whether a rule's BY-parts can never match
// (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30). rrule-go would search such a rule period by
// period up to year 9999, up to half a second of CPU that cannot be interrupted. The
// Gregorian calendar, weekdays included, repeats every 400 years, so the probe runs a
// copy moved by whole periods to 9599 and lets rrule-go give up at 9999: at most 400
// years of search. (A rule that can match only less often than once in 400 years, by
// combining a large INTERVAL with rare dates, is also reported as never occurring.)
func neverOccurs(o rrule.ROption) bool {
	simple := len(o.Bymonth)+len(o.Bymonthday)+len(o.Byyearday)+len(o.Byweekno)+len(o.Bysetpos)+len(o.Byeaster) == 0
	for _, w := range o.Byweekday {
		if w.N() != 0 {
			simple = false
		}
	}
	if simple {
		return false
	}
	p := o
	p.Count, p.Until = 0, time.Time{}
	fastForward(&p, time.Date(9599, 1, 1, 0, 0, 0, 0, time.UTC))
	r, err := rrule.NewRRule(p)
	if err != nil {
		return false
	}
	_, ok := r.Iterator()()
	return !ok
}

// parseRule turns an RRULE value into rrule-go options, handling what rrule-go does
// not: lower case, empty parts, X- parts, a negative COUNT, and an UNTIL whose type
// differs from DTSTART's.
func parseRule(value string, start time.Time, allDay bool) (*rrule.ROption, string, error) {
	v := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(value)), "RRULE:")
	var keep []string
	var until string
	var warn []string
	for _, part := range strings.Split(v, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			return nil, "", fmt.Errorf("malformed part %q", clip(part))
		}
		switch k {
		case "UNTIL":
			until = val
		case "FREQ", "INTERVAL", "WKST", "COUNT", "BYSETPOS", "BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYDAY", "BYHOUR", "BYMINUTE", "BYSECOND":
			keep = append(keep, k+"="+val)
		default:
			warn = append(warn, "ignored "+clip(k))
		}
	}
	ro, err := rrule.StrToROption(strings.Join(keep, ";"))
	if err != nil {
		return nil, "", err
	}
	if ro.Count < 0 {
		ro.Count = 0
		warn = append(warn, "ignored negative COUNT")
	}
	if ro.Interval < 0 {
		return nil, "", fmt.Errorf("negative INTERVAL")
	}
	ro.Dtstart = start
	if until != "" {
		u, err := parseUntil(until, start, allDay)
		if err != nil {
			return nil, "", err
		}
		ro.Until = u
	}
	return ro, strings.Join(warn, ", "), nil
}

func parseUntil(v string, start time.Time, allDay bool) (time.Time, error) {
	loc := start.Location()
	switch {
	case len(v) == 8:
		t, err := time.ParseInLocation("20060102", v, loc)
		if err != nil {
			return time.Time{}, fmt.Errorf("invalid UNTIL %q", clip(v))
		}
		if !allDay {
			// A DATE UNTIL on a timed series is invalid (RFC 5545 3.3.10); read it as
			// 00:00 UTC of that day, as the python reference (dateutil) does.
			t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		}
		return t, nil
	case len(v) == 16 && v[15] == 'Z':
		t, err := time.ParseInLocation("20060102T150405", v[:15], time.UTC)
		if err != nil {
			return time.Time{}, fmt.Errorf("invalid UNTIL %q", clip(v))
		}
		if allDay {
			// A DATE-TIME UNTIL on a DATE series: keep the day it falls on.
			t = t.In(loc)
			t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
		}
		return t, nil
	case len(v) == 15:
		t, err := time.ParseInLocation("20060102T150405", v, loc)
		if err != nil {
			return time.Time{}, fmt.Errorf("invalid UNTIL %q", clip(v))
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("invalid UNTIL %q", clip(v))
}

// fastForward moves DTSTART of a rule without COUNT forward by whole periods to just
// before target, so a daily series that began years ago costs a few iterations, not
// thousands. Defaults that rrule-go derives from DTSTART are made explicit first, so
// the occurrences from target on are unchanged.
func fastForward(o *rrule.ROption, target time.Time) {
	if o.Count != 0 {
		return
	}
	d := o.Dtstart
	loc := d.Location()
	t := target.In(loc)
	if !d.Before(t) {
		return
	}
	iv := max(o.Interval, 1)
	noDay := len(o.Byweekno) == 0 && len(o.Byyearday) == 0 && len(o.Bymonthday) == 0 && len(o.Byweekday) == 0 && len(o.Byeaster) == 0
	if noDay {
		switch o.Freq {
		case rrule.YEARLY:
			if len(o.Bymonth) == 0 {
				o.Bymonth = []int{int(d.Month())}
			}
			o.Bymonthday = []int{d.Day()}
		case rrule.MONTHLY:
			o.Bymonthday = []int{d.Day()}
		case rrule.WEEKLY:
			o.Byweekday = []rrule.Weekday{weekdays[d.Weekday()]}
		}
	}
	if o.Freq < rrule.HOURLY && len(o.Byhour) == 0 {
		o.Byhour = []int{d.Hour()}
	}
	if o.Freq < rrule.MINUTELY && len(o.Byminute) == 0 {
		o.Byminute = []int{d.Minute()}
	}
	if o.Freq < rrule.SECONDLY && len(o.Bysecond) == 0 {
		o.Bysecond = []int{d.Second()}
	}
	var ns time.Time
	switch o.Freq {
	case rrule.YEARLY:
		k := (t.Year() - d.Year() - 1) / iv
		if k <= 0 {
			return
		}
		ns = time.Date(d.Year()+k*iv, 1, 1, 0, 0, 0, 0, loc)
	case rrule.MONTHLY:
		months := (t.Year()*12 + int(t.Month())) - (d.Year()*12 + int(d.Month())) - 1
		k := months / iv
		if k <= 0 {
			return
		}
		ns = time.Date(d.Year(), d.Month()+time.Month(k*iv), 1, 0, 0, 0, 0, loc)
	default:
		unit := map[rrule.Frequency]int64{rrule.WEEKLY: 7 * 86400, rrule.DAILY: 86400, rrule.HOURLY: 3600, rrule.MINUTELY: 60, rrule.SECONDLY: 1}[o.Freq]
		if unit == 0 {
			return
		}
		naive := func(x time.Time) int64 {
			return time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), 0, time.UTC).Unix()
		}
		step := unit * int64(iv)
		k := (naive(t)-naive(d))/step - 1
		if k <= 0 {
			return
		}
		nn := time.Unix(naive(d)+k*step, 0).UTC()
		ns = time.Date(nn.Year(), nn.Month(), nn.Day(), nn.Hour(), nn.Minute(), nn.Second(), 0, loc)
		if ns.Hour() != nn.Hour() || ns.Minute() != nn.Minute() || ns.Day() != nn.Day() {
			return // landed in a DST gap: the grid would shift, so do not skip ahead
		}
	}
	if !ns.After(d) {
		return
	}
	o.Dtstart = ns
}

var weekdays = map[time.Weekday]rrule.Weekday{
	time.Monday: rrule.MO, time.Tuesday: rrule.TU, time.Wednesday: rrule.WE, time.Thursday: rrule.TH,
	time.Friday: rrule.FR, time.Saturday: rrule.SA, time.Sunday: rrule.SU,
}

// sameZone reads a floating EXDATE or RDATE on a zoned timed series in the series' zone,
// as RFC 5545 expects these values to have DTSTART's type.
func sameZone(v dtValue, start time.Time, allDay bool) dtValue {
	if v.floating && !v.date && !allDay {
		t := v.t
		v.t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, start.Location())
	}
	return v
}

// wallUTC returns t's wall clock in loc as a UTC time.
func wallUTC(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// growDouble makes room for n more elements, at least doubling the capacity when it
// grows: append alone grows large slices by 1.25x, copying a large result five times.
func growDouble[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	return slices.Grow(s, max(n, cap(s)))
}
