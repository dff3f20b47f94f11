package learner

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/learner/kt"
	"github.com/tidbit-learn/tidbit/assets"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// synthLibrary makes perSkill lessons (levels 1..perSkill, capped at 5)
// for every taxonomy skill, each level requiring the previous one, with
// minutes 2-12 and, for one lesson in ten, an extra prerequisite from
// another skill.
func synthLibrary(tax *assets.Taxonomy, perSkill int, rng *rand.Rand) []Lesson {
	var out []Lesson
	for _, s := range tax.Skills {
		for l := 1; l <= perSkill; l++ {
			les := Lesson{ID: fmt.Sprintf("%s-%d", s.ID, l), Title: fmt.Sprintf("%s, part %d", s.Name, l),
				Skills: []string{s.ID}, Level: min(l, 5), Minutes: 2 + rng.IntN(11)}
			if l > 1 {
				les.Prereqs = append(les.Prereqs, fmt.Sprintf("%s-%d", s.ID, l-1))
			}
			if rng.IntN(10) == 0 && len(out) > 0 {
				les.Prereqs = append(les.Prereqs, out[rng.IntN(len(out))].ID)
			}
			out = append(out, les)
		}
	}
	return out
}

// fakeReviews reports completed lessons as due once enough picks passed.
type fakeReviews struct {
	doneAt map[string]time.Time
	ids    []string
}

func (f *fakeReviews) Due(now time.Time, limit int) []DueReview {
	var out []DueReview
	for _, id := range f.ids {
		at := f.doneAt[id]
		if now.Sub(at) > 36*time.Hour {
			r := math.Exp(-now.Sub(at).Hours() / 240)
			out = append(out, DueReview{LessonID: id, Due: at.Add(36 * time.Hour), Retrievability: r})
		}
		if len(out) == limit {
			break
		}
	}
	return out
}

func (f *fakeReviews) reviewed(id string, now time.Time) {
	if _, ok := f.doneAt[id]; !ok {
		f.ids = append(f.ids, id)
	}
	f.doneAt[id] = now
}

func TestRecommenderInvariants(t *testing.T) {
	tax := testTaxonomy(t)
	profiles := []ProfileInput{
		{Role: "team-lead", Goals: []string{"people-manager"}, Notes: "needs to improve stakeholder updates"},
		{Role: "software-engineer", Seniority: "senior"},
		{Role: "data-analyst", SelfRatings: map[string]float64{"sql-basics": 5, "spreadsheet-basics": 5}},
		{},
	}
	picks := 0
	for pi, in := range profiles {
		for seed := uint64(1); seed <= 2; seed++ {
			t.Run(fmt.Sprintf("profile%d/seed%d", pi, seed), func(t *testing.T) {
				picks += runInvariants(t, tax, in, seed, 600)
			})
		}
	}
	if picks < 4000 {
		t.Errorf("only %d picks simulated", picks)
	}
}

