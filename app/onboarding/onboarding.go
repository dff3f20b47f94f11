// Package onboarding is the domain side of the welcome steps a new user
// goes through: role, goals, calendar and model server. Every answer may be
// left empty (a skipped step): the defaults of app/settings and an empty
// profile then apply. Finish saves the profile and the settings in one go,
// with Onboarded set, which turns start at login on unless the user said
// otherwise. No Fyne here: widgets/onboarding shows the steps.
package onboarding

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

// Answers are what the steps collected, as typed.
type Answers struct {
	Role       string // role id; "" when skipped
	GoalRole   string // a role id the user aims for; ""
	Skills     string // skill names or ids, comma-separated
	WeeklyGoal string // a number; "" for the default
	Calendar   string // one calendar source, a full path or a URL; ""
	Addresses  string // comma-separated
	ModelHost  string
	Model      string
	NoAI       bool
	// AllowRemote must be set for a ModelHost on another computer.
	AllowRemote bool
}

// Steps name the steps and the answer keys (settings JSON names, plus
// "role" and "goals" for the profile) whose problems each step shows.
var Steps = []struct {
	Name string
	Keys []string
}{
	{"role", []string{"role"}},
	{"goals", []string{"goals", "weekly_goal"}},
	{"calendar", []string{"calendars", "addresses"}},
	{"model", []string{"model_host", "model", "allow_remote", "no_ai"}},
}

// Store is what Finish needs of app/store.
type Store interface {
	settings.Store
	Profile(ctx context.Context) (store.Profile, error)
	SaveProfile(ctx context.Context, p store.Profile) error
}

var _ Store = (*store.Store)(nil)

// Roles are the taxonomy's roles sorted by name, for a picker.
func Roles(tax *assets.Taxonomy) []assets.Role {
	rs := append([]assets.Role(nil), tax.Roles...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].Name < rs[j].Name })
	return rs
}

// SkillExamples are a few skill names of a role, to show what "skills"
// means; "" role: of the whole taxonomy.
func SkillExamples(tax *assets.Taxonomy, role string, n int) []string {
	var ids []string
	if r, ok := tax.Role(role); ok {
		for id := range r.Skills {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool {
			if r.Skills[ids[i]] != r.Skills[ids[j]] {
				return r.Skills[ids[i]] > r.Skills[ids[j]]
			}
			return ids[i] < ids[j]
		})
	} else {
		for _, s := range tax.Skills {
			ids = append(ids, s.ID)
		}
	}
	var out []string
	for _, id := range ids {
		if s, ok := tax.Skill(id); ok && len(out) < n {
			out = append(out, s.Name)
		}
	}
	return out
}

// skillID finds a skill by id or by name, ignoring case.
func skillID(tax *assets.Taxonomy, v string) (string, bool) {
	if s, ok := tax.Skill(strings.ToLower(v)); ok {
		return s.ID, true
	}
	for _, s := range tax.Skills {
		if strings.EqualFold(s.Name, v) {
			return s.ID, true
		}
	}
	return "", false
}

// Apply turns the answers into settings and a profile on top of what is
// stored, with every problem by key. The result must not be saved when
// there are problems.
func (a Answers) Apply(tax *assets.Taxonomy, s settings.Settings, p store.Profile) (settings.Settings, store.Profile, []settings.Problem) {
	var probs []settings.Problem
	bad := func(key, format string, args ...any) {
		probs = append(probs, settings.Problem{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	if a.Role != "" {
		if _, ok := tax.Role(a.Role); !ok {
			bad("role", "unknown role %q", a.Role)
		} else {
			p.Role = a.Role
		}
	}
	var goals []string
	if a.GoalRole != "" {
		if _, ok := tax.Role(a.GoalRole); !ok {
			bad("goals", "unknown role %q", a.GoalRole)
		} else {
			goals = append(goals, a.GoalRole)
		}
	}
	for _, v := range settings.SplitList(a.Skills) {
		id, ok := skillID(tax, v)
		if !ok {
			bad("goals", "%q is not a skill Tidbit knows; try one of: %s", v, strings.Join(SkillExamples(tax, a.Role, 3), ", "))
			continue
		}
		goals = append(goals, id)
	}
	if len(goals) > 0 {
		p.Goals = goals
	}
	set := func(key, v string) {
		if err := s.Set(key, v); err != nil {
			bad(key, "%s", strings.TrimPrefix(err.Error(), key+": "))
		}
	}
	if strings.TrimSpace(a.WeeklyGoal) != "" {
		set("weekly_goal", a.WeeklyGoal)
	}
	if c := strings.TrimSpace(a.Calendar); settings.IsRelativeFile(c) {
		bad("calendars", "use the full path of the file, e.g. /home/you/work.ics or ~/work.ics")
	} else if c != "" {
		found := false
		for _, have := range s.Calendars {
			found = found || have == c
		}
		if !found {
			s.Calendars = append(append([]string(nil), s.Calendars...), c)
		}
	}
	if strings.TrimSpace(a.Addresses) != "" {
		set("addresses", a.Addresses)
	}
	if strings.TrimSpace(a.ModelHost) != "" {
		set("model_host", a.ModelHost)
	}
	if strings.TrimSpace(a.Model) != "" {
		set("model", a.Model)
	}
	s.NoAI = a.NoAI
	s.AllowRemote = a.AllowRemote
	s.Onboarded = true
	typed := map[string]bool{}
	for _, pr := range probs {
		typed[pr.Key] = true
	}
	for _, pr := range s.Problems() {
		if !typed[pr.Key] {
			probs = append(probs, pr)
		}
	}
	return s, p, probs
}

// StepProblems are the problems a step shows (by its Keys).
func StepProblems(step int, ps []settings.Problem) []settings.Problem {
	if step < 0 || step >= len(Steps) {
		return nil
	}
	var out []settings.Problem
	for _, p := range ps {
		for _, k := range Steps[step].Keys {
			if p.Key == k {
				out = append(out, p)
			}
		}
	}
	return out
}

// Finish saves the answers: the profile, then the settings with Onboarded
// set. With problems nothing is saved and they are returned.
func Finish(ctx context.Context, st Store, tax *assets.Taxonomy, a Answers) (settings.Settings, []settings.Problem, error) {
	s, err := settings.Load(ctx, st)
	if err != nil {
		return s, nil, err
	}
	p, err := st.Profile(ctx)
	if err != nil {
		return s, nil, err
	}
	s, p, probs := a.Apply(tax, s, p)
	if len(probs) > 0 {
		return s, probs, nil
	}
	if err := st.SaveProfile(ctx, p); err != nil {
		return s, nil, fmt.Errorf("saving your profile: %w", err)
	}
	if err := settings.Save(ctx, st, s); err != nil {
		return s, nil, fmt.Errorf("saving settings: %w", err)
	}
	return s, nil, nil
}
