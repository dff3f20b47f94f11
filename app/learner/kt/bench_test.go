package kt

import (
	"strconv"
	"testing"
)

// benchState returns a learner who has practised 30 skills, so the
// benchmarks measure the steady state of a real session.
func benchState(b *testing.B) (*State, []string) {
	_, _, _, _, m := synthFixture(b)
	st := m.NewState()
	skills := make([]string, 30)
	for i := range skills {
		skills[i] = strconv.Itoa(i)
		for j := 0; j < 5; j++ {
			st.Update(skills[i], (i+j)%3 != 0)
		}
	}
	return st, skills
}

// BenchmarkUpdate must stay well under 2µs with zero allocations: it runs on
// every answer in the UI thread.
func BenchmarkUpdate(b *testing.B) {
	st, skills := benchState(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		st.Update(skills[i%len(skills)], i%3 != 0)
		i++
	}
}

func BenchmarkPredict(b *testing.B) {
	st, skills := benchState(b)
	b.ReportAllocs()
	i := 0
	var sink float64
	for b.Loop() {
		sink += st.Predict(skills[i%len(skills)]).P
		i++
	}
	_ = sink
}

// BenchmarkUpdatePredict is one answer in the app: record it, then refresh
// the estimate for the skill.
func BenchmarkUpdatePredict(b *testing.B) {
	st, skills := benchState(b)
	b.ReportAllocs()
	i := 0
	var sink float64
	for b.Loop() {
		s := skills[i%len(skills)]
		st.Update(s, i%3 != 0)
		sink += st.Predict(s).P
		i++
	}
	_ = sink
}

func BenchmarkExplain(b *testing.B) {
	st, skills := benchState(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = st.Explain(skills[3])
	}
}

// BenchmarkFit fits 400 synthetic students (~28k answers, 30 skills).
func BenchmarkFit(b *testing.B) {
	data := Generate(SynthConfig{Seed: 7})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Fit(data.Sequences, FitOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
