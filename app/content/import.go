package content

import (
	"context"
	"fmt"
	"sort"

	"github.com/tidbit-learn/tidbit/app/store"
)

// Catalog is what a pack is checked against: the skills that exist and the
// lessons already imported (id -> owning pack).
type Catalog struct {
	Skills  map[string]bool
	Lessons map[string]string
}

// Validate checks the references of a parsed pack: skills exist, lesson ids
// are not owned by another pack, prerequisites exist and form no cycle.
func (p *Pack) Validate(c Catalog) error {
	e := &Error{Source: p.Meta.Source}
	inPack := map[string]store.Lesson{}
	for _, l := range p.Lessons {
		inPack[l.ID] = l
	}
	for _, l := range p.Lessons {
		ll := p.lines[l.ID]
		for i, sk := range l.Skills {
			if !c.Skills[sk] {
				e.Problems = append(e.Problems, Problem{l.SourceFile, at(ll.Skills, i, ll.ID),
					fmt.Sprintf("unknown skill %q (see `tidbit skills` for the taxonomy)", sk)})
			}
		}
		if owner, ok := c.Lessons[l.ID]; ok && owner != p.Meta.ID {
			e.Problems = append(e.Problems, Problem{l.SourceFile, ll.ID,
				fmt.Sprintf("lesson id %q already belongs to pack %q; ids are unique across packs", l.ID, owner)})
		}
		for i, pre := range l.Prerequisites {
			_, here := inPack[pre]
			_, stored := c.Lessons[pre]
			switch {
			case pre == l.ID:
				e.Problems = append(e.Problems, Problem{l.SourceFile, at(ll.Prereqs, i, ll.ID), "a lesson cannot be its own prerequisite"})
			case !here && !stored:
				e.Problems = append(e.Problems, Problem{l.SourceFile, at(ll.Prereqs, i, ll.ID),
					fmt.Sprintf("prerequisite %q is neither in this pack nor imported", pre)})
			}
		}
	}
	if cyc := findCycle(p.Lessons); cyc != nil {
		l := inPack[cyc[0]]
		e.Problems = append(e.Problems, Problem{l.SourceFile, p.lines[l.ID].ID, fmt.Sprintf("prerequisites form a cycle: %v", cyc)})
	}
	if len(e.Problems) > 0 {
		sort.SliceStable(e.Problems, func(i, j int) bool { return e.Problems[i].File < e.Problems[j].File })
		return e
	}
	return nil
}

func at(lines []int, i, fallback int) int {
	if i < len(lines) {
		return lines[i]
	}
	return fallback
}

// findCycle returns one prerequisite cycle within the pack, or nil.
func findCycle(lessons []store.Lesson) []string {
	next := map[string][]string{}
	for _, l := range lessons {
		next[l.ID] = l.Prerequisites
	}
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(id string) []string
	visit = func(id string) []string {
		state[id] = active
		stack = append(stack, id)
		for _, n := range next[id] {
			if _, inPack := next[n]; !inPack {
				continue
			}
			switch state[n] {
			case active:
				for i, s := range stack {
					if s == n {
						return append(append([]string{}, stack[i:]...), n)
					}
				}
			case unseen:
				if c := visit(n); c != nil {
					return c
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[id] = done
		return nil
	}
	ids := make([]string, 0, len(next))
	for id := range next {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if state[id] == unseen {
			if c := visit(id); c != nil {
				return c
			}
		}
	}
	return nil
}

// Import validates p against the store and writes it in one transaction.
// An unchanged pack (same content hash) is a no-op.
func Import(ctx context.Context, st *store.Store, p *Pack) (store.ImportResult, error) {
	skills, err := st.KnownSkills(ctx)
	if err != nil {
		return store.ImportResult{}, err
	}
	owners, err := st.LessonOwners(ctx)
	if err != nil {
		return store.ImportResult{}, err
	}
	if err := p.Validate(Catalog{Skills: skills, Lessons: owners}); err != nil {
		return store.ImportResult{}, err
	}
	if h, err := st.PackHash(ctx, p.Meta.ID); err != nil {
		return store.ImportResult{}, err
	} else if h == p.Meta.ContentHash {
		return store.ImportResult{Pack: p.Meta.ID, Same: len(p.Lessons)}, nil
	}
	return st.ImportPack(ctx, p.Meta, p.Lessons)
}
