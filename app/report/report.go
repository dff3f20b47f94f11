// Package report builds the progress report a learner may choose to share:
// one self-contained HTML file (styles and SVG charts inline, no scripts,
// no fonts, images or links fetched from anywhere) and a CSV summary of the
// same figures. It covers skills and mastery over time, minutes per week,
// streaks, goals and assignments for a period. Reflections (free-text
// answers) are private and stay out unless Options.IncludeReflections.
//
// Build reads everything once into a Report; HTML, CSV and Summary (the
// text preview shown before saving) only format it, so they are
// deterministic for a given store and clock. WriteFile saves with mode
// 0600 through a temporary file and a rename.
package report

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/tidbit-learn/tidbit/app/assign"
	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/learner/kt"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

// DefaultWeeks is the period when no start is given.
const DefaultWeeks = 12

// MaxDays bounds a period (the charts stay readable; ten years is plenty).
const MaxDays = 3660

// chartSkills is how many skills the mastery chart draws (the most
// practised); the table lists them all.
const chartSkills = 6

// Options choose what a report covers.
type Options struct {
	// From and To bound the period [From, To). Zero To means the end of
	// today; zero From means DefaultWeeks weeks before To.
	From, To time.Time
	// Now is the clock (the report's date, streaks, overdue); zero means
	// time.Now().
	Now time.Time
	// Loc is the learner's time zone for days and weeks; nil means Local.
	Loc *time.Location
	// IncludeReflections puts the learner's free-text answers in the
	// report. Off unless the learner opts in.
	IncludeReflections bool
	// Taxonomy names skills and roles; nil leaves ids and skips goals.
	Taxonomy *assets.Taxonomy
}

// Report is everything a report shows.
type Report struct {
	Name, Role   string
	From, To     time.Time // To is exclusive
	Generated    time.Time
	Loc          *time.Location
	Lessons      int // distinct lessons completed in the period
	Sessions     int // completed activities in the period
	Minutes      float64
	Answered     int
	Correct      int
	ActiveDays   int
	Streak       int // current streak as of Generated (or To, if earlier)
	Longest      int // longest streak within the period
	Weeks        []Week
	Days         []Day
	Skills       []Skill
	Goals        []Goal
	ProfileGoals []string
	Assignments  []assign.Status
	Reflections  []Reflection // empty unless included
	Reflective   bool         // reflections were asked for
	Hidden       int          // reflections left out
}

// Week is one calendar week (Monday first) of the period.
type Week struct {
	Start    time.Time
	Minutes  float64
	Sessions int
}

// Day is one day of the period with its completed activities.
type Day struct {
	Date     time.Time
	Sessions int
}

// Skill is the learner's record on one skill.
type Skill struct {
	ID, Name, Category string
	Answered, Correct  int       // in the period
	Mastery            float64   // at the end of the period, 0-1
	Start              float64   // at the start of the period
	Series             []float64 // mastery at the end of each week; NaN-free, -1 before the first answer
}

// Goal is one target skill and how far the learner is from it.
type Goal struct {
	Skill, Name string
	Level       float64
	TargetP     float64
	Mastery     float64
	Answered    int // answers behind Mastery; 0: only the prior and self-rating
	Because     string
}

// Reflection is one free-text answer.
type Reflection struct {
	At     time.Time
	Lesson string
	Text   string
}

