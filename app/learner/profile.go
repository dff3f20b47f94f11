package learner

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/tidbit-learn/tidbit/assets"
)

// Caps on profile input. Beyond them input is ignored with a warning rather
// than refused, so a pasted wall of text still yields a usable profile.
const (
	MaxGoals         = 20
	MaxNotesBytes    = 16 << 10
	MaxSelfRatings   = 1000
	MaxWarnings      = 20
	DefaultMinutes   = 30
	MinMinutes       = 5
	MaxMinutesPerWk  = 1200 // 20 hours a week
	maxIDLen         = 200
	noteTargetLevel  = 3 // a skill named in notes aims at least at this level
	goalSkillLevel   = 4 // a skill set as a goal aims at this level
	selfRatingStdDev = 0.2
)

// ProfileInput is what a learner tells Tidbit, as entered. Any field may be
// empty or absurd; BuildProfile cleans it.
type ProfileInput struct {
	Role      string // role id or name from the taxonomy
	Seniority string // junior, mid, senior, lead... (see seniorityOffset)
	// SelfRatings are 1-5 per skill id; NaN, infinities and unknown ids are
	// dropped with a warning, other values clamped to 1-5.
	SelfRatings map[string]float64
	// Goals are target role ids or skill ids (names are accepted too).
	Goals []string
	// Notes are free-text performance notes ("needs to improve stakeholder
	// updates"); skills they name become targets.
	Notes          string
	MinutesPerWeek float64
	// AITargets are skills a local model read into the role, goals and
	// notes (app/personal): extra targets beside the keyword matching,
	// named as such in reasons. Unknown skill ids are dropped with a
	// warning.
	AITargets []AITarget
}

// AITarget is one skill the model's reading of the profile calls for.
type AITarget struct {
	Skill string
	Level float64 // 1-5
	Why   string  // the model's one-line reason
}

// SourceKind says where a target comes from.
type SourceKind string

const (
	FromRole      SourceKind = "role"       // the learner's current role profile
	FromGoalRole  SourceKind = "goal-role"  // a role the learner aims for
	FromGoalSkill SourceKind = "goal-skill" // a skill the learner set as a goal
	FromNotes     SourceKind = "notes"      // named in performance notes
	FromAI        SourceKind = "ai"         // a local model's reading of the profile (AI-written)
)

// Phrase says where a target comes from in a few words for the learner
// ("your role", "your notes", ...).
func (k SourceKind) Phrase() string {
	switch k {
	case FromRole:
		return "your role"
	case FromGoalRole, FromGoalSkill:
		return "your goal"
	case FromNotes:
		return "your notes"
	case FromAI:
		return "the AI reading of your profile"
	}
	return string(k)
}

// Source is one reason a skill is a target.
type Source struct {
	Kind  SourceKind `json:"kind"`
	ID    string     `json:"id"`              // role or skill id
	Name  string     `json:"name"`            // role or skill name, for reasons
	Quote string     `json:"quote,omitempty"` // the sentence of the notes, for FromNotes
	Level float64    `json:"level"`           // the level this source asks for
}

// Target is one skill the learner should reach, on the 1-5 level scale.
type Target struct {
	Skill   string   `json:"skill"`
	Level   float64  `json:"level"`
	Sources []Source `json:"sources"` // the one setting the level first; ties: goal role, goal skill, notes, role
}

// Profile is the cleaned profile: targets per skill and prior beliefs from
// self-ratings. It is immutable once built.
type Profile struct {
	Role           string             `json:"role"`
	RoleName       string             `json:"role_name"`
	Seniority      string             `json:"seniority"`
	MinutesPerWeek float64            `json:"minutes_per_week"`
	SelfRatings    map[string]float64 `json:"self_ratings"` // cleaned, 1-5
	Targets        []Target           `json:"targets"`      // sorted by skill id
	// Warnings explain every piece of input that was dropped, capped or
	// not understood, one line each (at most MaxWarnings, then a count).
	Warnings []string `json:"warnings"`

	targetBySkill map[string]int
}

// Target returns the target for skill, if any.
func (p *Profile) Target(skill string) (Target, bool) {
	if p == nil {
		return Target{}, false
	}
	i, ok := p.targetBySkill[skill]
	if !ok {
		return Target{}, false
	}
	return p.Targets[i], true
}

// ErrNoTaxonomy is returned when BuildProfile is given no taxonomy.
var ErrNoTaxonomy = errors.New("learner: no taxonomy")

// seniorityOffset adjusts the current role's target levels: a junior aims a
// level below the profile, a senior or lead a level above. Unknown words
// leave the profile as is.
var seniorityOffset = map[string]float64{
	"intern": -1, "trainee": -1, "junior": -1, "entry": -1, "graduate": -1,
	"mid": 0, "intermediate": 0, "": 0, "experienced": 0,
	"senior": 1, "lead": 1, "staff": 1, "principal": 1, "head": 1, "expert": 1,
}

