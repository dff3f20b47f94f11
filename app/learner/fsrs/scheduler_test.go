package fsrs

import (
	"math"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

type handStep struct {
	afterDays int
	rating    Rating
	wantR     float64 // retrievability before the review; <0 = not checked
	wantS     float64
	wantD     float64 // <0 = not checked
}

// handCases are the FSRS-6 vectors in shared/notes/learner.md (default
// weights, ts-fsrs 5.4.2), given to 4 decimals.
var handCases = []struct {
	name  string
	steps []handStep
}{
	{"good first, then lapse and recovery", []handStep{
		{0, Good, -1, 2.3065, 2.1181},
		{3, Good, 0.8809, 13.8269, -1},
		{8, Good, -1, 42.0630, -1},
		{20, Again, 0.9427, 2.6310, 7.3900},
		{1, Good, -1, 4.6638, -1},
		{5, Easy, -1, 18.5199, 6.4868},
	}},
	{"easy first, long intervals", []handStep{
		{0, Easy, -1, 8.2956, 1},
		{15, Good, -1, 54.8609, -1},
		{40, Good, -1, 174.9047, -1},
		{90, Hard, -1, 318.9515, 4.0106},
	}},
}

func TestHandVectors(t *testing.T) {
	s := MustDefault()
	for _, tc := range handCases {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCard(t0)
			now := t0
			for i, st := range tc.steps {
				now = now.Add(days(st.afterDays))
				next, log, err := s.Next(c, now, st.rating)
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if st.wantR >= 0 && math.Abs(log.Retrievability-st.wantR) > 5e-5 {
					t.Errorf("step %d: R = %.6f, want %.4f", i, log.Retrievability, st.wantR)
				}
				if math.Abs(next.Stability-st.wantS) > 5e-5 {
					t.Errorf("step %d: S = %.6f, want %.4f", i, next.Stability, st.wantS)
				}
				if st.wantD >= 0 && math.Abs(next.Difficulty-st.wantD) > 5e-5 {
					t.Errorf("step %d: D = %.6f, want %.4f", i, next.Difficulty, st.wantD)
				}
				c = next
			}
		})
	}
}

func TestForgettingCurveAnchors(t *testing.T) {
	s := MustDefault()
	for _, st := range []float64{0.5, 1, 2.3065, 10, 365, 36500} {
		if r := s.ForgettingCurve(st, st); math.Abs(r-0.9) > 1e-7 {
			t.Errorf("R(S, S) for S = %v is %v, want 0.9", st, r)
		}
	}
	if r := s.ForgettingCurve(0, 3); r != 1 {
		t.Errorf("R(0, S) = %v, want 1", r)
	}
	// At 90 % desired retention the interval is S (rounded).
	for _, st := range []float64{2.3065, 13.8269, 42.063, 318.9515} {
		if got, want := s.Interval(st), int(math.Round(st)); got != want {
			t.Errorf("Interval(%v) = %d, want %d", st, got, want)
		}
	}
}

func TestIntervalFollowsRetention(t *testing.T) {
	for _, tc := range []struct {
		name      string
		retention float64
	}{
		{"0.80", 0.80}, {"0.85", 0.85}, {"0.90", 0.90}, {"0.95", 0.95},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultParameters()
			p.DesiredRetention = tc.retention
			s, err := NewScheduler(p)
			if err != nil {
				t.Fatal(err)
			}
			const st = 100.0
			ivl := float64(s.Interval(st))
			// R at the interval is the desired retention, up to the
			// rounding of the interval to whole days.
			lo, hi := s.ForgettingCurve(ivl+1, st), s.ForgettingCurve(ivl-1, st)
			if tc.retention < lo || tc.retention > hi {
				t.Errorf("interval %v: R in [%v, %v] does not bracket %v", ivl, lo, hi, tc.retention)
			}
		})
	}
}