func runInvariants(t *testing.T, tax *assets.Taxonomy, in ProfileInput, seed uint64, n int) int {
	rng := rand.New(rand.NewPCG(seed, 99))
	lessons := synthLibrary(tax, 4, rng)
	byID := map[string]Lesson{}
	for _, l := range lessons {
		byID[l.ID] = l
	}
	prof, err := BuildProfile(tax, in)
	if err != nil {
		t.Fatal(err)
	}
	state := kt.DefaultModel().NewState()
	hidden := map[string]float64{}
	for _, s := range tax.Skills {
		hidden[s.ID] = 0.3 + 0.6*rng.Float64()
	}
	rev := &fakeReviews{doneAt: map[string]time.Time{}}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	rec, err := New(Config{Taxonomy: tax, Lessons: lessons, Profile: prof, Mastery: KTMastery{state}, Reviews: rev,
		Rand:        rand.New(rand.NewPCG(seed, 7)),
		Assignments: []Assignment{{LessonID: lessons[40].ID, Due: now.Add(100 * time.Hour), From: "Sam"}}})
	if err != nil {
		t.Fatal(err)
	}
	done := map[string]bool{}
	var newPicks []Pick
	lastID := ""
	titles := []string{"", "", "", "Q3 stakeholder update", "Budget review", "1:1 with Ana"}
	for k := 0; k < n; k++ {
		m := Moment{Minutes: 3 + rng.IntN(12), Time: now, MeetingTitle: titles[rng.IntN(len(titles))]}
		strong := rec.Strongest()
		p, err := rec.Next(context.Background(), m)
		var nf *ErrNoFit
		if errors.As(err, &nf) {
			now = now.Add(2 * time.Hour)
			continue
		}
		if err != nil {
			t.Fatalf("pick %d: %v", k, err)
		}
		l, ok := byID[p.LessonID]
		if !ok {
			t.Fatalf("pick %d: unknown lesson %q", k, p.LessonID)
		}
		if p.LessonID == lastID {
			t.Fatalf("pick %d: %s repeated back to back", k, p.LessonID)
		}
		if l.Minutes > m.Minutes {
			t.Fatalf("pick %d: %s takes %d minutes, moment has %d", k, p.LessonID, l.Minutes, m.Minutes)
		}
		if p.Kind != KindReview {
			for _, pre := range l.Prereqs {
				if !done[pre] {
					t.Fatalf("pick %d: %s (%s) before its prerequisite %s", k, p.LessonID, p.Kind, pre)
				}
			}
		}
		if want := !slices.Contains(strong, p.Category); p.Outside != want {
			t.Fatalf("pick %d: Outside=%v but category %s vs strongest %v", k, p.Outside, p.Category, strong)
		}
		if p.Reason == "" || strings.ContainsAny(p.Reason, "\n\r") || strings.Contains(p.Reason, "NaN") || len(p.Reason) > 220 {
			t.Fatalf("pick %d: bad reason %q", k, p.Reason)
		}
		if math.IsNaN(p.PredictedSuccess) {
			t.Fatalf("pick %d: NaN predicted success", k)
		}
		if p.Kind == KindNew || p.Kind == KindExploration {
			newPicks = append(newPicks, p)
		}
		lastID = p.LessonID
		// The simulated learner answers three questions and completes it.
		for q := 0; q < 3; q++ {
			state.Update(p.Skill, rng.Float64() < hidden[p.Skill])
		}
		hidden[p.Skill] = math.Min(0.97, hidden[p.Skill]+0.03)
		done[p.LessonID] = true
		rec.Done(p.LessonID)
		rev.reviewed(p.LessonID, now)
		now = now.Add(time.Duration(1+rng.IntN(10)) * time.Hour)
	}
	if len(newPicks) < n/8 {
		t.Fatalf("only %d new picks of %d", len(newPicks), n)
	}
	outside, soft := 0, 0
	for i, p := range newPicks {
		if p.Outside {
			outside++
		}
		if p.Soft {
			soft++
		}
		if i >= 4 {
			w := newPicks[i-4 : i+1]
			if !slices.ContainsFunc(w, func(p Pick) bool { return p.Outside }) {
				t.Errorf("new picks %d-%d: none outside the strongest categories", i-4, i)
			}
			if !slices.ContainsFunc(w, func(p Pick) bool { return p.Soft }) {
				t.Errorf("new picks %d-%d: no soft skill", i-4, i)
			}
		}
	}
	if f := float64(outside) / float64(len(newPicks)); f < 0.2 {
		t.Errorf("exploration share %.2f < 0.2", f)
	}
	if f := float64(soft) / float64(len(newPicks)); f < 0.25 {
		t.Errorf("soft share %.2f < 0.25", f)
	}
	return n
}

func TestRecommenderDeterministic(t *testing.T) {
	tax := testTaxonomy(t)
	run := func(seed uint64) []string {
		lessons := synthLibrary(tax, 3, rand.New(rand.NewPCG(1, 1)))
		prof, _ := BuildProfile(tax, ProfileInput{Role: "team-lead"})
		rec, err := New(Config{Taxonomy: tax, Lessons: lessons, Profile: prof, Mastery: NewBetaMastery(), Rand: rand.New(rand.NewPCG(seed, 0))})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for k := 0; k < 200; k++ {
			p, err := rec.Next(context.Background(), Moment{Minutes: 15})
			if err != nil {
				t.Fatal(err)
			}
			rec.Done(p.LessonID)
			out = append(out, p.LessonID+" "+p.Reason)
		}
		return out
	}
	a, b := run(5), run(5)
	if !slices.Equal(a, b) {
		t.Fatal("same seed, different picks")
	}
	if slices.Equal(a, run(6)) {
		t.Error("different seeds gave identical 200 picks: is the source used?")
	}
}

