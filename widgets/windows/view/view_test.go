package view

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

// now is a Wednesday.
var now = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }

func taxonomy(t testing.TB) *assets.Taxonomy {
	t.Helper()
	tax, err := assets.LoadTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	return tax
}

type fixedMastery map[string]float64

// Estimate gives skills not in m the prior, 0.6.
func (m fixedMastery) Estimate(skill string) learner.Estimate {
	p, ok := m[skill]
	if !ok {
		p = 0.6
	}
	return learner.Estimate{P: p, Uncertainty: 0.1}
}

func TestCalendarFrom(t *testing.T) {
	cases := []struct {
		name string
		now  time.Time
		want time.Time
	}{
		{"wednesday", now, day(9, 7)},
		{"monday", day(11, 23), day(9, 7)},
		{"sunday", time.Date(2026, 11, 29, 23, 59, 0, 0, time.UTC), day(9, 7)},
		{"next monday", day(11, 30), day(9, 14)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := CalendarFrom(tc.now, time.UTC); !got.Equal(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestNewProgress(t *testing.T) {
	tax := taxonomy(t)
	days := []store.DayActivity{
		{Day: day(10, 1), Completed: 1, Seconds: 600},  // before the minute bars
		{Day: day(11, 10), Completed: 4, Seconds: 900}, // goal reached
		{Day: day(11, 23), Completed: 1, Seconds: 120},
		{Day: day(11, 25), Completed: 2, Seconds: 300},
	}
	skills := []store.SkillStat{
		{Skill: "spreadsheet-basics", Name: "Spreadsheet basics", Category: "data", Answered: 10, Correct: 7},
		{Skill: "active-listening", Name: "Active listening", Category: "communication", Answered: 1, Correct: 1},
		{Skill: "never", Name: "Never answered", Category: "data"},
	}
	built, err := learner.BuildProfile(tax, learner.ProfileInput{Goals: []string{"active-listening"}})
	if err != nil {
		t.Fatal(err)
	}
	full := ProgressInput{Now: now, Loc: time.UTC, Days: days, Skills: skills, Taxonomy: tax, Profile: built,
		Mastery: fixedMastery{"spreadsheet-basics": 0.72, "active-listening": 0.61},
		Stats:   store.Stats{Sessions: 8, StreakDays: 3, TodayCompleted: 2}, DailyGoal: 4, WeeklyGoal: 10, MinutesGoal: 30}

	t.Run("empty", func(t *testing.T) {
		p := NewProgress(ProgressInput{Now: now, DailyGoal: 4, WeeklyGoal: 10, MinutesGoal: 30})
		if !p.Empty || p.Today.Label != "0 of 4 done today" || p.Week.Label != "0 of 10 done this week" ||
			!strings.HasPrefix(p.Streak, "No streak") || len(p.Skills) != 0 {
			t.Fatalf("empty: %+v", p)
		}
		if len(p.Calendar) != CalendarWeeks || len(p.Minutes.Bars) != MinuteWeeks || p.Minutes.Goal != 1 {
			t.Fatalf("empty charts: %d weeks, %d bars, goal %v", len(p.Calendar), len(p.Minutes.Bars), p.Minutes.Goal)
		}
	})
	t.Run("some data", func(t *testing.T) {
		p := NewProgress(full)
		if p.Empty || p.Streak != "3-day streak" {
			t.Fatalf("header: %+v %q", p.Empty, p.Streak)
		}
		if p.Today != (Goal{2, 4, 0.5, "2 of 4 done today"}) {
			t.Fatalf("today %+v", p.Today)
		}
		if p.Week != (Goal{3, 10, 0.3, "3 of 10 done this week"}) {
			t.Fatalf("week %+v", p.Week)
		}
		last := p.Calendar[CalendarWeeks-1]
		if !last.Days[0].Date.Equal(day(11, 23)) || last.Days[0].Level != 1 || last.Days[2].Level != 2 ||
			last.Days[2].Future || !last.Days[3].Future || last.Days[2].Label != "Wed 25 Nov: 2 items" {
			t.Fatalf("this week %+v", last)
		}
		if d := p.Calendar[CalendarWeeks-3].Days[1]; !d.Date.Equal(day(11, 10)) || d.Level != 4 {
			t.Fatalf("10 Nov %+v", d)
		}
		var months []string
		for _, w := range p.Calendar {
			months = append(months, w.Month)
		}
		if want := []string{"Sep", "", "", "Oct", "", "", "", "Nov", "", "", "", ""}; !reflect.DeepEqual(months, want) {
			t.Fatalf("months %q, want %q", months, want)
		}
		var mins []float64
		for _, b := range p.Minutes.Bars {
			mins = append(mins, b.Value)
		}
		if want := []float64{0, 0, 0, 0, 0, 15, 0, 7}; !reflect.DeepEqual(mins, want) {
			t.Fatalf("minutes %v, want %v", mins, want)
		}
		if b := p.Minutes.Bars[5]; b.Label != "9 Nov" || b.Text != "15" || b.Fraction != 0.5 || p.Minutes.Goal != 1 {
			t.Fatalf("bar %+v, goal %v", b, p.Minutes.Goal)
		}
		if len(p.Skills) != 2 {
			t.Fatalf("skills %+v", p.Skills)
		}
		if s := p.Skills[0]; s.Name != "Active listening" || s.Category != "Communication" ||
			s.Text != "61% · 1 answer · target 85%" || math.Abs(s.Target-0.85) > 1e-9 {
			t.Fatalf("first skill %+v", s)
		}
		if s := p.Skills[1]; s.Category != "Data and analytics" || s.Text != "72% · 10 answers" || s.Target != 0 {
			t.Fatalf("second skill %+v", s)
		}
	})
	t.Run("no mastery model uses the record", func(t *testing.T) {
		in := full
		in.Mastery = nil
		if s := NewProgress(in).Skills[1]; s.Mastery != 0.7 {
			t.Fatalf("%+v", s)
		}
	})
	t.Run("busy week scales to its longest bar", func(t *testing.T) {
		in := full
		in.Days = append(append([]store.DayActivity{}, days...), store.DayActivity{Day: day(11, 24), Completed: 9, Seconds: 3600 + 780})
		p := NewProgress(in)
		if b := p.Minutes.Bars[7]; b.Value != 80 || b.Fraction != 1 || p.Minutes.Goal != 30.0/80 {
			t.Fatalf("bar %+v goal %v", b, p.Minutes.Goal)
		}
		if p.Week.Label != "12 of 10 done this week: goal reached" || p.Week.Fraction != 1 {
			t.Fatalf("week %+v", p.Week)
		}
	})
	t.Run("no goals", func(t *testing.T) {
		in := full
		in.DailyGoal, in.WeeklyGoal, in.MinutesGoal = 0, 0, 0
		p := NewProgress(in)
		if p.Today.Label != "2 done today" || p.Today.Fraction != 0 || p.Minutes.Goal != 0 || p.Minutes.GoalLabel != "" {
			t.Fatalf("%+v %+v", p.Today, p.Minutes)
		}
	})
}

func TestLevel(t *testing.T) {
	cases := []struct {
		name      string
		n, goal   int
		wantLevel int
	}{
		{"none", 0, 4, 0}, {"one of four", 1, 4, 1}, {"three of four", 3, 4, 3}, {"goal", 4, 4, 4},
		{"beyond", 9, 4, 4}, {"one of ten", 1, 10, 1}, {"five of ten", 5, 10, 2}, {"no goal", 2, 0, 2},
		{"negative", -1, 4, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := level(tc.n, tc.goal); got != tc.wantLevel {
				t.Fatalf("level(%d, %d) = %d, want %d", tc.n, tc.goal, got, tc.wantLevel)
			}
		})
	}
}

var lessons = []store.LessonSummary{
	{ID: "active-listening-three-moves", Title: "Three moves of active listening", Minutes: 3,
		Skills: []string{"active-listening"}, Category: "communication", Kind: "lesson", SkillKind: "soft", Completed: 2},
	{ID: "cv", Title: "Résumé bullets that show impact", Minutes: 4, Skills: []string{"presenting", "unknown-skill"},
		Category: "communication", Kind: "lesson", SkillKind: "soft"},
	{ID: "sheets", Title: "Spreadsheet lookups", Minutes: 2, Skills: []string{"spreadsheet-basics"}, Category: "data",
		Kind: "quiz", SkillKind: "hard", Completed: 1},
	{ID: "bare"},
}

func TestNewLibrary(t *testing.T) {
	rows := NewLibrary(lessons, taxonomy(t))
	want := []struct{ title, meta, status string }{
		{"Three moves of active listening", "Active listening · Communication · 3 min", "Done 2×"},
		{"Résumé bullets that show impact", "Presenting, unknown-skill · Communication · 4 min", "New"},
		{"Spreadsheet lookups", "Spreadsheet basics · Data and analytics · 2 min", "Done"},
		{"bare", "", "New"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows", len(rows))
	}
	for i, w := range want {
		if rows[i].Title != w.title || rows[i].Meta != w.meta || rows[i].Status != w.status {
			t.Errorf("row %d: %q / %q / %q, want %+v", i, rows[i].Title, rows[i].Meta, rows[i].Status, w)
		}
	}
	if raw := NewLibrary(lessons[:1], nil); raw[0].Meta != "active-listening · communication · 3 min" {
		t.Fatalf("no taxonomy: %q", raw[0].Meta)
	}
}

var filterCases = []struct {
	name  string
	query string
	want  []string
}{
	{"empty", "", []string{"active-listening-three-moves", "cv", "sheets", "bare"}},
	{"blank", "   ", []string{"active-listening-three-moves", "cv", "sheets", "bare"}},
	{"title word", "lookups", []string{"sheets"}},
	{"case", "SPREADSHEET", []string{"sheets"}},
	{"skill name", "presenting", []string{"cv"}},
	{"category name", "analytics", []string{"sheets"}},
	{"category shared", "communication", []string{"active-listening-three-moves", "cv"}},
	{"accents either way", "resume", []string{"cv"}},
	{"accent typed", "résumé", []string{"cv"}},
	{"all words must match", "listening data", []string{}},
	{"kind", "quiz", []string{"sheets"}},
	{"soft", "soft", []string{"active-listening-three-moves", "cv"}},
	{"no match", "zzz", []string{}},
	{"invalid utf-8 is blank", "\xff", []string{"active-listening-three-moves", "cv", "sheets", "bare"}},
}

func TestFilter(t *testing.T) {
	rows := NewLibrary(lessons, taxonomy(t))
	for _, tc := range filterCases {
		t.Run(tc.name, func(t *testing.T) {
			got := []string{}
			for _, r := range Filter(rows, tc.query) {
				got = append(got, r.ID)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Filter(%q) = %q, want %q", tc.query, got, tc.want)
			}
		})
	}
}

func FuzzFilter(f *testing.F) {
	for _, tc := range filterCases {
		f.Add(tc.query)
	}
	rows := NewLibrary(lessons, taxonomy(f))
	f.Fuzz(func(t *testing.T, q string) {
		got := Filter(rows, q)
		if len(got) > len(rows) {
			t.Fatalf("%d rows from %d", len(got), len(rows))
		}
		// Adding a word never widens the result.
		if narrower := Filter(rows, q+" zzqx"); len(narrower) > len(got) {
			t.Fatalf("%q: %d rows, with another word %d", q, len(got), len(narrower))
		}
	})
}

var goalCases = []struct {
	name string
	in   string
	want []string
}{
	{"empty", "", []string{}},
	{"names", "Active listening, Data analyst", []string{"active-listening", "data-analyst"}},
	{"ids and case", "ACTIVE-LISTENING;data-analyst", []string{"active-listening", "data-analyst"}},
	{"lines and blanks", "active listening\n\n , ,Become a better mentor", []string{"active-listening", "Become a better mentor"}},
	{"repeats once", "Active listening, active   listening", []string{"active-listening"}},
	{"free text kept", "speak up in meetings", []string{"speak up in meetings"}},
}

func TestGoalIDs(t *testing.T) {
	tax := taxonomy(t)
	for _, tc := range goalCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := GoalIDs(tc.in, tax); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("GoalIDs(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzGoalIDs(f *testing.F) {
	for _, tc := range goalCases {
		f.Add(tc.in)
	}
	tax := taxonomy(f)
	f.Fuzz(func(t *testing.T, s string) {
		for _, g := range GoalIDs(s, tax) {
			if strings.TrimSpace(g) == "" || strings.ContainsAny(g, ",;\n\r") {
				t.Fatalf("goal %q from %q", g, s)
			}
		}
	})
}

var minuteCases = []struct {
	name string
	in   string
	want int
	err  bool
}{
	{"plain", "45", 45, false},
	{"spaces", " 60 ", 60, false},
	{"lowest", "5", 5, false},
	{"highest", "1200", 1200, false},
	{"too few", "4", 0, true},
	{"too many", "1201", 0, true},
	{"words", "an hour", 0, true},
	{"decimal", "30.5", 0, true},
	{"empty", "", 0, true},
}

func TestParseMinutes(t *testing.T) {
	for _, tc := range minuteCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseMinutes(tc.in)
			if (err != nil) != tc.err || got != tc.want {
				t.Fatalf("ParseMinutes(%q) = %d, %v", tc.in, got, err)
			}
			if err != nil && !strings.Contains(err.Error(), "minutes a week") {
				t.Fatalf("error does not name the field: %v", err)
			}
		})
	}
}

func FuzzParseMinutes(f *testing.F) {
	for _, tc := range minuteCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseMinutes(s)
		if err == nil && (n < learner.MinMinutes || n > learner.MaxMinutesPerWk) {
			t.Fatalf("accepted %q as %d", s, n)
		}
	})
}

