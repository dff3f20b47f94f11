package view

import (
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"

	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

// ProfileForm is the Profile window's editable state, as the learner sees
// it: names rather than ids, minutes as typed. It covers what `tidbit
// profile` sets: role, seniority, goals, notes, self-ratings, minutes.
type ProfileForm struct {
	Role      string // role id; "" not set
	Seniority string
	Goals     string // role or skill names (or any text), comma separated
	Notes     string
	Minutes   string
	Ratings   map[string]int // skill id -> 1-5; absent: not rated

	// AI is the local model's reading of the stored profile (its target
	// skills, AI-written); it counts only while role, goals and notes are
	// as they were read (aiOf), since it is a reading of that text.
	AI   []learner.AITarget
	aiOf [3]string
}

// Choice is an option of a select: what is stored and what is shown.
type Choice struct{ ID, Name string }

// NotSet is the name of the empty choice.
const NotSet = "Not set"

// Seniorities are the levels BuildProfile understands, as offered.
var Seniorities = []string{"", "junior", "mid", "senior", "lead"}

// RoleChoices are the taxonomy's roles by name, after NotSet.
func RoleChoices(tax *assets.Taxonomy) []Choice {
	out := []Choice{{"", NotSet}}
	if tax == nil {
		return out
	}
	roles := make([]Choice, 0, len(tax.Roles))
	for _, r := range tax.Roles {
		roles = append(roles, Choice{r.ID, r.Name})
	}
	sort.Slice(roles, func(i, j int) bool { return roles[i].Name < roles[j].Name })
	return append(out, roles...)
}

// SeniorityChoices are Seniorities plus current when it is another word a
// profile saved by the CLI may hold.
func SeniorityChoices(current string) []Choice {
	out := []Choice{}
	found := false
	for _, s := range Seniorities {
		name := s
		if s == "" {
			name = NotSet
		}
		out = append(out, Choice{s, name})
		found = found || s == current
	}
	if !found {
		out = append(out, Choice{current, current})
	}
	return out
}

// RatingChoices are the self-rating levels; 0 is "not rated".
var RatingChoices = []Choice{{"0", "Not rated"}, {"1", "1 New to it"}, {"2", "2 Learning"}, {"3", "3 Capable"},
	{"4", "4 Strong"}, {"5", "5 Expert"}}

// NewProfileForm shows p; goal ids become names.
func NewProfileForm(p store.Profile, tax *assets.Taxonomy) ProfileForm {
	f := ProfileForm{Role: p.Role, Seniority: p.Seniority, Notes: p.Notes, Minutes: strconv.Itoa(p.MinutesPerWeek),
		Ratings: maps.Clone(p.SelfRatings)}
	if f.Ratings == nil {
		f.Ratings = map[string]int{}
	}
	names := make([]string, 0, len(p.Goals))
	for _, g := range p.Goals {
		names = append(names, goalName(tax, g))
	}
	f.Goals = strings.Join(names, ", ")
	f.aiOf = f.readText()
	return f
}

// WithAI is f with ai, the model's reading of the profile f was made from.
func (f ProfileForm) WithAI(ai []learner.AITarget) ProfileForm {
	f.AI = ai
	return f
}

// readText is what a model reads of the form.
func (f ProfileForm) readText() [3]string { return [3]string{f.Role, f.Goals, f.Notes} }

// AIApplies says whether the model's reading still describes the form
// (role, goals and notes unchanged since it was loaded).
func (f ProfileForm) AIApplies() bool { return len(f.AI) > 0 && f.readText() == f.aiOf }

func goalName(tax *assets.Taxonomy, id string) string {
	if tax != nil {
		if r, ok := tax.Role(id); ok {
			return r.Name
		}
		if s, ok := tax.Skill(id); ok {
			return s.Name
		}
	}
	return id
}

// SplitGoals reads the goals text: commas, semicolons and line breaks
// separate goals; blanks are dropped, repeats kept once.
func SplitGoals(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' })
	out := []string{}
	seen := map[string]bool{}
	for _, p := range parts {
		p = strings.Join(strings.Fields(p), " ")
		if p == "" || seen[strings.ToLower(p)] {
			continue
		}
		seen[strings.ToLower(p)] = true
		out = append(out, p)
	}
	return out
}

// GoalIDs resolves goal names to role or skill ids (case-insensitive, by
// name or id); text that is neither is kept as typed, and the profile
// check says it is not used for targets.
func GoalIDs(s string, tax *assets.Taxonomy) []string {
	goals := SplitGoals(s)
	for i, g := range goals {
		goals[i] = goalID(tax, g)
	}
	return goals
}

func goalID(tax *assets.Taxonomy, g string) string {
	if tax == nil {
		return g
	}
	for _, r := range tax.Roles {
		if strings.EqualFold(r.ID, g) || strings.EqualFold(r.Name, g) {
			return r.ID
		}
	}
	for _, s := range tax.Skills {
		if strings.EqualFold(s.ID, g) || strings.EqualFold(s.Name, g) {
			return s.ID
		}
	}
	return g
}

// ParseMinutes reads the minutes-a-week field: a whole number within
// BuildProfile's range.
func ParseMinutes(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < learner.MinMinutes || n > learner.MaxMinutesPerWk {
		return 0, fmt.Errorf("minutes a week: enter a whole number from %d to %d", learner.MinMinutes, learner.MaxMinutesPerWk)
	}
	return n, nil
}

// Apply returns base with the form's values, or the first field that
// cannot be saved. Ratings outside 1-5 (0: not rated) are dropped.
func (f ProfileForm) Apply(base store.Profile, tax *assets.Taxonomy) (store.Profile, error) {
	n, err := ParseMinutes(f.Minutes)
	if err != nil {
		return base, err
	}
	p := base
	p.Role, p.Seniority, p.Notes, p.MinutesPerWeek = f.Role, f.Seniority, f.Notes, n
	p.Goals = GoalIDs(f.Goals, tax)
	p.SelfRatings = map[string]int{}
	for k, v := range f.Ratings {
		if v >= 1 && v <= 5 {
			p.SelfRatings[k] = v
		}
	}
	return p, nil
}

// Built is the learner model's reading of the form, as `tidbit profile`
// shows it: targets and warnings. The minutes field may be invalid here
// (the default is used); Apply reports it.
func (f ProfileForm) Built(tax *assets.Taxonomy) (*learner.Profile, error) {
	n, _ := ParseMinutes(f.Minutes)
	in := learner.ProfileInput{Role: f.Role, Seniority: f.Seniority, Goals: GoalIDs(f.Goals, tax), Notes: f.Notes,
		MinutesPerWeek: float64(n), SelfRatings: map[string]float64{}}
	if f.AIApplies() {
		in.AITargets = f.AI
	}
	for k, v := range f.Ratings {
		if v >= 1 && v <= 5 {
			in.SelfRatings[k] = float64(v)
		}
	}
	return learner.BuildProfile(tax, in)
}

// RatingRow is one skill offered for a self-rating.
type RatingRow struct {
	Skill, Name, Category string
	Level                 int    // 0 not rated
	Why                   string // "your role", "your goal", "your notes", "rated before"
}

// RatingRows lists the skills to rate: the profile's targets and every
// skill already rated, by category then name.
func RatingRows(f ProfileForm, built *learner.Profile, tax *assets.Taxonomy) []RatingRow {
	rows := map[string]RatingRow{}
	if built != nil {
		for _, t := range built.Targets {
			why := "your role"
			if len(t.Sources) > 0 {
				why = t.Sources[0].Kind.Phrase()
			}
			rows[t.Skill] = RatingRow{Skill: t.Skill, Why: why}
		}
	}
	for k := range f.Ratings {
		if _, ok := rows[k]; !ok {
			rows[k] = RatingRow{Skill: k, Why: "rated before"}
		}
	}
	out := make([]RatingRow, 0, len(rows))
	for _, r := range rows {
		r.Name, r.Level = r.Skill, f.Ratings[r.Skill]
		if tax != nil {
			if s, ok := tax.Skill(r.Skill); ok {
				r.Name = s.Name
				if c, ok := tax.Category(s.Category); ok {
					r.Category = c.Name
				}
			}
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Category != out[j].Category {
			return out[i].Category < out[j].Category
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// MaxGaps is how many gaps the Profile window charts, as `tidbit profile`
// lists them.
const MaxGaps = 8

// GapBars are the biggest gaps between the targets of built and where the
// learner stands (m's estimate blended with the self-rating), largest
// first, as bars with the target marked. m may be nil (no answers yet).
func GapBars(built *learner.Profile, m learner.Mastery, tax *assets.Taxonomy) []SkillBar {
	out := []SkillBar{}
	for _, g := range learner.Gaps(built, m) {
		if len(out) == MaxGaps {
			break
		}
		b := SkillBar{Skill: g.Skill, Name: g.Skill, Mastery: g.Mastery, Target: g.TargetP}
		if tax != nil {
			if s, ok := tax.Skill(g.Skill); ok {
				b.Name = s.Name
				if c, ok := tax.Category(s.Category); ok {
					b.Category = c.Name
				}
			}
		}
		b.Text = fmt.Sprintf("now %.0f%% ±%.0f · target %.0f%%", 100*g.Mastery, 100*g.Uncertainty, 100*g.TargetP)
		out = append(out, b)
	}
	return out
}