func TestLearningSteps(t *testing.T) {
	s := MustDefault()
	newCard := NewCard(t0)
	tests := []struct {
		name      string
		card      Card
		after     time.Duration
		rating    Rating
		wantState State
		wantDue   time.Duration // after the review
		wantStep  int
		wantLapse int
	}{
		{"new again", newCard, 0, Again, Learning, time.Minute, 0, 0},
		{"new hard: halfway between 1m and 10m", newCard, 0, Hard, Learning, 6 * time.Minute, 0, 0},
		{"new good: second step", newCard, 0, Good, Learning, 10 * time.Minute, 1, 0},
		{"new easy: graduates", newCard, 0, Easy, Review, days(8), 0, 0},
		{"learning good at last step: graduates", Card{Due: t0, Stability: 2.3065, Difficulty: 2.1181,
			State: Learning, LearningStep: 1, Reps: 1, LastReview: t0}, 10 * time.Minute, Good, Review, days(2), 0, 0},
		{"review again: relearning step", Card{Due: t0, Stability: 20, Difficulty: 5, State: Review,
			Reps: 5, LastReview: t0.Add(-days(20)), ScheduledDays: 20}, 0, Again, Relearning, 10 * time.Minute, 0, 1},
		{"relearning hard with one step: 1.5 x step", Card{Due: t0, Stability: 3, Difficulty: 7, State: Relearning,
			Reps: 6, Lapses: 1, LastReview: t0}, 10 * time.Minute, Hard, Relearning, 15 * time.Minute, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now := t0.Add(tc.after)
			got, _, err := s.Next(tc.card, now, tc.rating)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != tc.wantState || got.LearningStep != tc.wantStep || got.Lapses != tc.wantLapse {
				t.Errorf("state %v step %d lapses %d, want %v %d %d", got.State, got.LearningStep, got.Lapses,
					tc.wantState, tc.wantStep, tc.wantLapse)
			}
			if d := got.Due.Sub(now); d != tc.wantDue {
				t.Errorf("due in %v, want %v", d, tc.wantDue)
			}
			if got.Reps != tc.card.Reps+1 || !got.LastReview.Equal(now) {
				t.Errorf("reps %d last review %v, want %d %v", got.Reps, got.LastReview, tc.card.Reps+1, now)
			}
		})
	}
}

func TestNoSteps(t *testing.T) {
	p := DefaultParameters()
	p.LearningSteps, p.RelearningSteps = nil, nil
	s, err := NewScheduler(p)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := s.Next(NewCard(t0), t0, Again)
	if err != nil {
		t.Fatal(err)
	}
	if c.State != Review || c.ScheduledDays != 1 {
		t.Errorf("without learning steps, Again on a new card gives %v in %d days, want review in 1", c.State, c.ScheduledDays)
	}
}

func TestSameDayReview(t *testing.T) {
	s := MustDefault()
	c, _, _ := s.Next(NewCard(t0), t0, Good)
	// Same UTC day: short-term formula, S * e^(w17 (G-3+w18)) * S^-w19.
	w := s.Weights()
	later := t0.Add(3 * time.Hour)
	next, log, err := s.Next(c, later, Good)
	if err != nil {
		t.Fatal(err)
	}
	if log.ElapsedDays != 0 {
		t.Fatalf("elapsed %d days on the same day", log.ElapsedDays)
	}
	sinc := math.Max(math.Exp(w[17]*w[18])*math.Pow(c.Stability, -w[19]), 1)
	if want := c.Stability * sinc; math.Abs(next.Stability-want) > 1e-8 {
		t.Errorf("same-day S = %v, want %v", next.Stability, want)
	}
	// 23:59 and 00:01 are different UTC days even though 2 minutes apart.
	late := time.Date(2025, 3, 1, 23, 59, 0, 0, time.UTC)
	c2, _, _ := s.Next(NewCard(late), late, Good)
	_, log2, _ := s.Next(c2, late.Add(2*time.Minute), Good)
	if log2.ElapsedDays != 1 {
		t.Errorf("elapsed across UTC midnight = %d, want 1", log2.ElapsedDays)
	}
}

func TestClockSkew(t *testing.T) {
	s := MustDefault()
	c := Card{Due: t0, Stability: 10, Difficulty: 5, State: Review, Reps: 4, LastReview: t0}
	for _, back := range []time.Duration{time.Minute, 26 * time.Hour, days(400)} {
		for _, r := range Ratings {
			next, log, err := s.Next(c, t0.Add(-back), r)
			if err != nil {
				t.Fatal(err)
			}
			if log.ElapsedDays != 0 || next.ElapsedDays != 0 {
				t.Errorf("review %v before the last: elapsed %d, want 0", back, log.ElapsedDays)
			}
			same, _, _ := s.Next(c, t0, r)
			if next.Stability != same.Stability || next.Difficulty != same.Difficulty {
				t.Errorf("skewed %v review %v: S,D = %v,%v, same-moment review %v,%v", back, r,
					next.Stability, next.Difficulty, same.Stability, same.Difficulty)
			}
		}
		if r := s.Retrievability(c, t0.Add(-back)); r != 1 {
			t.Errorf("Retrievability %v before the last review = %v, want 1", back, r)
		}
	}
}

func TestRetrievabilityNewCard(t *testing.T) {
	if r := MustDefault().Retrievability(NewCard(t0), t0.Add(days(3))); r != 0 {
		t.Errorf("R of a new card = %v, want 0 (as ts-fsrs)", r)
	}
}

