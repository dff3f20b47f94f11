package fsrs

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// randomWeights draws each weight uniformly from its range, with the range
// ends themselves drawn now and then.
func randomWeights(rng *rand.Rand) []float64 {
	r := baseRanges()
	w := make([]float64, NumWeights)
	for i := range w {
		switch rng.IntN(10) {
		case 0:
			w[i] = r[i].Min
		case 1:
			w[i] = r[i].Max
		default:
			w[i] = r[i].Min + rng.Float64()*(r[i].Max-r[i].Min)
		}
	}
	return w
}

// checkInvariants fails t if c breaks an invariant of a reviewed card.
func checkInvariants(t *testing.T, where string, s *Scheduler, c Card, log ReviewLog, now time.Time) {
	t.Helper()
	for name, x := range map[string]float64{"S": c.Stability, "D": c.Difficulty, "R": log.Retrievability} {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Fatalf("%s: %s is %v", where, name, x)
		}
	}
	if c.Stability < MinStability || c.Stability > MaxStability {
		t.Fatalf("%s: S = %v outside [%v, %v]", where, c.Stability, MinStability, MaxStability)
	}
	if c.Difficulty < MinDifficulty || c.Difficulty > MaxDifficulty {
		t.Fatalf("%s: D = %v outside [1, 10]", where, c.Difficulty)
	}
	if log.Retrievability < 0 || log.Retrievability > 1 {
		t.Fatalf("%s: R = %v outside [0, 1]", where, log.Retrievability)
	}
	if c.Due.Before(now) {
		t.Fatalf("%s: due %v before the review %v", where, c.Due, now)
	}
	// Good and Easy stay 1 and 2 days above Hard even at the cap, as in
	// ts-fsrs.
	if c.ScheduledDays < 0 || c.ScheduledDays > s.params.MaximumInterval+2 {
		t.Fatalf("%s: scheduled %d days, max %d", where, c.ScheduledDays, s.params.MaximumInterval)
	}
	if c.ElapsedDays < 0 || log.ElapsedDays < 0 {
		t.Fatalf("%s: negative elapsed days %d", where, c.ElapsedDays)
	}
	if c.State == New {
		t.Fatalf("%s: card still new after a review", where)
	}
}

func TestPropertiesRandomSequences(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for q := 0; q < 500; q++ {
		p := DefaultParameters()
		if q%2 == 1 {
			p.W = randomWeights(rng)
		}
		p.DesiredRetention = 0.7 + 0.29*rng.Float64()
		p.EnableFuzz = q%5 == 0
		s, err := NewScheduler(p)
		if err != nil {
			t.Fatalf("sequence %d: %v", q, err)
		}
		now := t0.Add(time.Duration(rng.Int64N(int64(days(365)))))
		c := NewCard(now)
		for k := 0; k < 30; k++ {
			switch rng.IntN(4) {
			case 0:
				now = now.Add(time.Duration(rng.Int64N(int64(6 * time.Hour))))
			case 1:
				now = now.Add(days(1 + rng.IntN(3000)))
			case 2:
				now = now.Add(-time.Duration(rng.Int64N(int64(days(3))))) // clock skew
			default:
				now = c.Due.Add(time.Duration(rng.Int64N(int64(days(2)))))
			}
			g := Ratings[rng.IntN(4)]
			next, log, err := s.Next(c, now, g)
			if err != nil {
				t.Fatalf("sequence %d review %d: %v", q, k, err)
			}
			checkInvariants(t, "random sequence", s, next, log, now)
			// A successful review in Review state never lowers stability:
			// the recall factor is >= 1, and so is the same-day factor
			// for Hard and above (up to the rounding to 8 decimals).
			if c.State == Review && g >= Hard && next.Stability < c.Stability-5e-9 && c.Stability < MaxStability {
				t.Fatalf("sequence %d review %d: %v after %d days lowered S from %v to %v",
					q, k, g, log.ElapsedDays, c.Stability, next.Stability)
			}
			// With default weights (w15 > 0) the increase is strict.
			if q%2 == 0 && c.State == Review && g >= Hard && log.ElapsedDays > 0 && c.Stability < 1000 &&
				next.Stability <= c.Stability {
				t.Fatalf("sequence %d review %d: %v did not raise S (%v -> %v)", q, k, g, c.Stability, next.Stability)
			}
			// Again lowers stability in Review state.
			if c.State == Review && g == Again && log.ElapsedDays > 0 && next.Stability > c.Stability {
				t.Fatalf("sequence %d review %d: Again raised S from %v to %v", q, k, c.Stability, next.Stability)
			}
			c = next
		}
	}
}

