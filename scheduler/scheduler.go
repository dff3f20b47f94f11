package scheduler

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/google/uuid"
	"github.com/jonboulle/clockwork"

	"github.com/tidbit-learn/tidbit/scheduler/calendar"
	"github.com/tidbit-learn/tidbit/scheduler/moments"
	"github.com/tidbit-learn/tidbit/scheduler/presence"
)

// Presence is what the Scheduler needs from scheduler/presence; a
// *presence.Monitor satisfies it.
type Presence interface {
	Known() bool
	IdleTime(ctx context.Context) (time.Duration, error)
	Locked(ctx context.Context) (locked, ok bool)
	NotNow(ctx context.Context) ([]presence.Signal, error)
}

var _ Presence = (*presence.Monitor)(nil)

// Clock is the time source; clockwork.NewRealClock() in the daemon, a
// clockwork.FakeClock in tests (gocron runs on it too).
type Clock = clockwork.Clock

// Options wire a Scheduler.
type Options struct {
	Policy moments.Config
	// Calendar is read at Start and every RefreshEvery; nil: no calendar (only
	// idle moments).
	Calendar        calendar.Source
	CalendarOptions calendar.Options
	RefreshEvery    time.Duration // default 15 min
	FetchTimeout    time.Duration // default 60 s
	// Presence nil means unknown: no idle moments at all.
	Presence Presence
	Clock    Clock // nil: the real clock
	// Log receives every decision; it is called under the Scheduler's lock
	// and must not call back into the Scheduler. nil: discarded.
	Log moments.Log
	// OnMoment is called, outside the Scheduler's lock and never concurrently
	// with itself, for every offered moment. The daemon picks an item (the
	// recommender), shows it, and later reports the user's answer with Answer
	// or Snooze. It must return quickly (hand the item to the UI): the moments
	// job waits for it.
	OnMoment func(moments.Moment)
	// State is the policy state stored by the previous run (today's budget,
	// spacing, a held item, pause, snooze, back-offs, weekly goal); nil: fresh.
	State *moments.State
	// OnState receives the policy state after every run of the moments job and
	// every user action, outside the lock, for the daemon to store.
	OnState func(moments.State)
	// OnIdle is told, outside the lock, when the user becomes idle (no input
	// for Policy.PauseAfter, or the screen locked) and active again, as far
	// as the presence samples the scheduler takes anyway show: background
	// work (model requests) runs only while idle. It costs no extra queries,
	// so it is as fresh as the sampling (seconds during a pause).
	OnIdle func(idle bool)
}

// Scheduler runs the moments engine from gocron jobs: calendar refreshes, the
// daily budget reset and one "wake" job at the next computed time (the next
// planned calendar moment or presence check). Nothing polls at a fixed rate:
// presence is sampled as moments.Engine.NextCheck says (at most every few
// seconds during a pause, every 30 s while locked with no idle query, not at
// all when presence is unknown or outside working hours).
type Scheduler struct {
	opts  Options
	clock Clock
	eng   *moments.Engine

	mu           sync.Mutex
	agenda       []moments.Moment // planned calendar moments, in time order
	nextPresence time.Time        // zero: no presence checks
	nextWake     time.Time
	nextRefresh  time.Time
	nextReset    time.Time
	idleErr      string
	wakeID       uuid.UUID
	idleKnown    bool // OnIdle has been told
	idleNow      bool

	runMu   sync.Mutex // one job at a time: simultaneous jobs give the same result in any order
	fetchMu sync.Mutex // one calendar fetch at a time
	cron    gocron.Scheduler
	ctx     context.Context
	cancel  context.CancelFunc
	ran     atomic.Int64 // completed job runs (tests step the fake clock by it)
}