// LevelP maps a 1-5 level to the mastery probability it stands for:
// 0.45 + 0.1 x level (level 1 = 0.55, 3 = 0.75, 5 = 0.95). Out-of-range
// and NaN levels are clamped to 1-5.
func LevelP(level float64) float64 {
	return 0.45 + 0.1*clampLevel(level)
}

func clampLevel(l float64) float64 {
	if math.IsNaN(l) {
		return 1
	}
	return math.Max(1, math.Min(5, l))
}

type warner struct {
	list    []string
	dropped int
}

func (w *warner) add(format string, args ...any) {
	if len(w.list) >= MaxWarnings {
		w.dropped++
		return
	}
	w.list = append(w.list, fmt.Sprintf(format, args...))
}

func (w *warner) done() []string {
	if w.dropped > 0 {
		w.list = append(w.list, fmt.Sprintf("%d more warnings not shown", w.dropped))
	}
	if w.list == nil {
		return []string{}
	}
	return w.list
}

// short quotes user input in warnings without echoing a megabyte back.
func short(s string) string { return fmt.Sprintf("%q", truncate(s, 40)) }

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// BuildProfile cleans in and derives the targets: the role profile
// (adjusted by seniority), the profiles of goal roles, goal skills (level
// 4) and skills named in the notes (at least level 3, one level above the
// role's target when the role already names them). For each skill the
// highest level wins and every source is kept for reasons. It never fails
// on input: what it cannot use it reports in Profile.Warnings.
func BuildProfile(tax *assets.Taxonomy, in ProfileInput) (*Profile, error) {
	if tax == nil {
		return nil, ErrNoTaxonomy
	}
	var w warner
	p := &Profile{SelfRatings: map[string]float64{}, targetBySkill: map[string]int{}}

	p.MinutesPerWeek = in.MinutesPerWeek
	switch {
	case math.IsNaN(p.MinutesPerWeek) || p.MinutesPerWeek <= 0:
		if in.MinutesPerWeek != 0 {
			w.add("minutes per week %v is not a positive number: using %d", in.MinutesPerWeek, DefaultMinutes)
		}
		p.MinutesPerWeek = DefaultMinutes
	case p.MinutesPerWeek < MinMinutes:
		p.MinutesPerWeek = MinMinutes
	case p.MinutesPerWeek > MaxMinutesPerWk:
		w.add("minutes per week %v capped at %d", in.MinutesPerWeek, MaxMinutesPerWk)
		p.MinutesPerWeek = MaxMinutesPerWk
	}

	sen := strings.ToLower(strings.TrimSpace(in.Seniority))
	off, ok := seniorityOffset[sen]
	if !ok {
		w.add("seniority %s not understood (try junior, mid, senior, lead): using the role profile as is", short(in.Seniority))
	} else {
		p.Seniority = sen
	}

	add := func(skill string, level float64, src Source) {
		level = clampLevel(level)
		src.Level = level
		if i, ok := p.targetBySkill[skill]; ok {
			t := &p.Targets[i]
			t.Level = math.Max(t.Level, level)
			t.Sources = append(t.Sources, src)
			return
		}
		p.targetBySkill[skill] = len(p.Targets)
		p.Targets = append(p.Targets, Target{Skill: skill, Level: level, Sources: []Source{src}})
	}

	if strings.TrimSpace(in.Role) != "" {
		if r, ok := findRole(tax, in.Role); ok {
			p.Role, p.RoleName = r.ID, r.Name
			for _, id := range sortedKeys(r.Skills) {
				add(id, float64(r.Skills[id])+off, Source{Kind: FromRole, ID: r.ID, Name: r.Name})
			}
		} else {
			w.add("role %s is not in the taxonomy: no role targets", short(in.Role))
		}
	}

	goals := in.Goals
	if len(goals) > MaxGoals {
		w.add("%d goals given: only the first %d are used", len(goals), MaxGoals)
		goals = goals[:MaxGoals]
	}
	for _, g := range goals {
		g = strings.TrimSpace(g)
		if g == "" {
			continue
		}
		if r, ok := findRole(tax, g); ok {
			for _, id := range sortedKeys(r.Skills) {
				add(id, float64(r.Skills[id]), Source{Kind: FromGoalRole, ID: r.ID, Name: r.Name})
			}
			continue
		}
		if s, ok := findSkill(tax, g); ok {
			add(s.ID, goalSkillLevel, Source{Kind: FromGoalSkill, ID: s.ID, Name: s.Name})
			continue
		}
		w.add("goal %s is neither a role nor a skill of the taxonomy: ignored", short(g))
	}

	notes := in.Notes
	if len(notes) > MaxNotesBytes {
		w.add("notes are %d bytes: only the first %d are read", len(notes), MaxNotesBytes)
		cut := MaxNotesBytes
		for cut > 0 && !utf8.RuneStart(notes[cut]) {
			cut--
		}
		notes = notes[:cut]
	}
	if !utf8.ValidString(notes) {
		notes = strings.ToValidUTF8(notes, " ")
	}
	for _, hit := range NewMatcher(tax).MatchSentences(notes, isPraise) {
		s, _ := tax.Skill(hit.Skill)
		level := float64(noteTargetLevel)
		if i, ok := p.targetBySkill[hit.Skill]; ok {
			level = math.Max(level, p.Targets[i].Level+1)
		}
		quote := truncate(hit.Sentence, 120)
		add(hit.Skill, level, Source{Kind: FromNotes, ID: s.ID, Name: s.Name, Quote: quote})
	}

	for i, at := range in.AITargets {
		if i >= MaxGoals {
			w.add("%d AI targets given: only the first %d are used", len(in.AITargets), MaxGoals)
			break
		}
		s, ok := tax.Skill(at.Skill)
		if !ok {
			w.add("AI target %s is not a skill of the taxonomy: ignored", short(at.Skill))
			continue
		}
		add(s.ID, at.Level, Source{Kind: FromAI, ID: s.ID, Name: s.Name, Quote: truncate(at.Why, 120)})
	}

	ratingIDs := sortedKeys(in.SelfRatings)
	if len(ratingIDs) > MaxSelfRatings {
		w.add("%d self-ratings given: only the first %d (by id) are read", len(ratingIDs), MaxSelfRatings)
		ratingIDs = ratingIDs[:MaxSelfRatings]
	}
	for _, id := range ratingIDs {
		v := in.SelfRatings[id]
		if _, ok := tax.Skill(id); !ok {
			w.add("self-rating for unknown skill %s ignored", short(id))
			continue
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			w.add("self-rating for %s is not a number: ignored", id)
			continue
		}
		if v < 1 || v > 5 {
			w.add("self-rating %v for %s is outside 1-5: clamped", v, id)
			v = clampLevel(v)
		}
		p.SelfRatings[id] = v
	}

	for i := range p.Targets {
		t := &p.Targets[i]
		// The source that sets the level comes first, then what the
		// learner chose over what the role implies.
		sort.SliceStable(t.Sources, func(a, b int) bool {
			if t.Sources[a].Level != t.Sources[b].Level {
				return t.Sources[a].Level > t.Sources[b].Level
			}
			return sourceRank(t.Sources[a].Kind) < sourceRank(t.Sources[b].Kind)
		})
	}
	sort.Slice(p.Targets, func(i, j int) bool { return p.Targets[i].Skill < p.Targets[j].Skill })
	for i, t := range p.Targets {
		p.targetBySkill[t.Skill] = i
	}
	if p.Targets == nil {
		p.Targets = []Target{}
	}
	p.Warnings = w.done()
	return p, nil
}

