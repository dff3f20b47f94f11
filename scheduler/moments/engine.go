package moments

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/tidbit-learn/tidbit/scheduler/calendar"
)

// Sample is what presence says at one instant. The scheduler fills it from
// scheduler/presence; Signals are the active "not now" signals by name
// ("typing", "do-not-disturb", "fullscreen", "microphone", "locked").
type Sample struct {
	Known     bool          // idle time is known
	Idle      time.Duration // since the last input
	LockKnown bool          // a lock signal exists
	Locked    bool
	Signals   []string
}

// holdSignals block an item and keep it for the next good moment.
var holdSignals = map[string]string{
	"typing":         "typing",
	"do-not-disturb": "do-not-disturb is on",
	"fullscreen":     "a fullscreen window is active",
	"microphone":     "the microphone is in use",
}

// Late is how long after its time a calendar moment may still be offered; a
// later one (the computer slept through it) is withheld as missed.
const Late = 2 * time.Minute

// Snooze lengths the user is offered; SnoozeRestOfDay is passed as 0.
const (
	SnoozeShort     = 15 * time.Minute
	SnoozeHour      = time.Hour
	SnoozeRestOfDay = time.Duration(0)
)

// Outcome is what the user did with an offered item.
type Outcome int

// Outcomes.
const (
	Accepted Outcome = iota
	Dismissed
	Snoozed // see Engine.Snooze
)

// Engine applies the policy. It is not safe for concurrent use: the scheduler
// serializes calls.
type Engine struct {
	cfg Config
	log Log
	loc *time.Location

	// calendar
	busy      []calendar.Interval
	events    []calendar.Event
	calLoaded bool
	calErr    string

	// today
	day        time.Time // midnight of the current day
	count      int
	minutes    int
	lastOffer  time.Time
	considered map[string]bool
	beforeFor  map[int64]string // meeting start (unix) -> before-meeting item offered

	pauseUntil, snoozeUntil time.Time
	held                    *Held
	dismissals              map[Kind]int
	backoffUntil            map[Kind]time.Time
	offered                 map[string]Moment

	// presence tracking
	awaySince  time.Time
	pauseFired bool
	last       Sample
	lastAt     time.Time

	// weekly goal
	excused map[string]string // date -> reason
	done    map[string]int    // ISO week -> accepted items
}

// New returns an Engine; the Config is validated.
func New(cfg Config, log Log) (*Engine, error) {
	cfg.fill()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("moments policy: %w", err)
	}
	if log == nil {
		log = LogFunc(func(Decision) {})
	}
	return &Engine{
		cfg: cfg, log: log, loc: cfg.WorkingHours.Location,
		considered: map[string]bool{}, beforeFor: map[int64]string{},
		dismissals: map[Kind]int{}, backoffUntil: map[Kind]time.Time{},
		offered: map[string]Moment{}, excused: map[string]string{}, done: map[string]int{},
	}, nil
}

// Config returns the filled-in policy.
func (e *Engine) Config() Config { return e.cfg }

// Note logs a policy event that is not a decision about a moment.
func (e *Engine) Note(now time.Time, format string, args ...any) { e.note(now, format, args...) }

func (e *Engine) note(now time.Time, format string, args ...any) {
	e.log.Record(Decision{At: now, Reason: fmt.Sprintf(format, args...)})
}

func (e *Engine) midnight(t time.Time) time.Time {
	t = t.In(e.loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, e.loc)
}

func (e *Engine) at(day time.Time, off time.Duration) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, e.loc).Add(off)
}

func (e *Engine) workingDay(t time.Time) bool {
	wd := t.In(e.loc).Weekday()
	for _, d := range e.cfg.WorkingHours.Days {
		if d == wd {
			return true
		}
	}
	return false
}