// New checks the options; Start runs the jobs.
func New(opts Options) (*Scheduler, error) {
	if opts.RefreshEvery <= 0 {
		opts.RefreshEvery = 15 * time.Minute
	}
	if opts.FetchTimeout <= 0 {
		opts.FetchTimeout = 60 * time.Second
	}
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
	}
	if opts.CalendarOptions.Location == nil {
		opts.CalendarOptions.Location = opts.Policy.WorkingHours.Location
	}
	eng, err := moments.New(opts.Policy, opts.Log)
	if err != nil {
		return nil, err
	}
	if opts.State != nil {
		if err := eng.Restore(opts.Clock.Now(), *opts.State); err != nil {
			return nil, err
		}
	}
	if opts.CalendarOptions.Location == nil {
		opts.CalendarOptions.Location = eng.Config().WorkingHours.Location
	}
	return &Scheduler{opts: opts, clock: opts.Clock, eng: eng}, nil
}

// Start reads the calendar once, takes a first presence sample and starts the
// jobs. It returns after the first refresh (a failed one is logged, not
// returned).
func (s *Scheduler) Start(ctx context.Context) error {
	if s.cron != nil {
		return errors.New("scheduler already started")
	}
	loc := s.eng.Config().WorkingHours.Location
	cron, err := gocron.NewScheduler(gocron.WithClock(s.clock), gocron.WithLocation(loc),
		gocron.WithLogger(gocron.NewLogger(gocron.LogLevelError)))
	if err != nil {
		return fmt.Errorf("starting jobs: %w", err)
	}
	s.cron = cron
	s.ctx, s.cancel = context.WithCancel(ctx)
	now := s.clock.Now()
	s.refresh(now)
	usable := s.presenceUsable() // a bus call: not under the lock
	s.mu.Lock()
	if usable {
		s.nextPresence = now
	}
	s.nextRefresh = now.Add(s.opts.RefreshEvery)
	s.nextReset = s.nextMidnight(now)
	s.mu.Unlock()

	// No singleton mode: gocron would drop a one-time run that fires while the
	// job's previous run is still returning. runMu serializes the jobs instead.
	if _, err := cron.NewJob(gocron.DurationJob(s.opts.RefreshEvery), gocron.NewTask(s.refreshJob),
		gocron.WithName("calendar refresh")); err != nil {
		return fmt.Errorf("calendar refresh job: %w", err)
	}
	if _, err := cron.NewJob(gocron.DailyJob(1, gocron.NewAtTimes(gocron.NewAtTime(0, 0, 0))), gocron.NewTask(s.resetJob),
		gocron.WithName("daily budget reset")); err != nil {
		return fmt.Errorf("daily reset job: %w", err)
	}
	s.mu.Lock()
	wake := s.wakeTimeLocked(now)
	s.nextWake = wake
	s.mu.Unlock()
	j, err := cron.NewJob(oneTime(wake, now), gocron.NewTask(s.wakeJob), gocron.WithName("moments"))
	if err != nil {
		return fmt.Errorf("moments job: %w", err)
	}
	s.wakeID = j.ID()
	cron.Start()
	return nil
}

// Stop ends the jobs and waits for running ones.
func (s *Scheduler) Stop() error {
	if s.cron == nil {
		return nil
	}
	s.cancel()
	return s.cron.Shutdown()
}

func (s *Scheduler) presenceUsable() bool {
	p := s.opts.Presence
	if p == nil {
		return false
	}
	if p.Known() {
		return true
	}
	_, ok := p.Locked(s.ctx)
	return ok
}

func (s *Scheduler) nextMidnight(now time.Time) time.Time {
	loc := s.eng.Config().WorkingHours.Location
	t := now.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
}

// oneTime is a gocron one-time schedule; times not in the future run now.
func oneTime(at, now time.Time) gocron.JobDefinition {
	if !at.After(now) {
		return gocron.OneTimeJob(gocron.OneTimeJobStartImmediately())
	}
	return gocron.OneTimeJob(gocron.OneTimeJobStartDateTime(at))
}

// maxSleep caps the wait between two runs of the moments job. Go timers do not
// count time spent suspended, so a long wait could fire hours late after the
// laptop slept; a short cap re-reads the wall clock soon after it wakes.
const maxSleep = 5 * time.Minute

