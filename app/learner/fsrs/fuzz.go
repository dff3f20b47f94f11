package fsrs

import (
	"math"
	"strconv"
	"strings"
)

// Interval fuzz as in ts-fsrs 5.4.2 (and Anki): intervals of 2.5 days or
// more are spread over a range that widens with the interval, using the Alea
// PRNG seeded with "<review ms>_<reps>_<difficulty*stability>". Porting the
// PRNG keeps fuzzed schedules identical to ts-fsrs's, so they are testable.

type fuzzRange struct {
	start, end, factor float64
}

var fuzzRanges = [...]fuzzRange{
	{2.5, 7, 0.15},
	{7, 20, 0.1},
	{20, math.Inf(1), 0.05},
}

// fuzzBounds is ts-fsrs get_fuzz_range.
func fuzzBounds(interval float64, elapsedDays int, maximumInterval int) (lo, hi float64) {
	delta := 1.0
	for _, r := range fuzzRanges {
		delta += r.factor * math.Max(math.Min(interval, r.end)-r.start, 0)
	}
	maxI := float64(maximumInterval)
	interval = math.Min(interval, maxI)
	lo = math.Max(2, jsRound(interval-delta))
	hi = math.Min(jsRound(interval+delta), maxI)
	if interval > float64(elapsedDays) {
		lo = math.Max(lo, float64(elapsedDays)+1)
	}
	lo = math.Min(lo, hi)
	return lo, hi
}

// aleaFirst returns the first number Alea(seed) yields (Johannes
// Baagøe's Alea, as bundled in ts-fsrs).
func aleaFirst(seed string) float64 {
	mash := newMash()
	s0 := mash(" ")
	s1 := mash(" ")
	s2 := mash(" ")
	c := 1.0
	s0 -= mash(seed)
	if s0 < 0 {
		s0++
	}
	s1 -= mash(seed)
	if s1 < 0 {
		s1++
	}
	s2 -= mash(seed)
	if s2 < 0 {
		s2++
	}
	t := 2091639*s0 + c*2.3283064365386963e-10
	c = float64(int32(uint32(uint64(math.Trunc(t))))) // t | 0
	return t - c
}

// toUint32 is JavaScript's x >>> 0 for non-negative finite x.
func toUint32(x float64) float64 {
	return float64(uint32(uint64(math.Trunc(x))))
}

func newMash() func(string) float64 {
	n := float64(4022871197)
	return func(data string) float64 {
		// JavaScript strings are UTF-16; seeds are ASCII here.
		for _, ch := range []rune(data) {
			n += float64(ch)
			h := 0.02519603282416938 * n
			n = toUint32(h)
			h -= n
			h *= n
			n = toUint32(h)
			h -= n
			n += h * 4294967296
		}
		return toUint32(n) * 2.3283064365386963e-10
	}
}

// jsNumber formats x like JavaScript's String(x): shortest round-trip
// digits, plain notation for 1e-7 < |x| < 1e21, exponent notation
// ("1.5e-7", "1e+21") outside.
func jsNumber(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "Infinity"
	case math.IsInf(x, -1):
		return "-Infinity"
	case x == 0:
		return "0"
	}
	sign := ""
	if x < 0 {
		sign = "-"
		x = -x
	}
	e := strconv.FormatFloat(x, 'e', -1, 64) // d.ddde±XX
	mant, expStr, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	exp, _ := strconv.Atoi(expStr)
	k := len(digits)
	n := exp + 1 // position of the decimal point, as in ECMA-262 Number::toString
	switch {
	case k <= n && n <= 21:
		return sign + digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		return sign + digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		return sign + "0." + strings.Repeat("0", -n) + digits
	}
	es := "+"
	if n-1 < 0 {
		es = "-"
	}
	ev := strconv.Itoa(abs(n - 1))
	if k == 1 {
		return sign + digits + "e" + es + ev
	}
	return sign + digits[:1] + "." + digits[1:] + "e" + es + ev
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}
