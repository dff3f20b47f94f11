package learner

import (
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/tidbit-learn/tidbit/assets"
)

var (
	taxOnce sync.Once
	taxVal  *assets.Taxonomy
)

func testTaxonomy(t testing.TB) *assets.Taxonomy {
	t.Helper()
	taxOnce.Do(func() {
		var err error
		taxVal, err = assets.LoadTaxonomy()
		if err != nil {
			panic(err)
		}
	})
	return taxVal
}

func TestMatcher(t *testing.T) {
	tax := testTaxonomy(t)
	m := NewMatcher(tax)
	cases := []struct {
		name, text string
		want       []string
	}{
		{"note from the brief", "needs to improve stakeholder updates", []string{"stakeholder-updates"}},
		{"inflected", "Her presentations ramble. Delegating is hard for him.", []string{"presenting", "delegation"}},
		{"name phrase", "Work on giving feedback and active listening", []string{"active-listening", "giving-feedback"}},
		{"synonym", "Should run better 1:1s; prioritization is weak", []string{"one-on-ones", "prioritisation"}},
		{"words split across sentences do not match", "Talk to each stakeholder. Updates are fine.", []string{}},
		{"empty", "", []string{}},
		{"punctuation only", "...;;!!", []string{}},
		{"invalid utf8", "stake\xffholder upd\xfeates", []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := m.Match(tc.text)
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("Match(%q) = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
}

func TestBuildProfile(t *testing.T) {
	tax := testTaxonomy(t)
	manyGoals := make([]string, 10000)
	for i := range manyGoals {
		manyGoals[i] = "team-lead"
	}
	cases := []struct {
		name       string
		in         ProfileInput
		wantLevels map[string]float64 // skill -> target level
		wantSource map[string]SourceKind
		wantWarn   []string // substrings of warnings
		noTarget   []string
	}{
		{
			name:       "role with seniority",
			in:         ProfileInput{Role: "team-lead", Seniority: "senior"},
			wantLevels: map[string]float64{"delegation": 4, "stakeholder-updates": 4},
			wantSource: map[string]SourceKind{"delegation": FromRole},
		},
		{
			name:       "junior lowers but not below 1",
			in:         ProfileInput{Role: "Software engineer", Seniority: "Junior"},
			wantLevels: map[string]float64{"version-control": 3, "phishing": 1},
		},
		{
			name:       "goal role and goal skill",
			in:         ProfileInput{Role: "software-engineer", Goals: []string{"team-lead", "Negotiation basics"}},
			wantLevels: map[string]float64{"delegation": 3, "negotiation-basics": 4, "debugging": 4},
			wantSource: map[string]SourceKind{"delegation": FromGoalRole, "negotiation-basics": FromGoalSkill},
		},
		{
			name:       "notes raise a role skill by one and add new ones at 3",
			in:         ProfileInput{Role: "team-lead", Notes: "Needs to improve stakeholder updates. Could learn some SQL."},
			wantLevels: map[string]float64{"stakeholder-updates": 4, "sql-basics": 3},
			wantSource: map[string]SourceKind{"stakeholder-updates": FromNotes, "sql-basics": FromNotes},
		},
		{
			name: "AI targets add skills beside the keyword matching",
			in: ProfileInput{Role: "team-lead", Notes: "Needs to improve stakeholder updates.",
				AITargets: []AITarget{{Skill: "sql-basics", Level: 2, Why: "The notes mention reports."}, {Skill: "delegation", Level: 5, Why: "Goals."},
					{Skill: "moon-landing", Level: 3}}},
			wantLevels: map[string]float64{"stakeholder-updates": 4, "sql-basics": 2, "delegation": 5},
			wantSource: map[string]SourceKind{"stakeholder-updates": FromNotes, "sql-basics": FromAI, "delegation": FromAI},
			wantWarn:   []string{`AI target "moon-landing"`},
		},
		{
			name:     "praise is not a target",
			in:       ProfileInput{Notes: "Great at presenting."},
			noTarget: []string{"presenting"},
		},
		{
			name:     "unknown ids warn",
			in:       ProfileInput{Role: "astronaut", Seniority: "galactic", Goals: []string{"moonwalk"}, SelfRatings: map[string]float64{"nope": 3}},
			wantWarn: []string{`role "astronaut"`, `seniority "galactic"`, `goal "moonwalk"`, `unknown skill "nope"`},
		},
		{
			name:       "10,000 goals are capped",
			in:         ProfileInput{Goals: manyGoals},
			wantLevels: map[string]float64{"delegation": 3},
			wantWarn:   []string{"10000 goals given"},
		},
		{
			name:     "1 MB of notes is cut",
			in:       ProfileInput{Notes: strings.Repeat("blah stakeholder updates ", 1<<20/25)},
			wantWarn: []string{"only the first 16384 are read"},
		},
		{
			name:     "NaN and out-of-range self-ratings",
			in:       ProfileInput{SelfRatings: map[string]float64{"delegation": math.NaN(), "coaching": 9, "sql-basics": math.Inf(-1)}},
			wantWarn: []string{"delegation is not a number", "9 for coaching is outside 1-5", "sql-basics is not a number"},
		},
		{
			name:     "absurd minutes",
			in:       ProfileInput{MinutesPerWeek: math.Inf(1)},
			wantWarn: []string{"capped at 1200"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := BuildProfile(tax, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			checkProfile(t, p)
			for skill, want := range tc.wantLevels {
				got, ok := p.Target(skill)
				if !ok || got.Level != want {
					t.Errorf("target %s = %v (ok %v), want level %v", skill, got.Level, ok, want)
				}
			}
			for skill, want := range tc.wantSource {
				got, _ := p.Target(skill)
				if len(got.Sources) == 0 || got.Sources[0].Kind != want {
					t.Errorf("target %s sources %+v, want first %s", skill, got.Sources, want)
				}
			}
			for _, skill := range tc.noTarget {
				if _, ok := p.Target(skill); ok {
					t.Errorf("unexpected target %s", skill)
				}
			}
			all := strings.Join(p.Warnings, "\n")
			for _, w := range tc.wantWarn {
				if !strings.Contains(all, w) {
					t.Errorf("warnings %q lack %q", all, w)
				}
			}
		})
	}
	if _, err := BuildProfile(nil, ProfileInput{}); err != ErrNoTaxonomy {
		t.Errorf("nil taxonomy: err %v", err)
	}
}

// checkProfile asserts the invariants every built profile keeps.
func checkProfile(t *testing.T, p *Profile) {
	t.Helper()
	if p.MinutesPerWeek < MinMinutes || p.MinutesPerWeek > MaxMinutesPerWk || math.IsNaN(p.MinutesPerWeek) {
		t.Errorf("minutes per week %v out of range", p.MinutesPerWeek)
	}
	if len(p.Warnings) > MaxWarnings+1 {
		t.Errorf("%d warnings", len(p.Warnings))
	}
	for _, w := range p.Warnings {
		if len(w) > 300 {
			t.Errorf("warning too long: %d bytes", len(w))
		}
	}
	for i, tg := range p.Targets {
		if tg.Level < 1 || tg.Level > 5 || math.IsNaN(tg.Level) {
			t.Errorf("target %s level %v", tg.Skill, tg.Level)
		}
		if len(tg.Sources) == 0 {
			t.Errorf("target %s without source", tg.Skill)
		}
		if i > 0 && p.Targets[i-1].Skill >= tg.Skill {
			t.Errorf("targets not sorted at %s", tg.Skill)
		}
	}
	for id, v := range p.SelfRatings {
		if v < 1 || v > 5 || math.IsNaN(v) {
			t.Errorf("self-rating %s = %v", id, v)
		}
	}
	for _, g := range Gaps(p, NewBetaMastery()) {
		if math.IsNaN(g.Gap) || math.IsNaN(g.Uncertainty) || g.Gap < -1 || g.Gap > 1 || g.Uncertainty <= 0 {
			t.Errorf("gap %+v", g)
		}
	}
}

func TestGapsBlendSelfRating(t *testing.T) {
	tax := testTaxonomy(t)
	p, err := BuildProfile(tax, ProfileInput{Goals: []string{"delegation", "coaching"}, SelfRatings: map[string]float64{"delegation": 5}})
	if err != nil {
		t.Fatal(err)
	}
	m := NewBetaMastery()
	gaps := Gaps(p, m)
	if len(gaps) != 2 || gaps[0].Skill != "coaching" {
		t.Fatalf("gaps %+v: want coaching (unrated) first", gaps)
	}
	if gaps[1].Gap > 0.05 || gaps[1].Uncertainty >= gaps[0].Uncertainty {
		t.Errorf("self-rated 5 should be near or above target and surer: %+v", gaps[1])
	}
	// Evidence overrides the self-rating as it accumulates.
	m.Add("delegation", 2, 40)
	g := Gaps(p, m)
	if g[0].Skill != "delegation" || g[0].Gap < 0.3 {
		t.Errorf("after 2 of 40 right, delegation gap %+v", g[0])
	}
}

func FuzzBuildProfile(f *testing.F) {
	f.Add("team-lead", "senior", "delegation,team-lead", "needs to improve stakeholder updates", "delegation", 3.0, 60.0)
	f.Add("", "", "", "", "", 0.0, 0.0)
	f.Add("astronaut", "galactic", "moonwalk,,", "Great at presenting. 1:1s are poor", "nope", math.NaN(), math.Inf(1))
	f.Add("Software engineer", "Junior", strings.Repeat("x,", 50), "\xff\xfe stake\x00holder", "coaching", -7.0, -1.0)
	tax := testTaxonomy(f)
	f.Fuzz(func(t *testing.T, role, seniority, goals, notes, ratedSkill string, rating, minutes float64) {
		in := ProfileInput{Role: role, Seniority: seniority, Goals: strings.Split(goals, ","), Notes: notes,
			SelfRatings: map[string]float64{ratedSkill: rating}, MinutesPerWeek: minutes}
		p, err := BuildProfile(tax, in)
		if err != nil {
			t.Fatal(err)
		}
		checkProfile(t, p)
	})
}