func TestPreviewMatchesNext(t *testing.T) {
	s := MustDefault()
	cards := []Card{
		NewCard(t0),
		{Due: t0, Stability: 2.3, Difficulty: 2.1, State: Learning, LearningStep: 1, Reps: 1, LastReview: t0.Add(-time.Hour)},
		{Due: t0, Stability: 40, Difficulty: 6, State: Review, Reps: 7, LastReview: t0.Add(-days(45))},
		{Due: t0, Stability: 3, Difficulty: 8, State: Relearning, Reps: 9, Lapses: 2, LastReview: t0.Add(-days(1))},
	}
	for _, c := range cards {
		t.Run(c.State.String(), func(t *testing.T) {
			pv, err := s.Preview(c, t0)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range Ratings {
				next, log, _ := s.Next(c, t0, r)
				if pv[i].Card != next || pv[i].Log != log {
					t.Errorf("%v: preview %+v, next %+v", r, pv[i].Card, next)
				}
			}
			if c.State == Review {
				h, g, e := pv[1].Card.ScheduledDays, pv[2].Card.ScheduledDays, pv[3].Card.ScheduledDays
				if !(h < g && g < e) {
					t.Errorf("review intervals hard %d good %d easy %d not increasing", h, g, e)
				}
			}
		})
	}
}