func (s *Scheduler) wakeTimeLocked(now time.Time) time.Time {
	next := now.Add(maxSleep)
	if len(s.agenda) > 0 && s.agenda[0].At.Before(next) {
		next = s.agenda[0].At
	}
	if !s.nextPresence.IsZero() && s.nextPresence.Before(next) {
		next = s.nextPresence
	}
	return next
}

// reschedule moves the wake job to the next computed time. Other jobs leave
// a wake that is due alone: moving it would cancel a run already under way,
// and that run plans the next one itself.
func (s *Scheduler) reschedule(now time.Time, fromWake bool) {
	s.mu.Lock()
	if !fromWake && !s.nextWake.After(now) {
		s.mu.Unlock()
		return
	}
	wake := s.wakeTimeLocked(now)
	same := wake.Equal(s.nextWake)
	s.nextWake = wake
	id := s.wakeID
	s.mu.Unlock()
	if same || id == uuid.Nil {
		return
	}
	// Compare with the clock as it is now, not as the job began: a slow
	// presence query or calendar fetch may have taken the planned time
	// into the past, which gocron refuses; then run at once.
	_, err := s.cron.Update(id, oneTime(wake, s.clock.Now()), gocron.NewTask(s.wakeJob), gocron.WithName("moments"))
	if err != nil {
		_, err = s.cron.Update(id, oneTime(now, now), gocron.NewTask(s.wakeJob), gocron.WithName("moments"))
	}
	if err != nil {
		// Keep going: the next refresh or daily reset reschedules.
		s.mu.Lock()
		s.eng.Note(now, "could not schedule the next moment at %s: %v", wake.Format(time.RFC3339), err)
		s.mu.Unlock()
	}
}

// Reprober is implemented by presence sources that can look again for
// backends that were missing at start (*presence.Monitor).
type Reprober interface {
	Reprobe(ctx context.Context) bool
}

func (s *Scheduler) refreshJob() {
	now := s.clock.Now()
	s.reprobe(now)
	s.mu.Lock()
	s.nextRefresh = now.Add(s.opts.RefreshEvery)
	s.mu.Unlock()
	// Fetching can take up to FetchTimeout: it does not hold up the other jobs.
	res, ok, err := s.fetch(now)
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if ok {
		s.apply(now, res, err)
	}
	s.reschedule(now, false)
	s.ran.Add(1)
}

func (s *Scheduler) resetJob() {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	now := s.clock.Now()
	usable := s.presenceUsable()
	s.mu.Lock()
	s.nextReset = s.nextMidnight(now)
	s.eng.NewDay(now)
	s.agenda = s.eng.Plan(now)
	if usable && s.nextPresence.IsZero() {
		s.nextPresence = now
	}
	s.mu.Unlock()
	s.reschedule(now, false)
	s.ran.Add(1)
}

// reprobe looks for presence backends again while the idle time is unknown,
// and starts sampling when one appears.
func (s *Scheduler) reprobe(now time.Time) {
	r, ok := s.opts.Presence.(Reprober)
	if !ok || s.opts.Presence.Known() {
		return
	}
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if !r.Reprobe(s.ctx) {
		return
	}
	s.mu.Lock()
	s.eng.Note(now, "presence backend found: idle moments on")
	if s.nextPresence.IsZero() {
		s.nextPresence = now
	}
	s.mu.Unlock()
}

// refresh reads the calendar over today and tomorrow and re-plans today.
func (s *Scheduler) refresh(now time.Time) {
	if res, ok, err := s.fetch(now); ok {
		s.apply(now, res, err)
	}
}

