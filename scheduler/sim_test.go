package scheduler

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tidbit-learn/tidbit/scheduler/calendar"
	"github.com/tidbit-learn/tidbit/scheduler/moments"
	"github.com/tidbit-learn/tidbit/scheduler/presence"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/days")

var berlin = mustZone("Europe/Berlin")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// monday is the first simulated day (a Monday in Berlin).
var monday = time.Date(2026, 11, 23, 0, 0, 0, 0, berlin)

// span is [from, to) as offsets from the first day's midnight.
type span struct{ from, to time.Duration }

func (s span) has(off time.Duration) bool { return off >= s.from && off < s.to }

// parseSpans reads "09:00-09:50, d2 10:00-11:00" (d2: the second day).
func parseSpans(t *testing.T, s string) []span {
	t.Helper()
	var out []span
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		day := time.Duration(0)
		if strings.HasPrefix(f, "d") {
			var n int
			if _, err := fmt.Sscanf(f, "d%d", &n); err != nil {
				t.Fatalf("span %q: %v", f, err)
			}
			day = time.Duration(n-1) * 24 * time.Hour
			_, f, _ = strings.Cut(f, " ")
		}
		sp, err := moments.ParseSpan(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, span{day + sp.Start, day + sp.End})
	}
	return out
}

// tracePresence plays an input trace on the fake clock: input is continuous
// inside active spans; idle grows outside them.
type tracePresence struct {
	clock     clockwork.Clock
	known     bool
	lockKnown bool
	active    []span
	locked    []span
	signals   map[presence.Signal][]span
	idleFails []span // IdleTime errors (a backend that vanished)
	queries   int    // idle queries: the test checks none happen while locked
	lockedQ   int
	mu        sync.Mutex
}

func (p *tracePresence) off() time.Duration { return p.clock.Now().Sub(monday) }

func in(spans []span, off time.Duration) bool {
	for _, s := range spans {
		if s.has(off) {
			return true
		}
	}
	return false
}

func (p *tracePresence) Known() bool { return p.known }

func (p *tracePresence) IdleTime(ctx context.Context) (time.Duration, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	off := p.off()
	p.queries++
	if in(p.locked, off) {
		p.lockedQ++
	}
	if !p.known || in(p.idleFails, off) {
		return 0, errors.New("org.freedesktop.DBus.Error.ServiceUnknown")
	}
	last := time.Duration(-1)
	for _, s := range p.active {
		if s.has(off) {
			return 0, nil
		}
		if s.to <= off && s.to > last {
			last = s.to
		}
	}
	if last < 0 {
		return off + 8*time.Hour, nil // idle since the evening before
	}
	return off - last, nil
}

func (p *tracePresence) Locked(ctx context.Context) (bool, bool) {
	if !p.lockKnown {
		return false, false
	}
	return in(p.locked, p.off()), true
}

func (p *tracePresence) NotNow(ctx context.Context) ([]presence.Signal, error) {
	var out []presence.Signal
	off := p.off()
	for _, sig := range []presence.Signal{presence.DoNotDisturb, presence.Fullscreen, presence.Microphone} {
		if in(p.signals[sig], off) {
			out = append(out, sig)
		}
	}
	if l, ok := p.Locked(ctx); ok && l {
		out = append(out, presence.Locked)
	}
	if p.known {
		if d, err := p.IdleTime(ctx); err == nil && d < 5*time.Second {
			out = append(out, presence.Typing)
		}
	}
	return out, nil
}

