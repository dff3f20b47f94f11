package learn

import (
	"context"
	"fmt"
	"sort"

	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

// Pick is what to learn next and why, in one line a person understands.
type Pick struct {
	LessonID string
	Reason   string
	// Review marks a spaced-repetition review: the session asks the
	// lesson's due questions without showing the lesson again.
	Review bool
}

// Picker chooses the next item. The learner model (app/learner) provides
// the full recommender; BasicPicker is the foundation's transparent rule.
type Picker interface {
	Next(ctx context.Context) (Pick, error)
}

// BasicPicker offers, in order: a lesson never done whose prerequisites are
// done, switching between soft and hard skills from one lesson to the next
// and easiest first; then the lesson done longest ago, for review.
type BasicPicker struct {
	Store    *store.Store
	Taxonomy *assets.Taxonomy
}

// ErrNothingToLearn means the library is empty.
var ErrNothingToLearn = fmt.Errorf("the library is empty: import a pack with `tidbit import PATH`")

// Next implements Picker.
func (b BasicPicker) Next(ctx context.Context) (Pick, error) {
	lib, err := b.Store.Library(ctx)
	if err != nil {
		return Pick{}, err
	}
	if len(lib) == 0 {
		return Pick{}, ErrNothingToLearn
	}
	last, err := b.Store.LastLesson(ctx)
	if err != nil {
		return Pick{}, err
	}
	done := map[string]bool{}
	lastKind := ""
	for _, l := range lib {
		if l.Completed > 0 {
			done[l.ID] = true
		}
		if l.ID == last {
			lastKind = l.SkillKind
		}
	}
	var fresh []store.LessonSummary
	for _, l := range lib {
		if done[l.ID] || l.ID == last {
			continue
		}
		ready := true
		for _, p := range l.Prereqs {
			if !done[p] {
				ready = false
			}
		}
		if ready {
			fresh = append(fresh, l)
		}
	}
	if len(fresh) > 0 {
		sort.SliceStable(fresh, func(i, j int) bool {
			a, c := fresh[i], fresh[j]
			// Alternate soft and hard: prefer the other kind than last time.
			if (a.SkillKind != lastKind) != (c.SkillKind != lastKind) {
				return a.SkillKind != lastKind
			}
			if a.Level != c.Level {
				return a.Level < c.Level
			}
			return a.ID < c.ID
		})
		l := fresh[0]
		return Pick{LessonID: l.ID, Reason: b.reasonNew(l)}, nil
	}
	// Everything done: review the one done longest ago (not the last one).
	var oldest *store.LessonSummary
	for i := range lib {
		l := &lib[i]
		if l.ID == last && len(lib) > 1 {
			continue
		}
		if oldest == nil || l.LastDoneAt < oldest.LastDoneAt {
			oldest = l
		}
	}
	return Pick{LessonID: oldest.ID, Reason: "A refresher: you did this one longest ago, and recalling it now makes it stick."}, nil
}

func (b BasicPicker) reasonNew(l store.LessonSummary) string {
	name, cat := l.ID, l.Category
	if len(l.Skills) > 0 {
		if s, ok := b.Taxonomy.Skill(l.Skills[0]); ok {
			name = s.Name
		}
	}
	if c, ok := b.Taxonomy.Category(l.Category); ok {
		cat = c.Name
	}
	return fmt.Sprintf("New to you: a first look at %s (%s).", lowerFirst(name), cat)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if len(r) > 1 && r[1] >= 'a' && r[1] <= 'z' && r[0] >= 'A' && r[0] <= 'Z' {
		r[0] += 'a' - 'A'
	}
	return string(r)
}
