package assign

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/tidbit-learn/tidbit/app/content"
	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

// CatalogFrom reads what a file is checked against from the store.
func CatalogFrom(ctx context.Context, st *store.Store) (Catalog, error) {
	skills, err := st.KnownSkills(ctx)
	if err != nil {
		return Catalog{}, err
	}
	lib, err := st.Library(ctx)
	if err != nil {
		return Catalog{}, err
	}
	owners, err := st.LessonOwners(ctx)
	if err != nil {
		return Catalog{}, err
	}
	c := Catalog{Skills: skills, Lessons: map[string][]string{}, Retired: map[string]bool{}}
	for _, l := range lib {
		c.Lessons[l.ID] = append([]string{}, l.Skills...)
	}
	for id := range owners {
		if _, active := c.Lessons[id]; !active {
			c.Retired[id] = true
		}
	}
	as, err := st.Assignments(ctx)
	if err != nil {
		return Catalog{}, err
	}
	received := map[string]time.Time{}
	for _, a := range as {
		received[a.ID] = a.CreatedAt
	}
	c.Received = func(id string) (time.Time, bool) {
		at, ok := received[id]
		return at, ok
	}
	return c, nil
}

// Result says what Import stored.
type Result struct {
	ID       string
	Items    int
	Warnings []content.Problem
}

// Import validates f against the store and stores it, all or nothing.
// Warnings come back in the result (and with an error too, when there is
// one, so that the caller can show everything at once).
func Import(ctx context.Context, st *store.Store, f *File, now time.Time) (Result, error) {
	cat, err := CatalogFrom(ctx, st)
	if err != nil {
		return Result{}, fmt.Errorf("reading the library: %w", err)
	}
	warn, err := f.Validate(cat, now)
	res := Result{ID: f.ID, Items: len(f.Items), Warnings: warn}
	if err != nil {
		return res, err
	}
	err = st.AddAssignment(ctx, store.Assignment{ID: f.ID, From: f.From, Title: f.Title, Note: f.Note, Due: f.Due,
		CreatedAt: now, ImportedFrom: f.Source, Items: f.Items})
	if errors.Is(err, store.ErrAssignmentExists) {
		// Imported by the other process between the check and the write.
		return res, &content.Error{Source: f.Source, Problems: []content.Problem{{File: f.Source, Line: f.lines.top,
			Msg: fmt.Sprintf("assignment %q was already imported", f.ID)}}}
	}
	return res, err
}

// Item is one assigned lesson or skill and how far the learner got.
type Item struct {
	Kind     string    `json:"kind"` // lesson or skill
	ID       string    `json:"id"`
	Title    string    `json:"title"`             // lesson title or skill name
	Lessons  int       `json:"lessons,omitempty"` // skill: lessons that complete it
	Level    int       `json:"level,omitempty"`   // skill: mastery level that completes it
	DoneWith []string  `json:"done_lessons"`      // lessons completed toward it since the assignment arrived
	Mastery  float64   `json:"mastery,omitempty"` // skill: the current estimate, 0-1
	Done     bool      `json:"done"`
	DoneAt   time.Time `json:"done_at,omitzero"`
}

// Status is an assignment as the learner sees it.
type Status struct {
	ID           string    `json:"id"`
	From         string    `json:"from"`
	Title        string    `json:"title,omitempty"`
	Note         string    `json:"note,omitempty"`
	Due          time.Time `json:"due"`
	Received     time.Time `json:"received"`
	ImportedFrom string    `json:"imported_from"`
	Done         bool      `json:"done"`
	DoneAt       time.Time `json:"done_at,omitzero"`
	Dismissed    bool      `json:"dismissed,omitempty"`
	Overdue      bool      `json:"overdue"`
	ItemsDone    int       `json:"items_done"`
	Items        []Item    `json:"items"`
}

// Open reports whether the assignment still asks something of the learner.
func (s Status) Open() bool { return !s.Done && !s.Dismissed }

// Names looks up display names; nil functions fall back to ids.
type Names struct {
	Lesson func(id string) string
	Skill  func(id string) string
}