func TestProfileForm(t *testing.T) {
	tax := taxonomy(t)
	stored := store.Profile{Name: "Ada", Role: "data-analyst", Seniority: "staff", Goals: []string{"active-listening", "be calmer"},
		Notes: "needs to improve stakeholder updates", SelfRatings: map[string]int{"spreadsheet-basics": 4}, MinutesPerWeek: 45}
	f := NewProfileForm(stored, tax)
	if f.Goals != "Active listening, be calmer" || f.Minutes != "45" || f.Ratings["spreadsheet-basics"] != 4 {
		t.Fatalf("form %+v", f)
	}
	if got := SeniorityChoices("staff"); got[len(got)-1] != (Choice{"staff", "staff"}) || len(got) != len(Seniorities)+1 {
		t.Fatalf("seniorities %+v", got)
	}
	if got := SeniorityChoices("mid"); len(got) != len(Seniorities) || got[0].Name != NotSet {
		t.Fatalf("seniorities %+v", got)
	}
	roles := RoleChoices(tax)
	if len(roles) != len(tax.Roles)+1 || roles[0] != (Choice{"", NotSet}) || roles[1].Name > roles[2].Name {
		t.Fatalf("roles %+v", roles)
	}

	f.Ratings["active-listening"] = 2
	f.Ratings["spreadsheet-basics"] = 0 // cleared
	f.Goals = "Active listening, Spreadsheet basics"
	f.Minutes = "60"
	p, err := f.Apply(stored, tax)
	if err != nil {
		t.Fatal(err)
	}
	want := stored
	want.Goals = []string{"active-listening", "spreadsheet-basics"}
	want.SelfRatings = map[string]int{"active-listening": 2}
	want.MinutesPerWeek = 60
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("Apply = %+v, want %+v", p, want)
	}
	f.Minutes = "lots"
	if _, err := f.Apply(stored, tax); err == nil {
		t.Fatal("bad minutes saved")
	}
	f.Goals += ", be calmer"

	built, err := f.Built(tax)
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(built.Warnings, "\n"); !strings.Contains(w, `"be calmer" is neither a role nor a skill`) {
		t.Fatalf("warnings %q", w)
	}
	rows := RatingRows(f, built, tax)
	byID := map[string]RatingRow{}
	for _, r := range rows {
		byID[r.Skill] = r
	}
	if r := byID["active-listening"]; r.Level != 2 || r.Why != "your goal" || r.Name != "Active listening" || r.Category != "Communication" {
		t.Fatalf("active listening %+v", r)
	}
	for i := 1; i < len(rows); i++ {
		a, b := rows[i-1], rows[i]
		if a.Category > b.Category || a.Category == b.Category && a.Name > b.Name {
			t.Fatalf("rows out of order: %+v before %+v", a, b)
		}
	}
	empty := RatingRows(ProfileForm{Ratings: map[string]int{"zz-gone": 3}}, nil, tax)
	if len(empty) != 1 || empty[0].Why != "rated before" || empty[0].Name != "zz-gone" {
		t.Fatalf("only a stale rating: %+v", empty)
	}
}