func TestRecommenderEdgeCases(t *testing.T) {
	tax := testTaxonomy(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	one := []Lesson{{ID: "delegate-1", Title: "Delegate", Skills: []string{"delegation"}, Level: 2, Minutes: 3}}
	t.Run("empty library", func(t *testing.T) {
		rec, err := New(Config{Taxonomy: tax})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rec.Next(context.Background(), Moment{}); !errors.Is(err, ErrNothingToLearn) {
			t.Errorf("err %v, want ErrNothingToLearn", err)
		}
	})
	t.Run("empty history, no profile, no mastery", func(t *testing.T) {
		rec, err := New(Config{Taxonomy: tax, Lessons: one})
		if err != nil {
			t.Fatal(err)
		}
		p, err := rec.Next(context.Background(), Moment{})
		// A new learner has no strongest categories: everything is
		// exploration until there is evidence.
		if err != nil || p.LessonID != "delegate-1" || p.Kind != KindExploration || !p.Outside {
			t.Fatalf("pick %+v, err %v", p, err)
		}
		// The only lesson was just picked: no back-to-back repeat.
		rec.Done("delegate-1")
		if _, err := rec.Next(context.Background(), Moment{}); !errors.Is(err, ErrNothingToLearn) {
			t.Errorf("second pick: err %v, want ErrNothingToLearn", err)
		}
	})
	t.Run("nothing fits the minutes", func(t *testing.T) {
		rec, _ := New(Config{Taxonomy: tax, Lessons: one})
		_, err := rec.Next(context.Background(), Moment{Minutes: 2})
		var nf *ErrNoFit
		if !errors.As(err, &nf) || nf.Shortest != 3 {
			t.Errorf("err %v, want ErrNoFit with shortest 3", err)
		}
	})
	t.Run("learner with one answer", func(t *testing.T) {
		st := kt.DefaultModel().NewState()
		st.Update("delegation", false)
		prof, _ := BuildProfile(tax, ProfileInput{Goals: []string{"team-lead"}})
		lessons := append(slices.Clone(one), Lesson{ID: "sql-1", Title: "SQL", Skills: []string{"sql-basics"}, Level: 1, Minutes: 3})
		rec, _ := New(Config{Taxonomy: tax, Lessons: lessons, Profile: prof, Mastery: KTMastery{st}})
		p, err := rec.Next(context.Background(), Moment{Minutes: 5, Time: now})
		if err != nil {
			t.Fatal(err)
		}
		want := "Because your goal is Team lead and you missed 1 of 1 on delegation."
		if p.LessonID != "delegate-1" || p.Reason != want {
			t.Errorf("pick %+v, want delegate-1 with %q", p, want)
		}
	})
	t.Run("cancelled context", func(t *testing.T) {
		rec, _ := New(Config{Taxonomy: tax, Lessons: one})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := rec.Next(ctx, Moment{}); !errors.Is(err, context.Canceled) {
			t.Errorf("err %v", err)
		}
	})
	t.Run("duplicate lesson ids", func(t *testing.T) {
		if _, err := New(Config{Taxonomy: tax, Lessons: append(slices.Clone(one), one[0])}); err == nil {
			t.Error("no error for duplicate ids")
		}
	})
	t.Run("NaN mastery", func(t *testing.T) {
		rec, _ := New(Config{Taxonomy: tax, Lessons: one, Mastery: nanMastery{}})
		p, err := rec.Next(context.Background(), Moment{})
		if err != nil || math.IsNaN(p.PredictedSuccess) {
			t.Errorf("pick %+v err %v", p, err)
		}
	})
}

type nanMastery struct{}

func (nanMastery) Estimate(string) Estimate {
	return Estimate{P: math.NaN(), Uncertainty: math.Inf(1), RecentN: -3, RecentRight: 7}
}

// scenario is one fixed situation whose picks and reasons are golden.
type scenario struct {
	name    string
	profile ProfileInput
	answers []string // "skill:1" or "skill:0", in order
	assign  []Assignment
	moments []Moment
}

func TestGoldenReasons(t *testing.T) {
	tax := testTaxonomy(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // a Monday
	lessons := []Lesson{
		{ID: "delegate-outcomes", Title: "Delegate the outcome", Skills: []string{"delegation"}, Level: 2, Minutes: 3},
		{ID: "delegate-check-ins", Title: "Check-ins without micromanaging", Skills: []string{"delegation"}, Level: 3, Minutes: 4, Prereqs: []string{"delegate-outcomes"}},
		{ID: "five-line-update", Title: "The five-line stakeholder update", Skills: []string{"stakeholder-updates"}, Level: 2, Minutes: 3},
		{ID: "one-on-one-owned", Title: "A one-on-one your report owns", Skills: []string{"one-on-ones"}, Level: 2, Minutes: 4},
		{ID: "phishing-spot", Title: "Spotting phishing", Skills: []string{"phishing"}, Level: 1, Minutes: 3},
		{ID: "sql-select", Title: "SELECT without fear", Skills: []string{"sql-basics"}, Level: 1, Minutes: 5},
		{ID: "unit-economics", Title: "Margin, CAC and LTV", Skills: []string{"unit-economics"}, Level: 2, Minutes: 6},
		{ID: "brainstorm-silent", Title: "Brainstorm silently first", Skills: []string{"brainstorming"}, Level: 1, Minutes: 3},
		{ID: "stress-reset", Title: "A two-minute stress reset", Skills: []string{"stress-management"}, Level: 1, Minutes: 2},
	}
	scenarios := []scenario{
		{
			name:    "goal team lead, missed delegation",
			profile: ProfileInput{Role: "software-engineer", Goals: []string{"team-lead"}},
			answers: []string{"delegation:1", "delegation:0", "delegation:0", "delegation:1", "delegation:0"},
			moments: []Moment{{Minutes: 5, Time: now}, {Minutes: 5, Time: now}, {Minutes: 10, Time: now}},
		},
		{
			name:    "notes and a meeting",
			profile: ProfileInput{Role: "data-analyst", Notes: "Needs to improve stakeholder updates."},
			moments: []Moment{{Minutes: 5, Time: now, MeetingTitle: "Weekly 1:1 with Priya"}, {Minutes: 5, Time: now}, {Minutes: 2, Time: now}},
		},
		{
			name:    "assignment due tomorrow",
			profile: ProfileInput{Role: "new-hire"},
			assign: []Assignment{{LessonID: "delegate-check-ins", Due: now.Add(30 * time.Hour), From: "your manager"},
				{LessonID: "phishing-spot", Due: now.Add(-24 * time.Hour)}},
			moments: []Moment{{Minutes: 5, Time: now}, {Minutes: 5, Time: now}, {Minutes: 5, Time: now}, {Minutes: 5, Time: now}},
		},
		{
			name:    "no profile, one right answer",
			answers: []string{"sql-basics:1"},
			moments: []Moment{{Minutes: 10, Time: now}, {Minutes: 10, Time: now}},
		},
	}
	var b strings.Builder
	for _, sc := range scenarios {
		fmt.Fprintf(&b, "## %s\n", sc.name)
		prof, err := BuildProfile(tax, sc.profile)
		if err != nil {
			t.Fatal(err)
		}
		st := kt.DefaultModel().NewState()
		for _, a := range sc.answers {
			skill, v, _ := strings.Cut(a, ":")
			st.Update(skill, v == "1")
		}
		rec, err := New(Config{Taxonomy: tax, Lessons: lessons, Profile: prof, Mastery: KTMastery{st},
			Assignments: sc.assign, Rand: rand.New(rand.NewPCG(3, 3))})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range sc.moments {
			p, err := rec.Next(context.Background(), m)
			if err != nil {
				fmt.Fprintf(&b, "error: %v\n", err)
				continue
			}
			rec.Done(p.LessonID)
			fmt.Fprintf(&b, "%s [%s] %s\n", p.LessonID, p.Kind, p.Reason)
		}
	}
	golden := filepath.Join("testdata", "reasons.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update once to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("reasons differ from %s (go test -update rewrites it):\n--- got\n%s--- want\n%s", golden, b.String(), want)
	}
}

func TestAssignmentsComeFirstAsTheDateNears(t *testing.T) {
	tax := testTaxonomy(t)
	lessons := synthLibrary(tax, 2, rand.New(rand.NewPCG(4, 4)))
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	target := "sql-basics-1"
	cases := []struct {
		name      string
		due       time.Time
		wantFirst bool
	}{
		{"due in a month: waits", now.AddDate(0, 1, 0), false},
		{"due in 4 days: waits", now.Add(96 * time.Hour), false},
		{"due in 2 days: first", now.Add(48 * time.Hour), true},
		{"overdue: first", now.Add(-time.Hour), true},
		{"no due date: waits", time.Time{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prof, _ := BuildProfile(tax, ProfileInput{Role: "team-lead"})
			rec, err := New(Config{Taxonomy: tax, Lessons: lessons, Profile: prof, Mastery: NewBetaMastery(),
				Assignments: []Assignment{{LessonID: target, Due: tc.due}}, Rand: rand.New(rand.NewPCG(1, 1))})
			if err != nil {
				t.Fatal(err)
			}
			p, err := rec.Next(context.Background(), Moment{Minutes: 15, Time: now})
			if err != nil {
				t.Fatal(err)
			}
			// The assigned lesson, or a prerequisite it still needs.
			got := p.Kind == KindAssigned && (p.LessonID == target || strings.HasPrefix(p.Reason, "Needed first for “SQL basics, part 1”"))
			if got != tc.wantFirst {
				t.Errorf("first pick %+v; want assigned first: %v", p, tc.wantFirst)
			}
		})
	}
}

func FuzzMatcher(f *testing.F) {
	for _, s := range []string{"needs to improve stakeholder updates", "1:1s; prioritization", "\xff\xfe", "", "a.b!c?d;e\nf"} {
		f.Add(s)
	}
	m := NewMatcher(testTaxonomy(f))
	f.Fuzz(func(t *testing.T, text string) {
		got := m.Match(text)
		seen := map[string]bool{}
		for _, id := range got {
			if seen[id] {
				t.Fatalf("%s twice", id)
			}
			seen[id] = true
			if _, ok := testTaxonomy(t).Skill(id); !ok {
				t.Fatalf("unknown skill %q", id)
			}
		}
	})
}

func TestHistoryCarriesTheFloors(t *testing.T) {
	tax := testTaxonomy(t)
	lessons := synthLibrary(tax, 2, rand.New(rand.NewPCG(5, 5)))
	m := NewBetaMastery()
	// Strong in data, security and digital tools.
	for _, s := range []string{"sql-basics", "spreadsheet-basics", "phishing", "passwords", "keyboard-shortcuts", "ai-assistants"} {
		m.Add(s, 20, 20)
	}
	hist := History{
		Completed: []string{"sql-basics-1", "phishing-1", "keyboard-shortcuts-1", "passwords-1"},
		Recent: []Past{{"sql-basics-1", KindNew}, {"phishing-1", KindNew}, {"keyboard-shortcuts-1", KindNew},
			{"passwords-1", KindNew}},
	}
	prof, _ := BuildProfile(tax, ProfileInput{Goals: []string{"sql-basics", "passwords", "phishing"}})
	rec, err := New(Config{Taxonomy: tax, Lessons: lessons, Profile: prof, Mastery: m, History: hist, Rand: rand.New(rand.NewPCG(1, 1))})
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.Strongest(); !slices.Equal(got, []string{"data", "digital", "security"}) {
		t.Fatalf("strongest %v", got)
	}
	p, err := rec.Next(context.Background(), Moment{Minutes: 15})
	if err != nil {
		t.Fatal(err)
	}
	// Four new picks inside the strongest categories, all hard skills: the
	// fifth must be outside them and soft.
	if !p.Outside || !p.Soft {
		t.Errorf("pick %+v: want outside the strongest categories and soft", p)
	}
}

func TestOddLessons(t *testing.T) {
	tax := testTaxonomy(t)
	lessons := []Lesson{
		{ID: "no-skill", Title: "No skill", Level: 0, Minutes: 0},
		{ID: "unknown-skill", Title: "Unknown", Skills: []string{"juggling"}, Level: 99, Minutes: -4},
		{ID: "cycle-a", Title: "A", Skills: []string{"delegation"}, Level: 2, Minutes: 3, Prereqs: []string{"cycle-b"}},
		{ID: "cycle-b", Title: "B", Skills: []string{"delegation"}, Level: 2, Minutes: 3, Prereqs: []string{"cycle-a"}},
		{ID: "self", Title: "Self", Skills: []string{"coaching"}, Level: 1, Minutes: 2, Prereqs: []string{"self", "missing"}},
	}
	prof, _ := BuildProfile(tax, ProfileInput{Goals: []string{"delegation"}})
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	rec, err := New(Config{Taxonomy: tax, Lessons: lessons, Profile: prof, Mastery: NewBetaMastery(),
		Assignments: []Assignment{{LessonID: "cycle-a", Due: now}}, Rand: rand.New(rand.NewPCG(1, 1))})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i := 0; i < 10; i++ {
		p, err := rec.Next(context.Background(), Moment{Minutes: 5, Time: now, MeetingTitle: "delegation sync"})
		if err != nil {
			t.Fatalf("pick %d: %v", i, err)
		}
		if p.LessonID == "cycle-a" || p.LessonID == "cycle-b" {
			if p.Kind != KindReview {
				t.Fatalf("pick %d: %s offered as %s despite its prerequisite cycle", i, p.LessonID, p.Kind)
			}
		}
		seen[p.LessonID] = true
		rec.Done(p.LessonID)
	}
	for _, id := range []string{"no-skill", "unknown-skill", "self"} {
		if !seen[id] {
			t.Errorf("%s never offered: %v", id, seen)
		}
	}
}