// fetch reads the calendar over today and tomorrow; ok is false when there is
// no calendar or another refresh is running.
func (s *Scheduler) fetch(now time.Time) (calendar.Result, bool, error) {
	if s.opts.Calendar == nil || !s.fetchMu.TryLock() {
		return calendar.Result{}, false, nil
	}
	defer s.fetchMu.Unlock()
	loc := s.eng.Config().WorkingHours.Location
	t := now.In(loc)
	from := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	to := from.AddDate(0, 0, 2)
	ctx, cancel := context.WithTimeout(s.ctx, s.opts.FetchTimeout)
	defer cancel()
	res, err := fetch(ctx, s.opts.Calendar, from, to, s.opts.CalendarOptions)
	return res, true, err
}

// apply hands a refresh to the engine and re-plans today.
func (s *Scheduler) apply(now time.Time, res calendar.Result, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.eng.CalendarFailed(now, err)
	} else {
		s.eng.SetCalendar(now, res)
	}
	s.agenda = s.eng.Plan(now)
}

func fetch(ctx context.Context, src calendar.Source, from, to time.Time, opts calendar.Options) (res calendar.Result, err error) {
	// A Source is outside code (network, parsers): a panic there must not
	// take the daemon down, and counts as a failed refresh.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("reading calendar %s: panic: %v", src.Name(), r)
		}
	}()
	var raws []calendar.RawCalendar
	if rs, ok := src.(calendar.RangeSource); ok {
		raws, err = rs.FetchRange(ctx, from, to)
	} else {
		raws, err = src.Fetch(ctx)
	}
	if err != nil {
		return res, fmt.Errorf("reading calendar %s: %w", src.Name(), err)
	}
	res, err = calendar.Expand(raws, from, to, opts)
	if err != nil {
		return res, fmt.Errorf("reading calendar %s: %w", src.Name(), err)
	}
	return res, nil
}

// sample reads presence: the lock first, and no idle query while locked;
// full adds the "not now" signals (only when a moment is to be decided).
func (s *Scheduler) sample(full bool) moments.Sample {
	var smp moments.Sample
	p := s.opts.Presence
	if p == nil {
		return smp
	}
	smp.Locked, smp.LockKnown = p.Locked(s.ctx)
	if smp.Locked {
		smp.Signals = []string{string(presence.Locked)}
		return smp
	}
	if p.Known() {
		d, err := p.IdleTime(s.ctx)
		if err == nil {
			smp.Known, smp.Idle = true, d
		}
		s.noteIdleErr(err)
	}
	if full {
		sigs, _ := p.NotNow(s.ctx) // a failing signal counts as inactive
		for _, sig := range sigs {
			smp.Signals = append(smp.Signals, string(sig))
		}
	}
	return smp
}

func (s *Scheduler) wakeJob() {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	now := s.clock.Now()
	var offered []moments.Moment

	s.mu.Lock()
	var due []moments.Moment
	for len(s.agenda) > 0 && !s.agenda[0].At.After(now) {
		due = append(due, s.agenda[0])
		s.agenda = s.agenda[1:]
	}
	checkPresence := !s.nextPresence.IsZero() && !s.nextPresence.After(now)
	s.mu.Unlock()

	if len(due) > 0 {
		smp := s.sample(true)
		s.mu.Lock()
		for _, m := range due {
			if d := s.eng.Consider(now, m, smp); d.Offered {
				offered = append(offered, d.Moment)
			}
		}
		s.mu.Unlock()
	}
	if checkPresence {
		smp := s.sample(false)
		s.mu.Lock()
		m, ok := s.eng.Observe(now, smp)
		s.mu.Unlock()
		if ok {
			full := s.sample(true)
			s.mu.Lock()
			if d := s.eng.Consider(now, m, full); d.Offered {
				offered = append(offered, d.Moment)
			}
			s.mu.Unlock()
		}
		s.noteIdle(smp)
		s.mu.Lock()
		if next := s.eng.NextCheck(now, smp); next > 0 {
			s.nextPresence = now.Add(next)
		} else {
			s.nextPresence = time.Time{}
		}
		// While background work runs because the user is idle, keep
		// looking (one cheap query every AwayPoll) so their return stops
		// it within seconds, even when no moment is due for a while.
		if s.opts.OnIdle != nil && s.idleNow {
			poll := s.eng.Config().AwayPoll
			if s.nextPresence.IsZero() || s.nextPresence.After(now.Add(poll)) {
				s.nextPresence = now.Add(poll)
			}
		}
		s.mu.Unlock()
	}
	if s.opts.OnMoment != nil {
		for _, m := range offered {
			s.opts.OnMoment(m)
		}
	}
	s.reschedule(now, true)
	s.saveState()
	s.ran.Add(1)
}