// TestProfileFormAI: the model's reading of the stored profile adds its
// targets (marked as the AI reading) until role, goals or notes change.
func TestProfileFormAI(t *testing.T) {
	tax := taxonomy(t)
	stored := store.Profile{Role: "data-analyst", Notes: "needs to improve stakeholder updates"}
	ai := []learner.AITarget{{Skill: "negotiation-basics", Level: 4, Why: "Updates often need a trade."}}
	aiTarget := func(f ProfileForm) bool {
		built, err := f.Built(tax)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range RatingRows(f, built, tax) {
			if r.Skill == "negotiation-basics" {
				if r.Why != "the AI reading of your profile" {
					t.Fatalf("why %q", r.Why)
				}
				return true
			}
		}
		return false
	}
	f := NewProfileForm(stored, tax)
	for _, tc := range []struct {
		name  string
		edit  func(f ProfileForm) ProfileForm
		apply bool
	}{
		{"no reading", func(f ProfileForm) ProfileForm { return f }, false},
		{"as read", func(f ProfileForm) ProfileForm { return f.WithAI(ai) }, true},
		{"minutes changed", func(f ProfileForm) ProfileForm { f = f.WithAI(ai); f.Minutes = "90"; return f }, true},
		{"notes changed", func(f ProfileForm) ProfileForm { f = f.WithAI(ai); f.Notes += " and coach juniors"; return f }, false},
		{"role changed", func(f ProfileForm) ProfileForm { f = f.WithAI(ai); f.Role = "software-engineer"; return f }, false},
		{"goals changed", func(f ProfileForm) ProfileForm { f = f.WithAI(ai); f.Goals = "Presenting"; return f }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.edit(f)
			if g.AIApplies() != tc.apply || aiTarget(g) != tc.apply {
				t.Fatalf("AIApplies %v, target %v; want %v", g.AIApplies(), aiTarget(g), tc.apply)
			}
		})
	}
}