// workBounds returns today's working hours (zero times on a day off).
func (e *Engine) workBounds(t time.Time) (time.Time, time.Time, bool) {
	if !e.workingDay(t) {
		return time.Time{}, time.Time{}, false
	}
	d := e.midnight(t)
	return e.at(d, e.cfg.WorkingHours.Start), e.at(d, e.cfg.WorkingHours.End), true
}

func (e *Engine) sinceMidnight(t time.Time) time.Duration {
	t = t.In(e.loc)
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute + time.Duration(t.Second())*time.Second
}

// rollover starts a new day: the budget resets, nothing else does (a hold or
// a pause carries over).
func (e *Engine) rollover(now time.Time) {
	d := e.midnight(now)
	if d.Equal(e.day) {
		return
	}
	first := e.day.IsZero()
	e.day = d
	e.count, e.minutes = 0, 0
	e.considered = map[string]bool{}
	e.beforeFor = map[int64]string{}
	if !first {
		e.note(now, "new day: daily budget reset (%d pop-ups, %d minutes)", e.cfg.MaxPerDay, e.cfg.MaxMinutes)
	}
	e.judgeDay(now)
}

// NewDay is the daily job's entry: it resets the budget if the day changed.
func (e *Engine) NewDay(now time.Time) { e.rollover(now) }

// SetCalendar takes a freshly read calendar.
func (e *Engine) SetCalendar(now time.Time, res calendar.Result) {
	e.rollover(now)
	if e.calErr != "" {
		e.note(now, "calendar readable again")
	}
	e.busy = calendar.Merge(res.Busy)
	e.events = append([]calendar.Event(nil), res.Events...)
	sort.SliceStable(e.events, func(i, j int) bool { return e.events[i].Start.Before(e.events[j].Start) })
	e.calLoaded, e.calErr = true, ""
	e.judgeDay(now)
}

// CalendarFailed records a failed refresh. The last known busy times are kept;
// until a refresh succeeds, only idle moments outside them are offered.
func (e *Engine) CalendarFailed(now time.Time, err error) {
	e.rollover(now)
	msg := err.Error()
	if msg != e.calErr {
		e.note(now, "calendar failed: %s; only idle moments outside the last known busy times until it loads", msg)
	}
	e.calErr = msg
}

// judgeDay excuses today from the weekly goal when the calendar shows it packed.
func (e *Engine) judgeDay(now time.Time) {
	if !e.calLoaded {
		return
	}
	ws, we, ok := e.workBounds(now)
	if !ok {
		return
	}
	var busy time.Duration
	for _, b := range e.busy {
		s, en := maxT(b.Start, ws), minT(b.End, we)
		if en.After(s) {
			busy += en.Sub(s)
		}
	}
	share := float64(busy) / float64(we.Sub(ws))
	key := e.day.Format(time.DateOnly)
	_, was := e.excused[key]
	if share >= e.cfg.PackedShare {
		if !was {
			e.excused[key] = fmt.Sprintf("%s of %s busy", fmtDur(busy), fmtDur(we.Sub(ws)))
			e.note(now, "packed day (%s, %.0f%%): excused from the weekly goal", e.excused[key], share*100)
		}
	} else if was {
		delete(e.excused, key)
		e.note(now, "day no longer packed (%.0f%% busy): counts toward the weekly goal again", share*100)
	}
}