// sourceRank orders sources for reasons: what the learner chose first.
func sourceRank(k SourceKind) int {
	switch k {
	case FromGoalRole:
		return 0
	case FromGoalSkill:
		return 1
	case FromNotes:
		return 2
	case FromAI:
		return 3
	}
	return 4
}

// praise words mark a sentence of the notes as a strength, not a target
// ("great at presenting").
var praise = []string{"great", "excellent", "strong", "strength", "outstanding", "excel"}

func isPraise(_ string, stems map[string]bool) bool {
	for _, p := range praise {
		if stems[stem(p)] {
			return true
		}
	}
	return false
}

func findRole(tax *assets.Taxonomy, s string) (assets.Role, bool) {
	s = strings.TrimSpace(s)
	if len(s) > maxIDLen {
		return assets.Role{}, false
	}
	if r, ok := tax.Role(s); ok {
		return r, true
	}
	for _, r := range tax.Roles {
		if strings.EqualFold(r.Name, s) || strings.EqualFold(r.ID, s) {
			return r, true
		}
	}
	return assets.Role{}, false
}

func findSkill(tax *assets.Taxonomy, s string) (assets.Skill, bool) {
	s = strings.TrimSpace(s)
	if len(s) > maxIDLen {
		return assets.Skill{}, false
	}
	if sk, ok := tax.Skill(s); ok {
		return sk, true
	}
	for _, sk := range tax.Skills {
		if strings.EqualFold(sk.Name, s) || strings.EqualFold(sk.ID, s) {
			return sk, true
		}
	}
	return assets.Skill{}, false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