// icsFor writes events "09:30-09:45 Standup; d2 10:00-11:00 Review" as an
// .ics in Europe/Berlin.
func icsFor(t *testing.T, spec string) []byte {
	t.Helper()
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tidbit//sim//EN\r\n")
	for i, ev := range strings.Split(spec, ";") {
		ev = strings.TrimSpace(ev)
		if ev == "" {
			continue
		}
		when, title, _ := strings.Cut(ev, " ")
		day := 0
		if strings.HasPrefix(when, "d") {
			fmt.Sscanf(when, "d%d", &day)
			day--
			when, title, _ = strings.Cut(title, " ")
		}
		sp, err := moments.ParseSpan(when)
		if err != nil {
			t.Fatal(err)
		}
		d := monday.AddDate(0, 0, day)
		f := func(off time.Duration) string { return d.Add(off).Format("20060102T150405") }
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:ev%d@sim\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;TZID=Europe/Berlin:%s\r\nDTEND;TZID=Europe/Berlin:%s\r\nSUMMARY:%s\r\nEND:VEVENT\r\n",
			i, f(sp.Start), f(sp.End), title)
	}
	b.WriteString("END:VCALENDAR\r\n")
	return []byte(b.String())
}

// flakySource serves the calendar until failFrom (fake-clock time), then fails.
type flakySource struct {
	clock    clockwork.Clock
	data     []byte
	failFrom time.Time
}

func (f flakySource) Name() string { return "sim.ics" }

func (f flakySource) Fetch(ctx context.Context) ([]calendar.RawCalendar, error) {
	if !f.failFrom.IsZero() && !f.clock.Now().Before(f.failFrom) {
		return nil, errors.New("GET https://calendar.example/sim.ics: 503 Service Unavailable")
	}
	return []calendar.RawCalendar{{Source: "sim.ics", Data: f.data}}, nil
}

// nextEvent is when the next job runs and how many run then.
func (s *Scheduler) nextEvent() (time.Time, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.nextWake
	for _, t := range []time.Time{s.nextRefresh, s.nextReset} {
		if t.Before(next) {
			next = t
		}
	}
	n := 0
	for _, t := range []time.Time{s.nextWake, s.nextRefresh, s.nextReset} {
		if t.Equal(next) {
			n++
		}
	}
	return next, n
}

// runUntil steps the fake clock from job to job, waiting for each run to
// finish, so a simulated day is exact and takes milliseconds.
func runUntil(t *testing.T, s *Scheduler, fc *clockwork.FakeClock, until time.Time) int {
	t.Helper()
	steps := 0
	for {
		next, n := s.nextEvent()
		if !next.After(fc.Now()) {
			// The first moments job runs at once at Start: wait until it has
			// planned the next one.
			deadline := time.Now().Add(10 * time.Second)
			for next, _ = s.nextEvent(); !next.After(fc.Now()); next, _ = s.nextEvent() {
				if time.Now().After(deadline) {
					t.Fatalf("job due at %s did not run", next)
				}
				time.Sleep(20 * time.Microsecond)
			}
			continue
		}
		if next.After(until) {
			fc.Advance(until.Sub(fc.Now()))
			return steps
		}
		// gocron re-arms timers in its own goroutine: wait until all three jobs
		// (refresh, daily reset, moments) wait on the clock before moving it.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := fc.BlockUntilContext(ctx, 3)
		cancel()
		if err != nil {
			t.Fatalf("at %s: jobs did not re-arm: %v", fc.Now(), err)
		}
		before := s.ran.Load()
		fc.Advance(next.Sub(fc.Now()))
		deadline := time.Now().Add(10 * time.Second)
		for s.ran.Load() < before+int64(n) {
			if time.Now().After(deadline) {
				t.Fatalf("job at %s did not run (ran %d, want %d)", next, s.ran.Load()-before, n)
			}
			runtime.Gosched()
			fc.Advance(0) // fires a timer gocron re-armed just after the move
		}
		steps++
	}
}

// answer is what the simulated user does with the n-th offer (1-based).
type answer struct {
	action string        // "accept" (default), "dismiss", "snooze", "pause"
	d      time.Duration // snooze or pause length; 0 snooze: rest of day
}

