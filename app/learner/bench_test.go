package learner

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/learner/kt"
	"github.com/tidbit-learn/tidbit/assets"
)

// bigTaxonomy builds a taxonomy of nSkills skills over 15 categories, a
// third of them soft, and a role naming 12 of them.
func bigTaxonomy(tb testing.TB, nSkills int) *assets.Taxonomy {
	tb.Helper()
	var tx, roles strings.Builder
	tx.WriteString("categories:\n")
	for c := 0; c < 15; c++ {
		fmt.Fprintf(&tx, "  - {id: cat-%02d, name: Category %d}\n", c, c)
	}
	tx.WriteString("skills:\n")
	for s := 0; s < nSkills; s++ {
		kind := "hard"
		if s%3 == 0 {
			kind = "soft"
		}
		fmt.Fprintf(&tx, "  - {id: skill-%03d, name: Skill %d, category: cat-%02d, kind: %s}\n", s, s, s%15, kind)
	}
	roles.WriteString("roles:\n  - id: big-role\n    name: Big role\n    skills: {")
	for s := 0; s < 12; s++ {
		if s > 0 {
			roles.WriteString(", ")
		}
		fmt.Fprintf(&roles, "skill-%03d: %d", s*7, 2+s%3)
	}
	roles.WriteString("}\n")
	tax, err := assets.ParseTaxonomy([]byte(tx.String()), []byte(roles.String()))
	if err != nil {
		tb.Fatal(err)
	}
	return tax
}

type staticReviews []DueReview

func (s staticReviews) Due(_ time.Time, limit int) []DueReview { return s[:min(limit, len(s))] }

// BenchmarkNext picks the next item with 10,000 lessons, 500 skills and a
// history of 100,000 answers (3,000 lessons completed, 40 reviews due). It
// reports the 99th percentile of the per-call latency (p99-ns) and the heap
// in use after setup (heap-MB), besides allocations per pick.
func BenchmarkNext(b *testing.B) {
	const nSkills, nLessons, nAnswers = 500, 10000, 100000
	tax := bigTaxonomy(b, nSkills)
	rng := rand.New(rand.NewPCG(1, 2))
	lessons := make([]Lesson, 0, nLessons)
	for i := 0; i < nLessons; i++ {
		s, l := i%nSkills, i/nSkills%5+1
		les := Lesson{ID: fmt.Sprintf("l-%05d", i), Title: fmt.Sprintf("Lesson %d", i),
			Skills: []string{fmt.Sprintf("skill-%03d", s)}, Level: l, Minutes: 2 + rng.IntN(10)}
		if i >= nSkills {
			les.Prereqs = []string{fmt.Sprintf("l-%05d", i-nSkills)}
		}
		lessons = append(lessons, les)
	}
	st := kt.DefaultModel().NewState()
	for i := 0; i < nAnswers; i++ {
		st.Update(fmt.Sprintf("skill-%03d", rng.IntN(nSkills)), rng.Float64() < 0.7)
	}
	completed := make([]string, 0, 3000)
	for i := 0; i < 3000; i++ {
		completed = append(completed, lessons[i].ID)
	}
	var due staticReviews
	for i := 0; i < 40; i++ {
		due = append(due, DueReview{LessonID: lessons[i*50].ID, Retrievability: 0.5 + 0.01*float64(i)})
	}
	prof, err := BuildProfile(tax, ProfileInput{Role: "big-role", Goals: []string{"skill-100", "skill-201"}, Notes: "needs work on skill 42"})
	if err != nil {
		b.Fatal(err)
	}
	rec, err := New(Config{Taxonomy: tax, Lessons: lessons, Profile: prof, Mastery: KTMastery{st}, Reviews: due,
		History: History{Completed: completed}, Rand: rand.New(rand.NewPCG(3, 4))})
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heap := float64(ms.HeapInuse) / (1 << 20)

	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	titles := []string{"", "", "Skill 42 review", ""}
	durs := make([]time.Duration, 0, b.N)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := Moment{Minutes: 5 + i%10, Time: now, MeetingTitle: titles[i%len(titles)]}
		t0 := time.Now()
		if _, err := rec.Next(ctx, m); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(durs)
	b.ReportMetric(float64(durs[len(durs)*99/100].Nanoseconds()), "p99-ns")
	b.ReportMetric(heap, "heap-MB")
}
