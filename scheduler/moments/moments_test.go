package moments

import (
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/scheduler/calendar"
)

var spanCases = []struct {
	name    string
	in      string
	want    Span
	wantErr string
}{
	{"lunch", "12:00-13:30", Span{12 * time.Hour, 13*time.Hour + 30*time.Minute}, ""},
	{"spaces and one-digit hour", " 9:05 - 17:00 ", Span{9*time.Hour + 5*time.Minute, 17 * time.Hour}, ""},
	{"wraps midnight", "22:00-07:00", Span{22 * time.Hour, 7 * time.Hour}, ""},
	{"to midnight", "18:00-24:00", Span{18 * time.Hour, 24 * time.Hour}, ""},
	{"no dash", "12:00", Span{}, "want HH:MM-HH:MM"},
	{"empty", "10:00-10:00", Span{}, "empty"},
	{"bad minute", "10:60-11:00", Span{}, "not a time of day"},
	{"hour 25", "25:00-11:00", Span{}, "not a time of day"},
	{"24:30", "10:00-24:30", Span{}, "not a time of day"},
	{"signed", "+1:00-02:00", Span{}, "not a time of day"},
	{"seconds", "10:00:00-11:00", Span{}, "not HH:MM"},
}

func TestParseSpan(t *testing.T) {
	for _, tc := range spanCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSpan(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseSpan(%q) = %v, %v; want error with %q", tc.in, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseSpan(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func FuzzParseSpan(f *testing.F) {
	for _, tc := range spanCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseSpan(in)
		if err != nil {
			return
		}
		if s.Start < 0 || s.Start > 24*time.Hour || s.End < 0 || s.End > 24*time.Hour || s.Start == s.End {
			t.Fatalf("ParseSpan(%q) = %v: out of a day", in, s)
		}
	})
}

func TestSpanContains(t *testing.T) {
	tests := []struct {
		name string
		span Span
		at   time.Duration
		want bool
	}{
		{"inside", Span{12 * time.Hour, 13 * time.Hour}, 12*time.Hour + 30*time.Minute, true},
		{"end excluded", Span{12 * time.Hour, 13 * time.Hour}, 13 * time.Hour, false},
		{"night, late", Span{22 * time.Hour, 7 * time.Hour}, 23 * time.Hour, true},
		{"night, early", Span{22 * time.Hour, 7 * time.Hour}, 6 * time.Hour, true},
		{"night, day", Span{22 * time.Hour, 7 * time.Hour}, 12 * time.Hour, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.span.contains(tc.at); got != tc.want {
				t.Fatalf("contains = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"defaults", Config{}, ""},
		{"pause too short", Config{PauseAfter: 30 * time.Second}, "45-120 s"},
		{"pause too long", Config{PauseAfter: 3 * time.Minute}, "45-120 s"},
		{"break shorter than pause", Config{PauseAfter: 90 * time.Second, BreakAfter: time.Minute}, "break after"},
		{"hours reversed", Config{WorkingHours: calendar.WorkingHours{Start: 17 * time.Hour, End: 9 * time.Hour}}, "working hours"},
		{"item longer than max", Config{ItemMinutes: 6, MaxItem: 5}, "budget"},
		{"packed share", Config{PackedShare: 1.5}, "packed share"},
		{"quiet hours", Config{Quiet: []Span{{25 * time.Hour, time.Hour}}}, "quiet hours"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, nil)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("New = %v, want error with %q", err, tc.wantErr)
			}
		})
	}
}

var utc = time.UTC

func day(h, m int) time.Time { return time.Date(2026, 11, 23, h, m, 0, 0, utc) } // a Monday