type dayCase struct {
	name      string
	events    string // calendar; "" none
	noCal     bool
	failFrom  time.Duration // calendar refreshes fail from this offset
	unknown   bool          // no idle backend
	noLock    bool
	active    string
	locked    string
	dnd       string
	full      string
	mic       string
	idleFails string
	answers   map[int]answer
	allAnswer string // action for every offer not in answers
	policy    func(*moments.Config)
	days      int
	start     time.Duration // clock start offset; default 07:30
}

var dayCases = []dayCase{
	{
		name:   "ordinary day",
		events: "09:30-09:45 Standup; 11:00-12:00 Design review; 14:00-14:30 1:1 with Sam; 16:30-17:00 Planning",
		active: "09:00-09:20, 09:21-09:30, 09:45-10:40, 10:42-11:00, 11:00-12:00, 12:05-12:30, 13:20-14:00, 14:30-15:10, 15:12-16:30, 16:30-17:00",
		locked: "12:30-13:15",
	},
	{
		name:   "typing and dnd hold the item until the next good moment",
		events: "10:00-10:30 Sprint review; 15:00-16:00 Customer call",
		active: "09:00-09:56, 09:57-10:30, 10:31-11:10, 11:12-14:00, 14:01-15:00, 15:00-16:00, 16:01-16:20, 16:22-17:00",
		dnd:    "09:00-10:00",
		full:   "15:30-16:10",
		mic:    "11:00-11:30, 15:00-16:00",
	},
	{
		name:      "dismissed pauses back off, budget resets next day",
		noCal:     true,
		active:    "09:00-09:30, 09:32-10:30, 10:32-11:30, 11:32-12:30, 12:32-13:30, 13:32-14:30, 14:32-15:30, d2 09:00-09:30, d2 09:32-10:30, d2 10:32-11:30",
		allAnswer: "dismiss",
		days:      2,
		policy:    func(c *moments.Config) { c.MinSpacing = 30 * time.Minute; c.MaxPerDay = 6; c.MaxMinutes = 30 },
	},
	{
		name:     "calendar fails at noon: idle moments only outside last known busy times",
		events:   "09:30-10:00 Standup; 13:00-14:00 All hands; 15:00-15:45 Interview",
		failFrom: 12*time.Hour + 10*time.Minute,
		active:   "09:00-09:30, 10:00-11:00, 11:02-12:00, 12:01-13:00, 13:00-13:20, 13:22-14:00, 14:02-15:00, 15:00-15:20, 15:22-16:00, 16:02-17:00",
	},
	{
		name:    "presence unknown: calendar moments only",
		events:  "10:00-10:30 Standup; 14:00-15:00 Review",
		unknown: true, noLock: true,
	},
	{
		name:   "packed day is excused from the weekly goal",
		events: "09:00-10:30 Workshop; 10:40-12:30 Workshop part 2; 13:30-15:30 Offsite; 15:40-17:00 Retro",
		active: "08:55-17:00",
	},
	{
		name:    "snooze, pause and quiet hours",
		events:  "11:00-11:30 Standup",
		active:  "09:00-09:30, 09:32-10:20, 10:22-11:00, 11:30-12:10, 12:12-13:30, 13:32-14:30, 14:32-15:40, 15:42-17:00",
		answers: map[int]answer{1: {"snooze", time.Hour}, 2: {"pause", 2 * time.Hour}},
		policy: func(c *moments.Config) {
			c.Quiet = []moments.Span{{Start: 12 * time.Hour, End: 13 * time.Hour}}
		},
	},
	{
		name:      "idle backend vanishes for an hour",
		events:    "11:00-11:30 Standup",
		active:    "09:00-09:30, 09:32-10:30, 10:32-12:30, 12:32-13:30, 13:32-14:30",
		idleFails: "10:00-11:00",
	},
}

func TestSimulatedDays(t *testing.T) {
	for _, tc := range dayCases {
		t.Run(tc.name, func(t *testing.T) {
			got := simulate(t, tc)
			golden := filepath.Join("testdata", "days", strings.NewReplacer(" ", "_", ":", "", ",", "").Replace(tc.name)+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("decisions differ from %s:\n%s", golden, diffLines(string(want), got))
			}
		})
	}
}