// noteIdle tells OnIdle about a change of the user's idle state.
func (s *Scheduler) noteIdle(smp moments.Sample) {
	if s.opts.OnIdle == nil || !(smp.Known || smp.LockKnown) {
		return
	}
	idle := smp.Locked || (smp.Known && smp.Idle >= s.eng.Config().PauseAfter)
	s.mu.Lock()
	changed := !s.idleKnown || idle != s.idleNow
	s.idleKnown, s.idleNow = true, idle
	s.mu.Unlock()
	if changed {
		s.opts.OnIdle(idle)
	}
}

// noteIdleErr logs when the idle backend stops or starts answering.
func (s *Scheduler) noteIdleErr(err error) {
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if msg == s.idleErr {
		return
	}
	now := s.clock.Now()
	if msg == "" {
		s.eng.Note(now, "idle time answers again")
	} else {
		s.eng.Note(now, "idle time unavailable (%s): no pop-ups on idle until it answers", msg)
	}
	s.idleErr = msg
}

// Answer records what the user did with an offered item (by Moment.ID).
func (s *Scheduler) Answer(id string, o moments.Outcome) error {
	s.mu.Lock()
	err := s.eng.Answer(s.clock.Now(), id, o)
	s.mu.Unlock()
	s.saveState()
	return err
}

// Snapshot is the policy state to store (see Options.State).
func (s *Scheduler) Snapshot() moments.State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.eng.Snapshot()
}

func (s *Scheduler) saveState() {
	if s.opts.OnState != nil {
		s.opts.OnState(s.Snapshot())
	}
}

// Snooze holds the offered item and offers nothing for d (15 min, 1 h; d <= 0:
// the rest of the day).
func (s *Scheduler) Snooze(id string, d time.Duration) {
	s.mu.Lock()
	s.eng.Snooze(s.clock.Now(), id, d)
	s.mu.Unlock()
	s.saveState()
}

// Hold keeps an offered item (by Moment.ID) for the next good moment: the
// pop-up hid itself untouched.
func (s *Scheduler) Hold(id, reason string) error {
	s.mu.Lock()
	err := s.eng.Hold(s.clock.Now(), id, reason)
	s.mu.Unlock()
	s.saveState()
	return err
}

// Pause offers nothing for d (d <= 0: until Resume); it resumes by itself.
func (s *Scheduler) Pause(d time.Duration) {
	s.mu.Lock()
	s.eng.Pause(s.clock.Now(), d)
	s.mu.Unlock()
	s.saveState()
}

// Resume ends a pause or a snooze.
func (s *Scheduler) Resume() {
	s.mu.Lock()
	s.eng.Resume(s.clock.Now())
	s.mu.Unlock()
	s.saveState()
}

// Status is the policy state (budget used, pause, snooze, held item, weekly goal).
func (s *Scheduler) Status() moments.Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.eng.Status(s.clock.Now())
}

// Agenda lists the calendar moments still planned today.
func (s *Scheduler) Agenda() []moments.Moment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]moments.Moment(nil), s.agenda...)
}

// NextRun is when the next job (a moment, a presence check, a calendar
// refresh or the daily reset) is due. Tests of composition roots step a
// fake clock by it; status lines show it.
func (s *Scheduler) NextRun() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.nextWake
	for _, t := range []time.Time{s.nextRefresh, s.nextReset} {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	return next
}