// List returns every assignment with its progress, soonest due first.
// mastery may be nil (no skill item is then done by level). An assignment
// seen done for the first time gets its done date stored: the latest of
// its items' completion times, or now when mastery closed the last item
// (the model does not say when it crossed the line).
func List(ctx context.Context, st *store.Store, mastery learner.Mastery, names Names, now time.Time) ([]Status, error) {
	aps, err := st.AssignmentsWithProgress(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading assignments: %w", err)
	}
	out := make([]Status, 0, len(aps))
	for _, ap := range aps {
		s := Status{ID: ap.ID, From: ap.From, Title: ap.Title, Note: ap.Note, Due: ap.Due, Received: ap.CreatedAt,
			ImportedFrom: ap.ImportedFrom, DoneAt: ap.DoneAt, Dismissed: !ap.DismissedAt.IsZero(), Items: []Item{}}
		var last time.Time
		for _, ip := range ap.Progress {
			it := Item{Kind: "lesson", ID: ip.Item.LessonID, DoneWith: []string{}}
			if ip.Item.SkillID != "" {
				it = Item{Kind: "skill", ID: ip.Item.SkillID, Lessons: ip.Item.Lessons, Level: ip.Item.Level, DoneWith: []string{}}
			}
			for _, c := range ip.Lessons {
				it.DoneWith = append(it.DoneWith, c.LessonID)
			}
			if !ip.Done.IsZero() {
				it.Done, it.DoneAt = true, ip.Done
			}
			if it.Kind == "skill" && mastery != nil {
				it.Mastery = mastery.Estimate(it.ID).P
				if !it.Done && it.Level > 0 && it.Mastery >= learner.LevelP(float64(it.Level)) {
					it.Done, it.DoneAt = true, now
				}
			}
			it.Title = it.ID
			if it.Kind == "lesson" && names.Lesson != nil {
				it.Title = names.Lesson(it.ID)
			} else if it.Kind == "skill" && names.Skill != nil {
				it.Title = names.Skill(it.ID)
			}
			if it.Done {
				s.ItemsDone++
				if it.DoneAt.After(last) {
					last = it.DoneAt
				}
			}
			s.Items = append(s.Items, it)
		}
		if !s.DoneAt.IsZero() {
			s.Done = true // once done, always done: later retirements do not undo it
		} else if len(s.Items) > 0 && s.ItemsDone == len(s.Items) {
			s.Done, s.DoneAt = true, last
			if err := st.MarkAssignmentDone(ctx, s.ID, last); err != nil {
				return nil, fmt.Errorf("recording assignment %s as done: %w", s.ID, err)
			}
		}
		s.Overdue = !s.Done && now.After(s.Due)
		out = append(out, s)
	}
	return out, nil
}

// ForPicker turns the open assignments into the recommender's list: each
// open lesson item as itself, each open skill item as the lessons of the
// skill most worth doing next, as many as it still needs: lessons not yet
// done since the assignment arrived, those whose main skill it is first,
// then never-completed ones, then the lowest level (ties by id).
func ForPicker(sts []Status, lib []store.LessonSummary) []learner.Assignment {
	var out []learner.Assignment
	for _, s := range sts {
		if !s.Open() {
			continue
		}
		seen := map[string]bool{}
		add := func(id string) {
			if !seen[id] {
				seen[id] = true
				out = append(out, learner.Assignment{LessonID: id, Due: s.Due, From: s.From})
			}
		}
		for _, it := range s.Items {
			if it.Done {
				continue
			}
			if it.Kind == "lesson" {
				add(it.ID)
				continue
			}
			need := it.Lessons - len(it.DoneWith)
			if need <= 0 {
				need = 1 // a level target still open after enough lessons: one more
			}
			for _, id := range bestLessons(lib, it.ID, it.DoneWith, need) {
				add(id)
			}
		}
	}
	return out
}

func bestLessons(lib []store.LessonSummary, skill string, done []string, n int) []string {
	doneSet := map[string]bool{}
	for _, d := range done {
		doneSet[d] = true
	}
	type cand struct {
		id          string
		main, fresh bool
		level       int
	}
	var cs []cand
	for _, l := range lib {
		if doneSet[l.ID] {
			continue
		}
		for i, s := range l.Skills {
			if s == skill {
				cs = append(cs, cand{id: l.ID, main: i == 0, fresh: l.Completed == 0, level: l.Level})
				break
			}
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.main != b.main {
			return a.main
		}
		if a.fresh != b.fresh {
			return a.fresh
		}
		if a.level != b.level {
			return a.level < b.level
		}
		return a.id < b.id
	})
	out := make([]string, 0, n)
	for _, c := range cs[:min(n, len(cs))] {
		out = append(out, c.id)
	}
	return out
}