// Plan returns today's calendar moments from now on that were not decided yet,
// in time order. Nothing is planned while the calendar is unavailable.
func (e *Engine) Plan(now time.Time) []Moment {
	e.rollover(now)
	if !e.calLoaded || e.calErr != "" {
		return nil
	}
	ws, we, ok := e.workBounds(now)
	if !ok {
		return nil
	}
	window := calendar.Interval{Start: ws, End: we}
	wh := e.cfg.WorkingHours
	gaps := calendar.Gaps(e.busy, window, wh)
	var out []Moment
	item := time.Duration(e.cfg.ItemMinutes) * time.Minute
	for _, g := range gaps {
		length := g.End.Sub(g.Start)
		// End of a meeting: the gap starts where a busy interval ends.
		if b, ok := e.busyEndingAt(g.Start); ok && length >= item {
			title := e.titleEndingAt(b.End)
			mins := min(e.cfg.MaxItem, int(length/time.Minute))
			m := Moment{Kind: AfterMeeting, At: g.Start, Minutes: mins, Meeting: title, MeetingAt: b.End,
				Context: fmt.Sprintf("%s just ended", quote(title))}
			out = append(out, m)
		}
		// Waiting for a meeting: the gap ends where one starts and holds an item plus the buffer.
		if b, ok := e.busyStartingAt(g.End); ok && length >= item+e.cfg.Buffer {
			title := e.titleStartingAt(b.Start)
			mins := min(e.cfg.MaxItem, int((length-e.cfg.Buffer)/time.Minute))
			at := b.Start.Add(-e.cfg.Buffer - time.Duration(mins)*time.Minute)
			m := Moment{Kind: BeforeMeeting, At: at, Minutes: mins, Meeting: title, MeetingAt: b.Start,
				Context: fmt.Sprintf("%s starts at %s", quote(title), b.Start.In(e.loc).Format("15:04"))}
			out = append(out, m)
		}
	}
	var keep []Moment
	for _, m := range out {
		m.ID = momentID(m.Kind, m.At)
		if m.At.Before(now) || e.considered[m.ID] {
			continue
		}
		keep = append(keep, m)
	}
	sort.SliceStable(keep, func(i, j int) bool { return keep[i].At.Before(keep[j].At) })
	return keep
}

func (e *Engine) busyEndingAt(t time.Time) (calendar.Interval, bool) {
	for _, b := range e.busy {
		if b.End.Equal(t) {
			return b, true
		}
	}
	return calendar.Interval{}, false
}

func (e *Engine) busyStartingAt(t time.Time) (calendar.Interval, bool) {
	for _, b := range e.busy {
		if b.Start.Equal(t) {
			return b, true
		}
	}
	return calendar.Interval{}, false
}

func (e *Engine) titleStartingAt(t time.Time) string {
	var ts []string
	for _, ev := range e.events {
		if ev.Start.Equal(t) && !ev.AllDay {
			ts = append(ts, ev.Title)
		}
	}
	return joinTitles(ts)
}

func (e *Engine) titleEndingAt(t time.Time) string {
	var ts []string
	for _, ev := range e.events {
		if ev.End.Equal(t) && !ev.AllDay {
			ts = append(ts, ev.Title)
		}
	}
	return joinTitles(ts)
}

// busyAt returns the busy interval containing t and the titles of the events in it.
func (e *Engine) busyAt(t time.Time) (calendar.Interval, string, bool) {
	for _, b := range e.busy {
		if !t.Before(b.Start) && t.Before(b.End) {
			var ts []string
			for _, ev := range e.events {
				if !ev.AllDay && !t.Before(ev.Start) && t.Before(ev.End) {
					ts = append(ts, ev.Title)
				}
			}
			return b, joinTitles(ts), true
		}
	}
	return calendar.Interval{}, "", false
}

// nextBusy returns the first busy interval starting after t, today.
func (e *Engine) nextBusy(t time.Time) (calendar.Interval, bool) {
	end := e.midnight(t).AddDate(0, 0, 1)
	for _, b := range e.busy {
		if b.Start.After(t) && b.Start.Before(end) {
			return b, true
		}
	}
	return calendar.Interval{}, false
}