// Build reads the store and computes the report.
func Build(ctx context.Context, st *store.Store, opts Options) (*Report, error) {
	if opts.Loc == nil {
		opts.Loc = time.Local
	}
	loc := opts.Loc
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	now := opts.Now.In(loc)
	if opts.To.IsZero() {
		opts.To = dayStart(now, loc).AddDate(0, 0, 1)
	}
	if opts.From.IsZero() {
		opts.From = weekStart(opts.To.Add(-time.Millisecond), loc).AddDate(0, 0, -7*(DefaultWeeks-1))
	}
	if !opts.From.Before(opts.To) {
		return nil, fmt.Errorf("the report period is empty: %s is not before %s", opts.From.Format(time.DateOnly), opts.To.Format(time.DateOnly))
	}
	if opts.To.Sub(opts.From) > MaxDays*24*time.Hour {
		return nil, fmt.Errorf("the report period is longer than %d days", MaxDays)
	}
	r := &Report{From: opts.From.In(loc), To: opts.To.In(loc), Generated: now, Loc: loc, Reflective: opts.IncludeReflections}

	prof, err := st.Profile(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the profile: %w", err)
	}
	r.Name, r.Role = prof.Name, prof.Role
	for _, g := range prof.Goals {
		name := g
		if opts.Taxonomy != nil {
			if s, ok := opts.Taxonomy.Skill(g); ok {
				name = s.Name
			} else if ro, ok := opts.Taxonomy.Role(g); ok {
				name = ro.Name
			}
		}
		r.ProfileGoals = append(r.ProfileGoals, name)
	}
	if opts.Taxonomy != nil {
		if role, ok := opts.Taxonomy.Role(prof.Role); ok {
			r.Role = role.Name
		}
	}
	lib, err := st.Library(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the library: %w", err)
	}
	titles := map[string]string{}
	for _, l := range lib {
		titles[l.ID] = l.Title
	}

	if err := r.activity(ctx, st, loc); err != nil {
		return nil, err
	}
	state, err := r.mastery(ctx, st, opts.Taxonomy)
	if err != nil {
		return nil, err
	}
	mastery := learner.KTMastery{State: state}
	if opts.Taxonomy != nil {
		in := learner.ProfileInput{Role: prof.Role, Seniority: prof.Seniority, Goals: prof.Goals, Notes: prof.Notes,
			MinutesPerWeek: float64(prof.MinutesPerWeek), SelfRatings: map[string]float64{}}
		for k, v := range prof.SelfRatings {
			in.SelfRatings[k] = float64(v)
		}
		p, err := learner.BuildProfile(opts.Taxonomy, in)
		if err != nil {
			return nil, fmt.Errorf("reading the profile's goals: %w", err)
		}
		for _, g := range learner.Gaps(p, mastery) {
			goal := Goal{Skill: g.Skill, Name: skillName(opts.Taxonomy, g.Skill), Level: g.Level, TargetP: g.TargetP, Mastery: g.Mastery,
				Answered: g.Estimate.Answered}
			if len(g.Sources) > 0 {
				goal.Because = sourceWords(g.Sources[0])
			}
			r.Goals = append(r.Goals, goal)
		}
	}

	sts, err := assign.List(ctx, st, mastery, assign.NamesFrom(lib, opts.Taxonomy), now)
	if err != nil {
		return nil, err
	}
	for _, s := range sts {
		// Those the period saw: received by its end, and open, due in it
		// or after, or done in it.
		if s.Received.Before(r.To) && (s.Open() || !s.Due.Before(r.From) || s.Done && !s.DoneAt.Before(r.From)) {
			r.Assignments = append(r.Assignments, s)
		}
	}

	refl, err := st.ReflectionsBetween(ctx, r.From, r.To)
	if err != nil {
		return nil, fmt.Errorf("reading reflections: %w", err)
	}
	if opts.IncludeReflections {
		for _, x := range refl {
			t := titles[x.LessonID]
			if t == "" {
				t = x.LessonID
			}
			r.Reflections = append(r.Reflections, Reflection{At: x.AnsweredAt.In(loc), Lesson: t, Text: x.Text})
		}
	} else {
		r.Hidden = len(refl)
	}
	return r, nil
}

// activity fills the totals, weeks, days and streaks.
func (r *Report) activity(ctx context.Context, st *store.Store, loc *time.Location) error {
	// A year before the period too: the current streak may have begun
	// before it.
	acts, err := st.ActivityBetween(ctx, r.From.AddDate(-1, 0, 0), r.To)
	if err != nil {
		return fmt.Errorf("reading activity: %w", err)
	}
	for w := weekStart(r.From, loc); w.Before(r.To); w = w.AddDate(0, 0, 7) {
		r.Weeks = append(r.Weeks, Week{Start: w})
	}
	for d := dayStart(r.From, loc); d.Before(r.To); d = d.AddDate(0, 0, 1) {
		r.Days = append(r.Days, Day{Date: d})
	}
	active := map[string]bool{}
	lessons := map[string]bool{}
	for _, a := range acts {
		key := a.FinishedAt.In(loc).Format(time.DateOnly)
		active[key] = true
		if a.FinishedAt.Before(r.From) {
			continue
		}
		r.Sessions++
		lessons[a.LessonID] = true
		r.Minutes += float64(a.Seconds) / 60
		r.Answered += a.Answered
		r.Correct += a.Correct
		if i := weekIndex(r.Weeks, a.FinishedAt); i >= 0 {
			r.Weeks[i].Minutes += float64(a.Seconds) / 60
			r.Weeks[i].Sessions++
		}
		if i := int(dayStart(a.FinishedAt.In(loc), loc).Sub(r.Days[0].Date).Hours()/24 + 0.5); i >= 0 && i < len(r.Days) {
			r.Days[i].Sessions++
		}
	}
	r.Lessons = len(lessons)
	run := 0
	for _, d := range r.Days {
		if d.Sessions > 0 {
			r.ActiveDays++
			run++
			r.Longest = max(r.Longest, run)
		} else {
			run = 0
		}
	}
	// The current streak counts back from the last day of the period (or
	// today), or from the day before when that day has nothing yet.
	end := r.To.Add(-time.Millisecond)
	if r.Generated.Before(end) {
		end = r.Generated
	}
	d := dayStart(end.In(loc), loc)
	if !active[d.Format(time.DateOnly)] {
		d = d.AddDate(0, 0, -1)
	}
	for active[d.Format(time.DateOnly)] {
		r.Streak++
		d = d.AddDate(0, 0, -1)
	}
	return nil
}