func TestPropertyRetrievability(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for q := 0; q < 200; q++ {
		p := DefaultParameters()
		p.W = randomWeights(rng)
		s, err := NewScheduler(p)
		if err != nil {
			t.Fatal(err)
		}
		st := math.Exp(rng.Float64()*math.Log(MaxStability/MinStability)) * MinStability
		c := Card{Due: t0, Stability: st, Difficulty: 5, State: Review, LastReview: t0}
		prev := 1.0
		for d := 0; d < 4000; d += 1 + d/10 {
			r := s.Retrievability(c, t0.Add(days(d)))
			if r < 0 || r > 1 || math.IsNaN(r) {
				t.Fatalf("S %v after %d days: R = %v", st, d, r)
			}
			if r > prev {
				t.Fatalf("S %v: R rose from %v to %v at day %d", st, prev, r, d)
			}
			prev = r
		}
		// Strictly lower one stability later (R(S)=0.9 < R(0)=1, and so on).
		for _, x := range []float64{0, 1, 5} {
			if a, b := s.ForgettingCurve(x*st, st), s.ForgettingCurve((x+1)*st, st); !(b < a) {
				t.Fatalf("S %v: R(%v S) = %v not above R(%v S) = %v", st, x, a, x+1, b)
			}
		}
	}
}

// FuzzNext replays random reviews with random weights and gaps (including
// clock skew and gaps of decades) and checks that cards stay within bounds
// and free of NaN/Inf.
func FuzzNext(f *testing.F) {
	// Seeds: the hand-vector sequences, encoded as rating and gap bytes.
	for _, tc := range handCases {
		var ratings, gaps []byte
		for _, st := range tc.steps {
			ratings = append(ratings, byte(st.rating-1))
			gaps = binary.LittleEndian.AppendUint16(gaps, uint16(st.afterDays))
		}
		f.Add(ratings, gaps, uint64(0), 0.9)
		f.Add(ratings, gaps, uint64(7), 0.8)
	}
	f.Add([]byte{0, 0, 0, 0}, []byte{0, 0, 255, 255, 0, 128}, uint64(42), 0.95)
	f.Fuzz(func(t *testing.T, ratings, gaps []byte, wseed uint64, retention float64) {
		p := DefaultParameters()
		if wseed != 0 {
			p.W = randomWeights(rand.New(rand.NewPCG(wseed, wseed>>7)))
		}
		p.DesiredRetention = retention
		p.EnableFuzz = wseed%3 == 1
		s, err := NewScheduler(p)
		if err != nil {
			if retention > 0 && retention <= 1 {
				t.Fatalf("valid retention %v rejected: %v", retention, err)
			}
			return
		}
		now := t0
		c := NewCard(now)
		for i, b := range ratings {
			if i > 64 {
				break
			}
			if 2*i+1 < len(gaps) {
				// Gap in units chosen by the low bits: minutes, hours,
				// days, or negative hours (clock skew).
				g := int64(binary.LittleEndian.Uint16(gaps[2*i:]))
				switch g & 3 {
				case 0:
					now = now.Add(time.Duration(g>>2) * time.Minute)
				case 1:
					now = now.Add(time.Duration(g>>2) * time.Hour)
				case 2:
					now = now.Add(days(int(g >> 2)))
				default:
					now = now.Add(-time.Duration(g>>2) * time.Hour)
				}
			}
			r := Rating(b%5) + 0 // 0 is invalid and must be rejected
			next, log, err := s.Next(c, now, r)
			if !r.Valid() {
				if err == nil {
					t.Fatalf("rating %d accepted", r)
				}
				continue
			}
			if err != nil {
				t.Fatalf("review %d: %v", i, err)
			}
			checkInvariants(t, "fuzz", s, next, log, now)
			if rr := s.Retrievability(next, now.Add(days(int(b)))); rr < 0 || rr > 1 || math.IsNaN(rr) {
				t.Fatalf("R = %v", rr)
			}
			c = next
		}
	})
}

func benchCard(s *Scheduler) Card {
	c := NewCard(t0)
	now := t0
	for _, step := range handCases[0].steps {
		now = now.Add(days(step.afterDays))
		c, _, _ = s.Next(c, now, step.rating)
	}
	return c
}

func BenchmarkNext(b *testing.B) {
	s := MustDefault()
	c := benchCard(s) // a Review card
	now := c.Due
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := s.Next(c, now, Good); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNextNewCard(b *testing.B) {
	s := MustDefault()
	c := NewCard(t0)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := s.Next(c, t0, Good); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNextFuzz(b *testing.B) {
	p := DefaultParameters()
	p.EnableFuzz = true
	s, err := NewScheduler(p)
	if err != nil {
		b.Fatal(err)
	}
	c := benchCard(s)
	now := c.Due
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := s.Next(c, now, Good); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPreview(b *testing.B) {
	s := MustDefault()
	c := benchCard(s)
	now := c.Due
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Preview(c, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRetrievability(b *testing.B) {
	s := MustDefault()
	c := benchCard(s)
	now := c.Due
	b.ReportAllocs()
	var sink float64
	for b.Loop() {
		sink += s.Retrievability(c, now)
	}
	if sink == 0 {
		b.Fatal("R is 0")
	}
}