// Observe takes a presence sample and returns the idle moment it reveals, if
// any: a natural pause (once per idle stretch) or a return from a break. The
// caller then reads the "not now" signals and calls Consider.
func (e *Engine) Observe(now time.Time, s Sample) (Moment, bool) {
	e.rollover(now)
	prev, prevAt := e.last, e.lastAt
	e.last, e.lastAt = s, now
	lastActive := now
	if !prevAt.IsZero() && prev.Known && !prev.Locked {
		lastActive = prevAt.Add(-prev.Idle)
	}
	if s.Locked {
		if e.awaySince.IsZero() {
			e.awaySince = lastActive
		}
		e.pauseFired = true
		return Moment{}, false
	}
	if !s.Known {
		// Idle time unknown (no backend, or this query failed): only an unlock
		// after a long lock counts as a return; idle alone is never trusted.
		if prev.Locked && !e.awaySince.IsZero() {
			away := now.Sub(e.awaySince)
			e.awaySince, e.pauseFired = time.Time{}, false
			if away >= e.cfg.BreakAfter {
				return e.returnMoment(now, away), true
			}
		}
		return Moment{}, false
	}
	lastInput := now.Add(-s.Idle)
	if s.Idle >= e.cfg.BreakAfter {
		if e.awaySince.IsZero() {
			e.awaySince = lastInput
		}
		e.pauseFired = true
		return Moment{}, false
	}
	if !e.awaySince.IsZero() && s.Idle < e.cfg.PauseAfter {
		away := lastInput.Sub(e.awaySince)
		e.awaySince, e.pauseFired = time.Time{}, false
		if away >= e.cfg.BreakAfter {
			return e.returnMoment(now, away), true
		}
		return Moment{}, false
	}
	if s.Idle >= e.cfg.PauseAfter {
		if e.pauseFired {
			return Moment{}, false
		}
		e.pauseFired = true
		m := Moment{Kind: Pause, At: now, Minutes: e.cfg.ItemMinutes,
			Context: fmt.Sprintf("no input for %s", fmtDur(s.Idle))}
		e.withNextMeeting(&m)
		m.ID = momentID(m.Kind, m.At)
		return m, true
	}
	e.pauseFired = false
	return Moment{}, false
}

func (e *Engine) returnMoment(now time.Time, away time.Duration) Moment {
	m := Moment{Kind: Return, At: now, Minutes: e.cfg.ItemMinutes,
		Context: fmt.Sprintf("back after %s away", fmtDur(away))}
	e.withNextMeeting(&m)
	m.ID = momentID(m.Kind, m.At)
	return m
}

func (e *Engine) withNextMeeting(m *Moment) {
	if b, ok := e.nextBusy(m.At); ok && e.calLoaded {
		m.Meeting = e.titleStartingAt(b.Start)
		m.MeetingAt = b.Start
		m.Context += fmt.Sprintf("; next: %s at %s", quote(m.Meeting), b.Start.In(e.loc).Format("15:04"))
	}
}

// NextCheck says when presence should be sampled again after s: never while
// nothing is known; only the lock, every LockPoll, while locked; every Poll
// during a pause and every AwayPoll once away; otherwise not before a pause
// could have begun. Outside working hours it waits for the next working day.
func (e *Engine) NextCheck(now time.Time, s Sample) time.Duration {
	if !s.Known && !s.LockKnown {
		return 0
	}
	if ws, we, ok := e.workBounds(now); !ok || now.Before(ws) || !now.Before(we) {
		return e.untilWork(now)
	}
	switch {
	case s.Locked, !s.Known:
		return e.cfg.LockPoll
	case s.Idle >= e.cfg.BreakAfter:
		return e.cfg.AwayPoll
	case s.Idle >= e.cfg.PauseAfter:
		return e.cfg.Poll
	default:
		return max(e.cfg.PauseAfter-s.Idle, e.cfg.Poll)
	}
}

func (e *Engine) untilWork(now time.Time) time.Duration {
	d := e.midnight(now)
	for i := 0; i < 8; i++ {
		day := d.AddDate(0, 0, i)
		if !e.workingDay(day) {
			continue
		}
		start := e.at(day, e.cfg.WorkingHours.Start)
		if start.After(now) {
			return start.Sub(now)
		}
	}
	return 24 * time.Hour
}