func TestGapBars(t *testing.T) {
	tax := taxonomy(t)
	built, err := learner.BuildProfile(tax, learner.ProfileInput{Role: "data-analyst", Goals: []string{"presenting"},
		SelfRatings: map[string]float64{"sql-basics": 5}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		p     *learner.Profile
		m     learner.Mastery
		n     int
		first string
	}{
		{"no profile", nil, nil, 0, ""},
		{"no answers", built, nil, MaxGaps, ""},
		{"weak at presenting", built, fixedMastery{"presenting": 0.2, "sql-basics": 0.9}, MaxGaps, "Presenting"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := GapBars(tc.p, tc.m, tax)
			if len(got) != tc.n {
				t.Fatalf("%d bars, want %d: %+v", len(got), tc.n, got)
			}
			if tc.first != "" && got[0].Name != tc.first {
				t.Fatalf("first gap %+v, want %s", got[0], tc.first)
			}
			for _, b := range got {
				if b.Target <= 0 || b.Mastery <= 0 || b.Mastery >= 1 || !strings.HasPrefix(b.Text, "now ") || b.Category == "" {
					t.Fatalf("bar %+v", b)
				}
				if b.Skill == "sql-basics" {
					t.Fatalf("sql-basics rated 5 and answered at 0.9 is not a big gap: %+v", got)
				}
			}
		})
	}
}