func simulate(t *testing.T, tc dayCase) string {
	t.Helper()
	start := tc.start
	if start == 0 {
		start = 7*time.Hour + 30*time.Minute
	}
	fc := clockwork.NewFakeClockAt(monday.Add(start))
	pres := &tracePresence{clock: fc, known: !tc.unknown, lockKnown: !tc.noLock,
		active: parseSpans(t, tc.active), locked: parseSpans(t, tc.locked),
		idleFails: parseSpans(t, tc.idleFails),
		signals: map[presence.Signal][]span{
			presence.DoNotDisturb: parseSpans(t, tc.dnd),
			presence.Fullscreen:   parseSpans(t, tc.full),
			presence.Microphone:   parseSpans(t, tc.mic),
		}}
	var (
		mu    sync.Mutex
		lines []string
	)
	policy := moments.Config{WorkingHours: calendar.WorkingHours{Start: 9 * time.Hour, End: 17 * time.Hour, Location: berlin}}
	if tc.policy != nil {
		tc.policy(&policy)
	}
	opts := Options{
		Policy: policy,
		Clock:  fc,
		Log: moments.LogFunc(func(d moments.Decision) {
			mu.Lock()
			lines = append(lines, d.String())
			mu.Unlock()
		}),
		CalendarOptions: calendar.Options{Location: berlin},
	}
	if !tc.unknown || !tc.noLock {
		opts.Presence = pres
	}
	if !tc.noCal {
		src := flakySource{clock: fc, data: icsFor(t, tc.events)}
		if tc.failFrom > 0 {
			src.failFrom = monday.Add(tc.failFrom)
		}
		opts.Calendar = src
	}
	var s *Scheduler
	n := 0
	opts.OnMoment = func(m moments.Moment) {
		n++
		a, ok := tc.answers[n]
		if !ok {
			a.action = tc.allAnswer
		}
		if m.Released != nil || m.RecapOf != "" {
			mu.Lock()
			if m.Released != nil {
				lines = append(lines, fmt.Sprintf("  (item %s held since %s: %s)", m.Released.Moment.ID, m.Released.Since.In(berlin).Format("15:04"), m.Released.Reason))
			}
			if m.RecapOf != "" {
				lines = append(lines, "  (recap of "+m.RecapOf+")")
			}
			mu.Unlock()
		}
		switch a.action {
		case "", "accept":
			if err := s.Answer(m.ID, moments.Accepted); err != nil {
				t.Error(err)
			}
		case "dismiss":
			if err := s.Answer(m.ID, moments.Dismissed); err != nil {
				t.Error(err)
			}
		case "snooze":
			s.Snooze(m.ID, a.d)
		case "pause":
			s.Pause(a.d)
		}
	}
	var err error
	s, err = New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	days := max(tc.days, 1)
	steps := runUntil(t, s, fc, monday.AddDate(0, 0, days-1).Add(18*time.Hour))
	if pres.lockedQ != 0 {
		t.Errorf("%d idle queries while the screen was locked", pres.lockedQ)
	}
	st := s.Status()
	mu.Lock()
	defer mu.Unlock()
	out := strings.Join(lines, "\n") + "\n"
	out += fmt.Sprintf("-- end: %d offered today, %d min; week goal %d, target %d, done %d; excused %v; held %v\n",
		st.Offered, st.Minutes, st.Week.Goal, st.Week.Target, st.Week.Done, st.Week.Excused, st.Held != nil)
	t.Logf("%d job runs, %d idle queries", steps, pres.queries)
	return out
}

func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, c string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			c = g[i]
		}
		if a != c {
			fmt.Fprintf(&b, "line %d:\n- %s\n+ %s\n", i+1, a, c)
		}
	}
	return b.String()
}