// Consider decides whether to offer m now, given the current "not now"
// signals, logs the decision and returns it. An offered decision's Moment may
// carry a released held item and fewer minutes than asked (budget).
func (e *Engine) Consider(now time.Time, m Moment, s Sample) Decision {
	e.rollover(now)
	if m.ID == "" {
		m.ID = momentID(m.Kind, m.At)
	}
	e.considered[m.ID] = true
	d := e.decide(now, &m, s)
	d.At, d.Moment = now, m
	e.log.Record(d)
	return d
}

func (e *Engine) decide(now time.Time, m *Moment, s Sample) Decision {
	withhold := func(format string, args ...any) Decision {
		return Decision{Reason: fmt.Sprintf(format, args...)}
	}
	hold := func(reason string) Decision {
		if e.held != nil {
			return Decision{Reason: fmt.Sprintf("%s; already holding the %s item from %s", reason,
				e.held.Moment.Kind, e.held.Since.In(e.loc).Format("15:04"))}
		}
		e.held = &Held{Moment: *m, Since: now, Reason: reason}
		return Decision{Held: true, Reason: reason + "; item held for the next good moment"}
	}
	hhmm := func(t time.Time) string { return t.In(e.loc).Format("15:04") }

	if !m.Kind.idle() && now.Sub(m.At) > Late {
		return withhold("missed: was due at %s (computer asleep or busy)", hhmm(m.At))
	}
	if !e.pauseUntil.IsZero() && !now.Before(e.pauseUntil) {
		e.note(now, "pause ended at %s", hhmm(e.pauseUntil))
		e.pauseUntil = time.Time{}
	}
	if !e.snoozeUntil.IsZero() && !now.Before(e.snoozeUntil) {
		e.note(now, "snooze ended at %s", hhmm(e.snoozeUntil))
		e.snoozeUntil = time.Time{}
	}
	if now.Before(e.pauseUntil) {
		return withhold("paused until %s", hhmm(e.pauseUntil))
	}
	ws, we, ok := e.workBounds(now)
	if !ok || now.Before(ws) || !now.Before(we) {
		return withhold("outside working hours")
	}
	off := e.sinceMidnight(now)
	for _, q := range e.cfg.Quiet {
		if q.contains(off) {
			return withhold("quiet hours %s-%s", clock(q.Start), clock(q.End))
		}
	}
	if e.calErr != "" && !m.Kind.idle() {
		return withhold("calendar unavailable (%s): calendar moments are off", e.calErr)
	}
	if m.Kind.idle() && !s.Known && !(m.Kind == Return && s.LockKnown) {
		return withhold("presence unknown: no pop-up on idle alone")
	}
	if now.Before(e.snoozeUntil) {
		return withhold("snoozed until %s", hhmm(e.snoozeUntil))
	}
	if e.count >= e.cfg.MaxPerDay {
		return withhold("daily budget: %d of %d pop-ups used", e.count, e.cfg.MaxPerDay)
	}
	left := e.cfg.MaxMinutes - e.minutes
	if left <= 0 {
		return withhold("daily budget: %d of %d minutes used", e.minutes, e.cfg.MaxMinutes)
	}
	if !e.lastOffer.IsZero() && now.Sub(e.lastOffer) < e.cfg.MinSpacing {
		return withhold("spacing: last offer at %s, next not before %s", hhmm(e.lastOffer), hhmm(e.lastOffer.Add(e.cfg.MinSpacing)))
	}
	if until, ok := e.backoffUntil[m.Kind]; ok && now.Before(until) {
		return withhold("backing off from %s moments after %d dismissals in a row, until %s",
			m.Kind, e.dismissals[m.Kind], until.In(e.loc).Format("Mon 15:04"))
	}
	if s.Locked {
		return withhold("screen locked")
	}
	if _, title, busy := e.busyAt(now); busy {
		if e.calErr != "" {
			return withhold("inside a last known busy time (calendar unavailable)")
		}
		return hold("in a meeting: " + quote(title))
	}
	for _, sig := range s.Signals {
		if why, ok := holdSignals[sig]; ok {
			return hold(why)
		}
	}
	if !m.Kind.idle() && s.Known && s.Idle >= e.cfg.BreakAfter {
		return withhold("user away (no input for %s)", fmtDur(s.Idle))
	}
	// Fit the item before the next meeting (idle moments) and the budget.
	if m.Kind.idle() {
		if b, ok := e.nextBusy(now); ok {
			room := int(b.Start.Sub(now.Add(e.cfg.Buffer)) / time.Minute)
			if room < 1 {
				return withhold("meeting %s starts at %s", quote(e.titleStartingAt(b.Start)), hhmm(b.Start))
			}
			m.Minutes = min(m.Minutes, room)
		}
	}
	var notes []string
	if m.Minutes > left {
		m.Minutes = left
		notes = append(notes, fmt.Sprintf("shortened to the %d minutes left today", left))
	}
	if m.Kind == AfterMeeting {
		if id, ok := e.beforeFor[m.MeetingAt.Unix()]; ok {
			m.RecapOf = id
		}
	}
	if e.held != nil {
		h := *e.held
		m.Released = &h
		e.held = nil
		notes = append(notes, fmt.Sprintf("releases the %s item held since %s (%s)", h.Moment.Kind, hhmm(h.Since), h.Reason))
	}
	e.count++
	e.minutes += m.Minutes
	e.lastOffer = now
	e.offered[m.ID] = *m
	if m.Kind == BeforeMeeting {
		if b, ok := e.busyStartingAt(m.MeetingAt); ok {
			e.beforeFor[b.End.Unix()] = m.ID
		}
	}
	notes = append([]string{fmt.Sprintf("%d of %d today", e.count, e.cfg.MaxPerDay)}, notes...)
	return Decision{Offered: true, Reason: strings.Join(notes, "; ")}
}

