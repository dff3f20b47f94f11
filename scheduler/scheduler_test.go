package scheduler

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/tidbit-learn/tidbit/scheduler/calendar"
	"github.com/tidbit-learn/tidbit/scheduler/moments"
)

type panicSource struct{}

func (panicSource) Name() string { return "broken" }
func (panicSource) Fetch(ctx context.Context) ([]calendar.RawCalendar, error) {
	panic("decoder bug")
}

// TestBadCalendars: a source that panics or serves garbage is a failed
// refresh with a note, never a crash and never a calendar moment.
func TestBadCalendars(t *testing.T) {
	tests := []struct {
		name string
		src  calendar.Source
		want string
	}{
		{"panics", panicSource{}, "panic: decoder bug"},
		{"html", calendar.StaticSource{Label: "web", Calendars: []calendar.RawCalendar{{Source: "web", Data: []byte("<html><body>login</body></html>")}}}, "calendar failed"},
		{"truncated", calendar.StaticSource{Label: "cut", Calendars: []calendar.RawCalendar{{Source: "cut", Data: []byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026")}}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fc := clockwork.NewFakeClockAt(monday.Add(8 * time.Hour))
			var mu sync.Mutex
			var notes []string
			s, err := New(Options{
				Policy:   moments.Config{WorkingHours: calendar.WorkingHours{Start: 9 * time.Hour, End: 17 * time.Hour, Location: berlin}},
				Calendar: tc.src, Clock: fc,
				Log: moments.LogFunc(func(d moments.Decision) {
					mu.Lock()
					notes = append(notes, d.String())
					mu.Unlock()
				}),
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			defer s.Stop()
			runUntil(t, s, fc, monday.Add(17*time.Hour))
			mu.Lock()
			defer mu.Unlock()
			all := strings.Join(notes, "\n")
			if tc.want != "" && !strings.Contains(all, tc.want) {
				t.Fatalf("log lacks %q:\n%s", tc.want, all)
			}
			if strings.Contains(all, "offered") {
				t.Fatalf("offered something from a broken calendar:\n%s", all)
			}
		})
	}
}

// TestNoPollingOffHours: over a weekend nothing asks for idle time after the
// first sample.
func TestNoPollingOffHours(t *testing.T) {
	saturday := monday.AddDate(0, 0, 5)
	fc := clockwork.NewFakeClockAt(saturday.Add(10 * time.Hour))
	pres := &tracePresence{clock: fc, known: true, lockKnown: true,
		active: []span{{5*24*time.Hour + 10*time.Hour, 5*24*time.Hour + 12*time.Hour}}}
	s, err := New(Options{Clock: fc, Presence: pres,
		Policy: moments.Config{WorkingHours: calendar.WorkingHours{Start: 9 * time.Hour, End: 17 * time.Hour, Location: berlin}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if err := s.Start(context.Background()); err == nil {
		t.Fatal("second Start succeeded")
	}
	runUntil(t, s, fc, saturday.AddDate(0, 0, 1).Add(23*time.Hour))
	pres.mu.Lock()
	q := pres.queries
	pres.mu.Unlock()
	if q > 1 {
		t.Fatalf("%d idle queries over a weekend, want at most 1", q)
	}
}

// TestStateAcrossRestart: the state stored by one run makes the next run on
// the same day continue the budget instead of starting over.
func TestStateAcrossRestart(t *testing.T) {
	tc := dayCase{name: "restart", events: "10:00-10:30 Standup; 14:00-15:00 Review", unknown: true, noLock: true}
	policy := moments.Config{WorkingHours: calendar.WorkingHours{Start: 9 * time.Hour, End: 17 * time.Hour, Location: berlin}, MaxPerDay: 2}
	run := func(from, to time.Duration, st *moments.State) (offered int, last moments.State) {
		fc := clockwork.NewFakeClockAt(monday.Add(from))
		var s *Scheduler
		s, err := New(Options{Policy: policy, Clock: fc, State: st,
			Calendar:        flakySource{clock: fc, data: icsFor(t, tc.events)},
			CalendarOptions: calendar.Options{Location: berlin},
			OnMoment:        func(moments.Moment) { offered++ },
			OnState:         func(x moments.State) { last = x },
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		runUntil(t, s, fc, monday.Add(to))
		s.Stop()
		return offered, last
	}
	first, st := run(8*time.Hour, 12*time.Hour, nil)
	if first != 1 || st.Offered != 1 {
		t.Fatalf("morning: %d offered, state %+v; want 1", first, st)
	}
	second, st2 := run(12*time.Hour, 18*time.Hour, &st)
	if second != 1 || st2.Offered != 2 {
		t.Fatalf("afternoon after restart: %d offered, state says %d today; want 1 and 2 (budget of 2)", second, st2.Offered)
	}
}

// lateDesktop is a presence whose idle service appears at 10:00.
type lateDesktop struct {
	*tracePresence
	from time.Time
}

func (l *lateDesktop) Reprobe(ctx context.Context) bool {
	if !l.clock.Now().Before(l.from) {
		l.mu.Lock()
		l.known = true
		l.mu.Unlock()
	}
	return l.Known()
}

func (l *lateDesktop) Known() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.known
}

// TestReprobeStartsSampling: with presence unknown at start, idle moments
// begin once a refresh finds the backend.
func TestReprobeStartsSampling(t *testing.T) {
	fc := clockwork.NewFakeClockAt(monday.Add(8 * time.Hour))
	pres := &lateDesktop{tracePresence: &tracePresence{clock: fc, active: parseSpans(t, "09:00-10:30, 10:32-12:00")},
		from: monday.Add(10 * time.Hour)}
	var mu sync.Mutex
	var lines []string
	s, err := New(Options{Clock: fc, Presence: pres,
		Policy: moments.Config{WorkingHours: calendar.WorkingHours{Start: 9 * time.Hour, End: 17 * time.Hour, Location: berlin}},
		Log: moments.LogFunc(func(d moments.Decision) {
			mu.Lock()
			lines = append(lines, d.String())
			mu.Unlock()
		})})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	runUntil(t, s, fc, monday.Add(12*time.Hour))
	mu.Lock()
	defer mu.Unlock()
	got := strings.Join(lines, "\n")
	if !strings.Contains(got, "10:00:00 note: presence backend found") || !strings.Contains(got, "10:31:00 pause offered") {
		t.Fatalf("log:\n%s", got)
	}
}

// TestOnIdle: the idle hook hears each change of the user's state once,
// from the samples the scheduler takes anyway: active at 9:00, idle from
// about 10:01 (a minute after the last input), active again at 10:30.
func TestOnIdle(t *testing.T) {
	fc := clockwork.NewFakeClockAt(monday.Add(9 * time.Hour))
	pres := &tracePresence{clock: fc, known: true, lockKnown: true,
		active: []span{{9 * time.Hour, 10 * time.Hour}, {10*time.Hour + 30*time.Minute, 17 * time.Hour}}}
	var mu sync.Mutex
	var got []string
	s, err := New(Options{Clock: fc, Presence: pres,
		Policy: moments.Config{WorkingHours: calendar.WorkingHours{Start: 9 * time.Hour, End: 17 * time.Hour, Location: berlin}},
		OnIdle: func(idle bool) {
			mu.Lock()
			got = append(got, fmt.Sprintf("%s idle=%v", fc.Now().In(berlin).Format("15:04"), idle))
			mu.Unlock()
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	runUntil(t, s, fc, monday.Add(11*time.Hour))
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 || !strings.HasSuffix(got[0], "idle=false") || !strings.HasPrefix(got[1], "10:0") ||
		!strings.HasSuffix(got[1], "idle=true") || !strings.HasPrefix(got[2], "10:3") || !strings.HasSuffix(got[2], "idle=false") {
		t.Fatalf("idle changes %q", got)
	}
}

// TestOnIdleHearsTheReturnSoon: while the user is idle (background work
// may run), the scheduler keeps sampling every AwayPoll even when no
// moment could be offered for a while, so the return is heard in seconds.
func TestOnIdleHearsTheReturnSoon(t *testing.T) {
	fc := clockwork.NewFakeClockAt(monday.Add(9 * time.Hour))
	// Idle since 8:58:50 (a pause is offered at 9:00, so spacing allows
	// no other moment before 9:45, and a break would start at 9:03:50),
	// back at 9:02.
	pres := &tracePresence{clock: fc, known: true, lockKnown: true,
		active: []span{{8 * time.Hour, 8*time.Hour + 58*time.Minute + 50*time.Second}, {9*time.Hour + 2*time.Minute, 17 * time.Hour}}}
	var mu sync.Mutex
	var back time.Time
	s, err := New(Options{Clock: fc, Presence: pres,
		Policy: moments.Config{WorkingHours: calendar.WorkingHours{Start: 9 * time.Hour, End: 17 * time.Hour, Location: berlin}},
		OnIdle: func(idle bool) {
			mu.Lock()
			if !idle && back.IsZero() {
				back = fc.Now()
			}
			mu.Unlock()
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	runUntil(t, s, fc, monday.Add(9*time.Hour+20*time.Minute))
	mu.Lock()
	defer mu.Unlock()
	if back.IsZero() || back.Sub(monday.Add(9*time.Hour+2*time.Minute)) > 20*time.Second {
		t.Fatalf("the return at 9:02 was heard at %v", back.In(berlin))
	}
}