func engine(t testing.TB, cfg Config, log Log) *Engine {
	t.Helper()
	cfg.WorkingHours = calendar.WorkingHours{Start: 9 * time.Hour, End: 17 * time.Hour, Location: utc}
	e, err := New(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func cal(evs ...[3]any) calendar.Result {
	var r calendar.Result
	for _, ev := range evs {
		s, e := ev[0].(time.Time), ev[1].(time.Time)
		r.Events = append(r.Events, calendar.Event{Title: ev[2].(string), Start: s, End: e})
		r.Busy = append(r.Busy, calendar.Interval{Start: s, End: e})
	}
	return r
}

func TestPlan(t *testing.T) {
	tests := []struct {
		name string
		res  calendar.Result
		now  time.Time
		want []string
	}{
		{"empty calendar", cal(), day(8, 0), nil},
		{"one meeting", cal([3]any{day(10, 0), day(10, 30), "Standup"}), day(8, 0),
			[]string{"09:53 before-meeting 5m «Standup»", "10:30 after-meeting 5m «Standup»"}},
		{"short gap fits only the item and buffer", cal(
			[3]any{day(10, 0), day(10, 30), "A"}, [3]any{day(10, 35), day(11, 0), "B"}), day(8, 0),
			[]string{"09:53 before-meeting 5m «A»", "10:30 after-meeting 5m «A»", "10:30 before-meeting 3m «B»", "11:00 after-meeting 5m «B»"}},
		{"gap too short for anything", cal(
			[3]any{day(10, 0), day(10, 30), "A"}, [3]any{day(10, 32), day(11, 0), "B"}), day(8, 0),
			[]string{"09:53 before-meeting 5m «A»", "11:00 after-meeting 5m «B»"}},
		{"meeting at start of day and end of day", cal(
			[3]any{day(8, 30), day(9, 30), "Early"}, [3]any{day(16, 30), day(17, 30), "Late"}), day(8, 0),
			[]string{"09:30 after-meeting 5m «Early»", "16:23 before-meeting 5m «Late»"}},
		{"past moments dropped", cal([3]any{day(10, 0), day(10, 30), "Standup"}), day(10, 0),
			[]string{"10:30 after-meeting 5m «Standup»"}},
		{"overlapping meetings read as one", cal(
			[3]any{day(10, 0), day(11, 0), "A"}, [3]any{day(10, 30), day(11, 30), "B"}), day(8, 0),
			[]string{"09:53 before-meeting 5m «A»", "11:30 after-meeting 5m «B»"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := engine(t, Config{}, nil)
			e.SetCalendar(tc.now, tc.res)
			var got []string
			for _, m := range e.Plan(tc.now) {
				got = append(got, m.At.Format("15:04")+" "+string(m.Kind)+" "+fmtDur(time.Duration(m.Minutes)*time.Minute)+" "+quote(m.Meeting))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("Plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestHoldKeepsTimers: a held item does not move the spacing timer, and
// the next offer releases it.
func TestHoldKeepsTimers(t *testing.T) {
	var log []Decision
	e := engine(t, Config{}, LogFunc(func(d Decision) { log = append(log, d) }))
	active := Sample{Known: true, Idle: 70 * time.Second}
	d := e.Consider(day(9, 30), Moment{Kind: Pause, At: day(9, 30), Minutes: 3}, active)
	if !d.Offered {
		t.Fatalf("first pause not offered: %s", d)
	}
	typing := Sample{Known: true, Idle: time.Second, Signals: []string{"typing"}}
	d = e.Consider(day(10, 20), Moment{Kind: Pause, At: day(10, 20), Minutes: 3}, typing)
	if !d.Held {
		t.Fatalf("typing did not hold: %s", d)
	}
	d = e.Consider(day(10, 25), Moment{Kind: Pause, At: day(10, 25), Minutes: 3}, active)
	if !d.Offered || d.Moment.Released == nil || d.Moment.Released.Reason != "typing" {
		t.Fatalf("release at 10:25 (55 min after the last offer): %s", d)
	}
	if len(log) != 3 {
		t.Fatalf("%d decisions logged, want 3", len(log))
	}
}

// TestHoldUntouchedPopup: a pop-up that hid itself untouched keeps its item
// for the next moment the policy allows, which releases it; nothing counts
// as a dismissal.
func TestHoldUntouchedPopup(t *testing.T) {
	e := engine(t, Config{}, nil)
	active := Sample{Known: true, Idle: 70 * time.Second}
	d := e.Consider(day(9, 30), Moment{Kind: Pause, At: day(9, 30), Minutes: 3}, active)
	if !d.Offered {
		t.Fatalf("not offered: %s", d)
	}
	if err := e.Hold(day(9, 33), d.Moment.ID, "the pop-up hid itself untouched"); err != nil {
		t.Fatal(err)
	}
	if err := e.Hold(day(9, 33), "pause@nowhere", "x"); err == nil {
		t.Fatal("held an item never offered")
	}
	st := e.Status(day(9, 34))
	if st.Held == nil || st.Held.Moment.ID != d.Moment.ID || !st.SnoozedUntil.IsZero() {
		t.Fatalf("status after hold: %+v", st)
	}
	d = e.Consider(day(10, 20), Moment{Kind: Pause, At: day(10, 20), Minutes: 3}, active)
	if !d.Offered || d.Moment.Released == nil || d.Moment.Released.Moment.At != day(9, 30) {
		t.Fatalf("the next moment did not release the held item: %s", d)
	}
	if e.Status(day(10, 21)).Held != nil {
		t.Fatal("still held after release")
	}
}

func TestAnswerUnknown(t *testing.T) {
	e := engine(t, Config{}, nil)
	if err := e.Answer(day(10, 0), "pause@nowhere", Accepted); err == nil {
		t.Fatal("answer to an item never offered accepted")
	}
}

// BenchmarkDay runs the engine over a working day sampled every 5 s with a
// moment considered every 10 minutes.
func BenchmarkDay(b *testing.B) {
	res := cal([3]any{day(10, 0), day(10, 30), "Standup"}, [3]any{day(14, 0), day(15, 0), "Review"})
	for b.Loop() {
		e := engine(b, Config{}, nil)
		e.SetCalendar(day(8, 0), res)
		_ = e.Plan(day(8, 0))
		for t := day(9, 0); t.Before(day(17, 0)); t = t.Add(5 * time.Second) {
			idle := time.Duration(t.Unix()%600) * time.Second
			s := Sample{Known: true, Idle: idle, LockKnown: true}
			if m, ok := e.Observe(t, s); ok {
				e.Consider(t, m, s)
			}
		}
	}
}