// mastery replays the answer log through the knowledge-tracing model up to
// the end of the period, taking a snapshot at the start and at the end of
// every week. It returns the state at the end.
func (r *Report) mastery(ctx context.Context, st *store.Store, tax *assets.Taxonomy) (*kt.State, error) {
	state := kt.DefaultModel().NewState()
	type rec struct{ answered, correct int }
	inPeriod := map[string]*rec{}
	var order []string
	snaps := make([]map[string]float64, len(r.Weeks))
	var start map[string]float64
	wi := 0
	snapshot := func() map[string]float64 {
		m := map[string]float64{}
		for _, s := range state.Practised() {
			m[s] = state.P(s)
		}
		return m
	}
	// Weeks end at the next week's start; the last at the period's end.
	weekEnd := func(i int) time.Time {
		if i+1 < len(r.Weeks) {
			return r.Weeks[i+1].Start
		}
		return r.To
	}
	_, err := st.AnswersAfter(ctx, 0, func(e store.AnswerEvent) error {
		if e.Skill == "" || !e.At.Before(r.To) {
			return nil
		}
		if start == nil && !e.At.Before(r.From) {
			start = snapshot()
		}
		for wi < len(r.Weeks) && !e.At.Before(weekEnd(wi)) {
			snaps[wi] = snapshot()
			wi++
		}
		state.Update(e.Skill, e.Correct)
		if !e.At.Before(r.From) {
			rc := inPeriod[e.Skill]
			if rc == nil {
				rc = &rec{}
				inPeriod[e.Skill] = rc
				order = append(order, e.Skill)
			}
			rc.answered++
			if e.Correct {
				rc.correct++
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading answers: %w", err)
	}
	if start == nil {
		start = snapshot()
	}
	for ; wi < len(r.Weeks); wi++ {
		snaps[wi] = snapshot()
	}
	sort.Strings(order)
	for _, id := range order {
		rc := inPeriod[id]
		sk := Skill{ID: id, Name: skillName(tax, id), Category: skillCategory(tax, id), Answered: rc.answered, Correct: rc.correct,
			Mastery: state.P(id), Start: -1}
		if p, ok := start[id]; ok {
			sk.Start = p
		}
		for _, s := range snaps {
			p, ok := s[id]
			if !ok {
				p = -1
			}
			sk.Series = append(sk.Series, p)
		}
		r.Skills = append(r.Skills, sk)
	}
	return state, nil
}

func skillName(tax *assets.Taxonomy, id string) string {
	if tax != nil {
		if s, ok := tax.Skill(id); ok {
			return s.Name
		}
	}
	return id
}

func skillCategory(tax *assets.Taxonomy, id string) string {
	if tax != nil {
		if s, ok := tax.Skill(id); ok {
			if c, ok := tax.Category(s.Category); ok {
				return c.Name
			}
			return s.Category
		}
	}
	return ""
}

func sourceWords(s learner.Source) string {
	switch s.Kind {
	case learner.FromRole:
		return "role: " + s.Name
	case learner.FromGoalRole:
		return "goal role: " + s.Name
	case learner.FromGoalSkill:
		return "goal"
	case learner.FromNotes:
		return "from notes"
	}
	return string(s.Kind)
}

func dayStart(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
}

func weekStart(t time.Time, loc *time.Location) time.Time {
	d := dayStart(t, loc)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

func weekIndex(ws []Week, t time.Time) int {
	for i := len(ws) - 1; i >= 0; i-- {
		if !t.Before(ws[i].Start) {
			return i
		}
	}
	return -1
}

// ParseDay reads a YYYY-MM-DD date as the start of that day in loc, for
// --from and --to. A --to date is inclusive: pass the result's next day
// as Options.To.
func ParseDay(s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date like 2026-03-01", s)
	}
	return t, nil
}

// WriteFile writes a file with mode 0600 atomically: to a temporary file
// in the same folder, synced, then renamed over path. An interrupted write
// leaves any earlier file as it was.
func WriteFile(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tidbit-report-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename this finds nothing
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