// Answer records what the user did with an offered item: an acceptance
// counts toward the weekly goal and clears the kind's dismissals; dismissals
// in a row of one kind make the Engine back off from it.
func (e *Engine) Answer(now time.Time, id string, o Outcome) error {
	m, ok := e.offered[id]
	if !ok {
		return fmt.Errorf("no offered item %q", id)
	}
	switch o {
	case Accepted:
		e.dismissals[m.Kind] = 0
		delete(e.backoffUntil, m.Kind)
		e.done[isoWeek(now.In(e.loc))]++
		e.note(now, "%s item accepted", m.Kind)
	case Dismissed:
		e.dismissals[m.Kind]++
		n := e.dismissals[m.Kind]
		if n >= e.cfg.BackoffAfter {
			d := time.Duration(float64(e.cfg.BackoffFor) * math.Pow(2, float64(n-e.cfg.BackoffAfter)))
			d = min(d, 7*24*time.Hour)
			e.backoffUntil[m.Kind] = now.Add(d)
			e.note(now, "%s item dismissed (%d in a row): backing off from %s moments for %s", m.Kind, n, m.Kind, fmtDur(d))
		} else {
			e.note(now, "%s item dismissed (%d in a row)", m.Kind, n)
		}
	case Snoozed:
		return fmt.Errorf("use Snooze for snoozed items")
	}
	return nil
}

// Snooze holds the offered item id and offers nothing until now+d; d <= 0
// means the rest of the day. The item comes back at the first good moment after.
func (e *Engine) Snooze(now time.Time, id string, d time.Duration) {
	e.rollover(now)
	until := now.Add(d)
	if d <= 0 {
		until = e.midnight(now).AddDate(0, 0, 1)
	}
	e.snoozeUntil = until
	if m, ok := e.offered[id]; ok && e.held == nil {
		e.held = &Held{Moment: m, Since: now, Reason: "snoozed"}
	}
	e.note(now, "snoozed until %s", until.In(e.loc).Format("Mon 15:04"))
}