func TestNextRejectsBadInput(t *testing.T) {
	s := MustDefault()
	good := Card{Due: t0, Stability: 5, Difficulty: 5, State: Review, LastReview: t0}
	tests := []struct {
		name    string
		card    Card
		rating  Rating
		wantErr string
	}{
		{"rating 0", good, 0, "invalid rating 0"},
		{"rating 5", good, 5, "invalid rating 5"},
		{"NaN stability", Card{Stability: math.NaN(), Difficulty: 5, State: Review}, Good, "stability NaN"},
		{"Inf difficulty", Card{Stability: 5, Difficulty: math.Inf(1), State: Review}, Good, "difficulty +Inf"},
		{"negative stability", Card{Stability: -1, Difficulty: 5, State: Review}, Good, "stability -1"},
		{"unknown state", Card{Stability: 5, Difficulty: 5, State: 9}, Good, "unknown state 9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := s.Next(tc.card, t0, tc.rating)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestCorruptStateIsClamped(t *testing.T) {
	s := MustDefault()
	c := Card{Due: t0, Stability: 1e-9, Difficulty: 0.2, State: Review, LastReview: t0.Add(-days(3))}
	next, _, err := s.Next(c, t0, Good)
	if err != nil {
		t.Fatal(err)
	}
	if next.Stability < MinStability || next.Difficulty < MinDifficulty || next.Difficulty > MaxDifficulty {
		t.Errorf("S %v D %v out of bounds", next.Stability, next.Difficulty)
	}
}

func TestNewSchedulerRejectsBadParameters(t *testing.T) {
	withW := func(f func(w []float64) []float64) Parameters {
		p := DefaultParameters()
		p.W = f(append([]float64(nil), DefaultWeights[:]...))
		return p
	}
	tests := []struct {
		name    string
		p       Parameters
		wantErr string
	}{
		{"20 weights", withW(func(w []float64) []float64 { return w[:20] }), "20 weights given"},
		{"no weights", withW(func(w []float64) []float64 { return nil }), "0 weights given"},
		{"NaN weight", withW(func(w []float64) []float64 { w[8] = math.NaN(); return w }), "w8 is NaN"},
		{"Inf weight", withW(func(w []float64) []float64 { w[20] = math.Inf(-1); return w }), "w20 is -Inf"},
		{"retention 0", func() Parameters { p := DefaultParameters(); p.DesiredRetention = 0; return p }(), "retention 0 outside"},
		{"retention 1.2", func() Parameters { p := DefaultParameters(); p.DesiredRetention = 1.2; return p }(), "retention 1.2 outside"},
		{"retention NaN", func() Parameters { p := DefaultParameters(); p.DesiredRetention = math.NaN(); return p }(), "retention NaN"},
		{"max interval 0", func() Parameters { p := DefaultParameters(); p.MaximumInterval = 0; return p }(), "maximum interval 0"},
		{"step of 30s", func() Parameters {
			p := DefaultParameters()
			p.LearningSteps = []time.Duration{30 * time.Second}
			return p
		}(), "learning step 1 is 30s"},
		{"negative relearning step", func() Parameters {
			p := DefaultParameters()
			p.RelearningSteps = []time.Duration{time.Minute, -time.Minute}
			return p
		}(), "relearning step 2 is -1m0s"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewScheduler(tc.p)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestValidateWeights(t *testing.T) {
	if err := ValidateWeights(DefaultWeights[:], 1); err != nil {
		t.Errorf("defaults: %v", err)
	}
	bad := append([]float64(nil), DefaultWeights[:]...)
	bad[4], bad[20] = 11, 0.05
	err := ValidateWeights(bad, 1)
	if err == nil || !strings.Contains(err.Error(), "w4 = 11 outside [1, 10]") || !strings.Contains(err.Error(), "w20 = 0.05 outside [0.1, 0.8]") {
		t.Errorf("error %v, want w4 and w20 named", err)
	}
	// Several relearning steps lower the ceiling of w17/w18.
	hi := append([]float64(nil), DefaultWeights[:]...)
	hi[17] = 1.9
	if err := ValidateWeights(hi, 1); err != nil {
		t.Errorf("w17 = 1.9 with one relearning step: %v", err)
	}
	if err := ValidateWeights(hi, 3); err == nil || !strings.Contains(err.Error(), "w17 = 1.9 outside") {
		t.Errorf("w17 = 1.9 with three relearning steps: error %v", err)
	}
	if err := ValidateWeights(DefaultWeights[:19], 1); err == nil {
		t.Error("19 weights accepted by the strict check")
	}
}

func TestMigrateWeights(t *testing.T) {
	// FSRS-5 defaults: decay 0.5, w19 lifted to its 0.01 floor.
	fsrs5 := []float64{0.40255, 1.18385, 3.173, 15.69105, 7.1949, 0.5345, 1.4604, 0.0046, 1.54575, 0.1192,
		1.01925, 1.9395, 0.11, 0.29605, 2.2698, 0.2315, 2.9898, 0.51655, 0.6621}
	w, err := MigrateWeights(fsrs5, 1)
	if err != nil {
		t.Fatal(err)
	}
	if w[19] != 0.01 || w[20] != 0.5 || w[3] != 15.69105 {
		t.Errorf("FSRS-5 migration: w19 %v w20 %v w3 %v", w[19], w[20], w[3])
	}
	// FSRS-4.5: w4 = 2 w5 + w4, w5 = ln(3 w5 + 1)/3, w6 += 0.5.
	fsrs45 := []float64{0.4, 0.6, 2.4, 5.8, 4.93, 0.94, 0.86, 0.01, 1.49, 0.14, 0.94, 2.18, 0.05, 0.34, 1.26, 0.29, 2.61}
	w, err = MigrateWeights(fsrs45, 1)
	if err != nil {
		t.Fatal(err)
	}
	if w[4] != 6.81 || math.Abs(w[5]-math.Log(3*0.94+1)/3) > 1e-8 || w[6] != 1.36 || w[17] != 0 || w[18] != 0 || w[19] != 0.01 || w[20] != 0.5 {
		t.Errorf("FSRS-4.5 migration: %v", w)
	}
	if _, err := MigrateWeights(make([]float64, 18), 1); err == nil {
		t.Error("18 weights migrated")
	}
}

func TestJSNumber(t *testing.T) {
	a, b := 0.1, 0.2
	point3 := a + b // not a constant: Go folds constants exactly
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"}, {1, "1"}, {-2.5, "-2.5"}, {4.8853335, "4.8853335"}, {point3, "0.30000000000000004"},
		{1e-6, "0.000001"}, {1.5e-7, "1.5e-7"}, {1e21, "1e+21"}, {123456789012345680000, "123456789012345680000"},
		{48.8531, "48.8531"}, {1e-7, "1e-7"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := jsNumber(tc.in); got != tc.want {
				t.Errorf("jsNumber(%v) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestFuzzIsDeterministicAndBounded(t *testing.T) {
	p := DefaultParameters()
	p.EnableFuzz = true
	s, err := NewScheduler(p)
	if err != nil {
		t.Fatal(err)
	}
	c := Card{Due: t0, Stability: 100, Difficulty: 5, State: Review, Reps: 10, LastReview: t0.Add(-days(100))}
	a, _, _ := s.Next(c, t0, Good)
	b, _, _ := s.Next(c, t0, Good)
	if a != b {
		t.Fatal("same review fuzzed differently")
	}
	plain := MustDefault().Interval(a.Stability)
	lo, hi := fuzzBounds(float64(plain), 100, DefaultMaximumInterval)
	if d := float64(a.ScheduledDays); d < lo || d > hi {
		t.Errorf("fuzzed interval %v outside [%v, %v] around %d", d, lo, hi, plain)
	}
	if hi-lo < 20 {
		t.Errorf("fuzz range [%v, %v] for %d days is narrower than ts-fsrs's", lo, hi, plain)
	}
}