// WriteJSON writes the statuses as a JSON array.
func WriteJSON(w io.Writer, sts []Status) error {
	if sts == nil {
		sts = []Status{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sts)
}

// WriteText lists the assignments for the learner: who assigned what and
// why, when it is due and what is left. Times are shown in loc.
func WriteText(w io.Writer, sts []Status, now time.Time, loc *time.Location) error {
	if loc == nil {
		loc = time.Local
	}
	if len(sts) == 0 {
		_, err := fmt.Fprintln(w, "No assignments. A mentor's assignment file is imported with: tidbit import FILE.yaml")
		return err
	}
	var b strings.Builder
	for i, s := range sts {
		if i > 0 {
			b.WriteString("\n")
		}
		head := s.Title
		if head == "" {
			head = "Assignment " + s.ID
		}
		fmt.Fprintf(&b, "%s — from %s\n", head, s.From)
		fmt.Fprintf(&b, "  %s · %d of %d done · received %s · id %s\n", StateWords(s, now, loc), s.ItemsDone, len(s.Items),
			s.Received.In(loc).Format("2 Jan 2006"), s.ID)
		if s.Note != "" {
			for _, l := range strings.Split(wrap(s.Note, 72), "\n") {
				fmt.Fprintf(&b, "  “%s”\n", l)
			}
		}
		for _, it := range s.Items {
			mark := "[ ]"
			if it.Done {
				mark = "[x]"
			}
			switch it.Kind {
			case "lesson":
				fmt.Fprintf(&b, "  %s %s (lesson %s)\n", mark, it.Title, it.ID)
			default:
				goal := fmt.Sprintf("%d of %d lessons", min(len(it.DoneWith), it.Lessons), it.Lessons)
				if it.Level > 0 {
					goal += fmt.Sprintf(", or mastery level %d (now %.0f%%, needs %.0f%%)", it.Level, 100*it.Mastery,
						100*learner.LevelP(float64(it.Level)))
				}
				fmt.Fprintf(&b, "  %s %s (skill %s): %s\n", mark, it.Title, it.ID, goal)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// StateWords is the one-phrase state of an assignment: "done 3 Dec",
// "due Fri 5 Dec", "due today", "overdue since Fri 5 Dec", "set aside".
func StateWords(s Status, now time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.Local
	}
	due := s.Due.In(loc)
	n := now.In(loc)
	switch {
	case s.Done:
		return "done " + s.DoneAt.In(loc).Format("Mon 2 Jan")
	case s.Dismissed:
		return "set aside"
	case n.After(due):
		return "overdue since " + due.Format("Mon 2 Jan")
	case due.Year() == n.Year() && due.YearDay() == n.YearDay():
		return "due today"
	}
	return "due " + due.Format("Mon 2 Jan")
}

// ProgressLine is the tray's one line about assignments ("" when none is
// open): "2 assignments open; next: Sam, due Fri 5 Dec (1 of 3 done)".
func ProgressLine(sts []Status, now time.Time, loc *time.Location) string {
	var open []Status
	for _, s := range sts {
		if s.Open() {
			open = append(open, s)
		}
	}
	if len(open) == 0 {
		return ""
	}
	next := open[0] // List sorts by due date
	word := "assignment"
	if len(open) > 1 {
		word = "assignments"
	}
	return fmt.Sprintf("%d %s open; next: %s, %s (%d of %d done)", len(open), word, truncate(next.From, 30),
		StateWords(next, now, loc), next.ItemsDone, len(next.Items))
}

// AssignedLessons maps each lesson id of an open assignment to the
// assignment, for the Library's "assigned by" column.
func AssignedLessons(sts []Status) map[string]Status {
	out := map[string]Status{}
	for _, s := range sts {
		if !s.Open() {
			continue
		}
		for _, it := range s.Items {
			if it.Kind == "lesson" && !it.Done {
				if _, ok := out[it.ID]; !ok {
					out[it.ID] = s
				}
			}
		}
	}
	return out
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func wrap(s string, width int) string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && len([]rune(line))+1+len([]rune(w)) > width {
				out = append(out, line)
				line = w
				continue
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// NamesFrom looks names up in the library and the taxonomy (either may be
// nil).
func NamesFrom(lib []store.LessonSummary, tax *assets.Taxonomy) Names {
	titles := make(map[string]string, len(lib))
	for _, l := range lib {
		titles[l.ID] = l.Title
	}
	skills := map[string]string{}
	if tax != nil {
		for _, s := range tax.Skills {
			skills[s.ID] = s.Name
		}
	}
	pick := func(m map[string]string) func(string) string {
		return func(id string) string {
			if n, ok := m[id]; ok && n != "" {
				return n
			}
			return id
		}
	}
	return Names{Lesson: pick(titles), Skill: pick(skills)}
}

// PickerAssignments is List and ForPicker in one call, for the processes
// that build a storepick.Picker (the CLI, the tray, the window). mastery
// may be nil; tax names skills and may be nil.
func PickerAssignments(ctx context.Context, st *store.Store, tax *assets.Taxonomy, mastery learner.Mastery, now time.Time) ([]learner.Assignment, error) {
	lib, err := st.Library(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the library: %w", err)
	}
	sts, err := List(ctx, st, mastery, NamesFrom(lib, tax), now)
	if err != nil {
		return nil, err
	}
	return ForPicker(sts, lib), nil
}