// Hold keeps the offered item id for the next good moment without a
// snooze: the pop-up hid itself untouched, so the user never said no. No
// timer resets; the held item is released by the next moment the policy
// allows (spacing and budget still apply).
func (e *Engine) Hold(now time.Time, id, reason string) error {
	m, ok := e.offered[id]
	if !ok {
		return fmt.Errorf("no offered item %q", id)
	}
	if e.held == nil {
		e.held = &Held{Moment: m, Since: now, Reason: reason}
	}
	e.note(now, "%s item held: %s", m.Kind, reason)
	return nil
}

// Pause stops all offers until now+d (d <= 0: until Resume); it ends by itself.
func (e *Engine) Pause(now time.Time, d time.Duration) {
	if d <= 0 {
		e.pauseUntil = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
		e.note(now, "paused until resumed")
		return
	}
	e.pauseUntil = now.Add(d)
	e.note(now, "paused until %s", e.pauseUntil.In(e.loc).Format("Mon 15:04"))
}

// Resume ends a pause and a snooze early.
func (e *Engine) Resume(now time.Time) {
	e.pauseUntil, e.snoozeUntil = time.Time{}, time.Time{}
	e.note(now, "resumed")
}

// Status is the policy state for a status line or `tidbit doctor`.
type Status struct {
	Offered, Minutes int
	PausedUntil      time.Time
	SnoozedUntil     time.Time
	Held             *Held
	CalendarError    string
	Week             WeekProgress
	BackingOff       map[Kind]time.Time
}

// WeekProgress is the weekly goal with packed days excused: the target shrinks
// in proportion to the working days left open.
type WeekProgress struct {
	Goal, Target, Done int
	Excused            []string // "2026-11-24: 7h of 8h busy"
}

// Status reports the current state.
func (e *Engine) Status(now time.Time) Status {
	e.rollover(now)
	st := Status{Offered: e.count, Minutes: e.minutes, CalendarError: e.calErr, Week: e.Progress(now),
		BackingOff: map[Kind]time.Time{}}
	if now.Before(e.pauseUntil) {
		st.PausedUntil = e.pauseUntil
	}
	if now.Before(e.snoozeUntil) {
		st.SnoozedUntil = e.snoozeUntil
	}
	if e.held != nil {
		h := *e.held
		st.Held = &h
	}
	for k, t := range e.backoffUntil {
		if now.Before(t) {
			st.BackingOff[k] = t
		}
	}
	return st
}

// Progress is this ISO week's goal.
func (e *Engine) Progress(now time.Time) WeekProgress {
	t := now.In(e.loc)
	wk := isoWeek(t)
	p := WeekProgress{Goal: e.cfg.WeeklyGoal, Done: e.done[wk]}
	monday := e.midnight(t).AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
	working, open := 0, 0
	for i := 0; i < 7; i++ {
		day := monday.AddDate(0, 0, i)
		if !e.workingDay(day) {
			continue
		}
		working++
		key := day.Format(time.DateOnly)
		if why, ok := e.excused[key]; ok {
			p.Excused = append(p.Excused, key+": "+why)
		} else {
			open++
		}
	}
	if working > 0 {
		p.Target = int(math.Ceil(float64(p.Goal) * float64(open) / float64(working)))
	}
	return p
}

func isoWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

func quote(s string) string {
	if s == "" {
		return "a meeting"
	}
	return "«" + s + "»"
}

func joinTitles(ts []string) string { return strings.Join(ts, " + ") }

func clock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

func fmtDur(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		if d%time.Minute == 0 {
			return fmt.Sprintf("%dm", int(d/time.Minute))
		}
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	default:
		if d%time.Hour == 0 {
			return fmt.Sprintf("%dh", int(d/time.Hour))
		}
		return fmt.Sprintf("%dh%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
}

func maxT(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minT(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
