// Package assign handles assignments: work a mentor or manager hands the
// learner, as a small YAML file naming lessons and skills, a due date, who
// it is from and why. It reads and validates the files (every problem with
// its file and line; one problem means nothing is imported), stores them,
// works out how far the learner has got, turns open items into
// learner.Assignment values for the recommender, and lists them for the
// learner in text or JSON.
//
// # The file
//
// An assignment is a standalone YAML file (.yaml or .yml) whose only
// top-level key is `assignment`:
//
//	assignment:
//	  id: q4-offsite-prep            # optional; default: a hash of the content
//	  from: Sam Lee (team lead)      # required: who assigned it
//	  title: Before the offsite      # optional
//	  note: We run the retro together; please cover these first.
//	  due: 2026-12-05                # required: a date (the end of that day, in
//	                                 # the learner's time zone) or an RFC 3339 time
//	  lessons: [giving-feedback-sbi, delegate-check-ins]
//	  skills:
//	    - active-listening           # done after 2 of its lessons (DefaultSkillLessons)
//	    - skill: giving-feedback
//	      lessons: 3                 # done after 3 distinct lessons of the skill...
//	      level: 3                   # ...or once mastery reaches level 3 (1-5)
//
// It is not a pack: a mentor who wants to assign new lessons sends a pack
// (imported first with `tidbit import PACK`) and an assignment naming its
// lessons. Keeping the two apart means packs stay reusable and an
// assignment can point at the starter library or at lessons from any pack.
// Lesson packs are folders and zips, assignments single YAML files, so
// `tidbit import` tells them apart by the path alone.
//
// # What "done" means
//
// Only work after the assignment arrived counts (lessons done last month
// are not evidence of the learner doing what was asked now). A lesson item
// is done when the lesson is completed after the import. A skill item is
// done when `lessons` distinct lessons tagged with the skill are completed
// after the import (capped at the number of such lessons in the library),
// or, when a `level` is given, as soon as the knowledge-tracing mastery
// estimate of the skill reaches learner.LevelP(level) (self-ratings do not
// count). The assignment is done when every item is; the first time List
// sees that, it records when, and that date is what reports show.
//
// # Validation
//
// Errors (nothing imported): YAML syntax, unknown or repeated fields, a
// missing `from` or `due`, a due date that does not parse, an unknown or
// retired lesson or skill id, a skill with no lessons in the library, a
// lesson or skill listed twice, nothing assigned, an id already imported.
// Warnings (imported anyway): a due date in the past, `lessons` above the
// number of lessons the skill has.
package assign

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/tidbit-learn/tidbit/app/content"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

// MaxFileBytes bounds an assignment file; real ones are a few hundred bytes.
const MaxFileBytes = 64 << 10

// MaxItems bounds the lessons and skills of one assignment.
const MaxItems = 200

// DefaultSkillLessons is how many distinct lessons of a skill complete a
// skill item that does not say.
const DefaultSkillLessons = 2

// Limits on free text, so a pasted essay cannot flood the tray or a report.
const (
	maxFromRunes  = 120
	maxTitleRunes = 200
	maxNoteRunes  = 2000
)

// File is a parsed assignment file, not yet checked against the library.
type File struct {
	Source string
	ID     string // "" until Validate derives one
	From   string
	Title  string
	Note   string
	Due    time.Time
	// DateOnly: due was a date, taken as the end of that day.
	DateOnly bool
	Items    []store.AssignmentItem

	lines lines
}

type lines struct {
	id, due, top int
	items        []int // line of each item
}

// ReadFile reads and parses an assignment file; dates are in loc.
func ReadFile(path string, loc *time.Location) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading assignment %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading assignment %s: %w", path, err)
	}
	if len(data) > MaxFileBytes {
		return nil, &content.Error{Source: path, Problems: []content.Problem{{File: path,
			Msg: fmt.Sprintf("larger than %d bytes; an assignment file is a short list", MaxFileBytes)}}}
	}
	return Parse(path, data, loc)
}

// IsAssignment reports whether data looks like an assignment file (its
// first key is `assignment:`), for callers that route files by content.
func IsAssignment(data []byte) bool {
	for _, l := range strings.Split(string(data[:min(len(data), 4096)]), "\n") {
		t := strings.TrimSpace(strings.TrimPrefix(l, "\ufeff"))
		if t == "" || strings.HasPrefix(t, "#") || t == "---" {
			continue
		}
		return strings.HasPrefix(t, "assignment:")
	}
	return false
}

var (
	topKeys   = []string{"assignment"}
	asgKeys   = []string{"id", "from", "title", "note", "due", "lessons", "skills"}
	skillKeys = []string{"skill", "lessons", "level"}
)

// Parse reads an assignment from data; name is used in messages. It checks
// everything that needs no library; Validate checks the rest.
func Parse(name string, data []byte, loc *time.Location) (*File, error) {
	if loc == nil {
		loc = time.Local
	}
	e := &content.Error{Source: name}
	p := parser{content.Fields{File: name, Err: e}}
	f := &File{Source: name}
	if len(data) > MaxFileBytes {
		p.Add(0, fmt.Sprintf("larger than %d bytes; an assignment file is a short list", MaxFileBytes))
		return nil, e
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := content.YAMLErrorLine(err)
		p.Add(line, msg)
		return nil, e
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		p.Add(1, "empty file; an assignment starts with `assignment:`")
		return nil, e
	}
	root := doc.Content[0]
	top := p.Mapping(root, "the file", topKeys)
	if top == nil {
		return nil, e
	}
	asg, ok := top["assignment"]
	if !ok {
		p.Add(root.Line, "missing `assignment:` at the top")
		return nil, e
	}
	f.lines.top = asg.Key.Line
	m := p.Mapping(asg.Val, "assignment", asgKeys)
	if m == nil {
		return nil, e
	}
	if v, line, ok := p.Str(m, "id", false); ok {
		f.lines.id = line
		if !assets.IDPattern.MatchString(v) {
			p.Add(line, fmt.Sprintf("id %q: use 2-64 lowercase letters, digits and '-'", v))
		}
		f.ID = v
	}
	if v, line, ok := p.Str(m, "from", true); ok {
		f.From = p.limit(line, "from", v, maxFromRunes)
	} else if _, there := m["from"]; !there {
		p.Add(asg.Key.Line, "assignment: missing required field \"from\" (who assigned it)")
	}
	if v, line, ok := p.Str(m, "title", false); ok {
		f.Title = p.limit(line, "title", v, maxTitleRunes)
	}
	if v, line, ok := p.Str(m, "note", false); ok {
		f.Note = p.limit(line, "note", v, maxNoteRunes)
	}
	if v, line, ok := p.Str(m, "due", true); ok {
		f.lines.due = line
		due, dateOnly, err := parseDue(v, loc)
		if err != nil {
			p.Add(line, err.Error())
		}
		f.Due, f.DateOnly = due, dateOnly
	} else if _, there := m["due"]; !there {
		p.Add(asg.Key.Line, "assignment: missing required field \"due\" (a date like 2026-12-05)")
	}
	if en, ok := m["lessons"]; ok {
		if en.Val.Kind != yaml.SequenceNode {
			p.Add(en.Val.Line, "\"lessons\" must be a list of lesson ids, like [a, b]")
		}
		for _, c := range en.Val.Content {
			if c.Kind != yaml.ScalarNode || strings.TrimSpace(c.Value) == "" {
				p.Add(c.Line, "\"lessons\": every item must be a lesson id")
				continue
			}
			f.Items = append(f.Items, store.AssignmentItem{LessonID: strings.TrimSpace(c.Value)})
			f.lines.items = append(f.lines.items, c.Line)
		}
	}
	if en, ok := m["skills"]; ok {
		if en.Val.Kind != yaml.SequenceNode {
			p.Add(en.Val.Line, "\"skills\" must be a list of skill ids or {skill, lessons, level} entries")
		}
		for _, c := range en.Val.Content {
			it, ok := p.skillItem(c)
			if ok {
				f.Items = append(f.Items, it)
				f.lines.items = append(f.lines.items, c.Line)
			}
		}
	}
	if len(f.Items) == 0 && len(e.Problems) == 0 {
		p.Add(asg.Key.Line, "assignment: nothing assigned; list \"lessons\" or \"skills\"")
	}
	if len(f.Items) > MaxItems {
		p.Add(asg.Key.Line, fmt.Sprintf("assignment: %d lessons and skills; at most %d", len(f.Items), MaxItems))
	}
	seen := map[string]int{}
	for i, it := range f.Items {
		key, what := "lesson "+it.LessonID, "lesson"
		if it.SkillID != "" {
			key, what = "skill "+it.SkillID, "skill"
		}
		if prev, dup := seen[key]; dup {
			p.Add(f.lines.items[i], fmt.Sprintf("%s %q is listed twice (also line %d)", what, strings.TrimPrefix(key, what+" "), prev))
			continue
		}
		seen[key] = f.lines.items[i]
	}
	if len(e.Problems) > 0 {
		return nil, e
	}
	return f, nil
}

func (p parser) skillItem(c *yaml.Node) (store.AssignmentItem, bool) {
	it := store.AssignmentItem{Lessons: DefaultSkillLessons}
	switch c.Kind {
	case yaml.ScalarNode:
		if strings.TrimSpace(c.Value) == "" {
			p.Add(c.Line, "\"skills\": an empty skill id")
			return it, false
		}
		it.SkillID = strings.TrimSpace(c.Value)
		return it, true
	case yaml.MappingNode:
		m := p.Mapping(c, "a skill entry", skillKeys)
		if m == nil {
			return it, false
		}
		n := len(p.Err.Problems)
		if v, _, ok := p.Str(m, "skill", true); ok {
			it.SkillID = v
		} else if _, there := m["skill"]; !there {
			p.Add(c.Line, "a skill entry: missing required field \"skill\"")
		}
		if v, _, ok := p.Integer(m, "lessons", 1, 50); ok {
			it.Lessons = v
		}
		if v, _, ok := p.Integer(m, "level", 1, 5); ok {
			it.Level = v
		}
		return it, len(p.Err.Problems) == n
	}
	p.Add(c.Line, "\"skills\": every item must be a skill id or a {skill, lessons, level} entry")
	return it, false
}

var dateRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// parseDue reads a date (the end of that day in loc) or an RFC 3339 time.
func parseDue(v string, loc *time.Location) (time.Time, bool, error) {
	if dateRe.MatchString(v) {
		d, err := time.ParseInLocation(time.DateOnly, v, loc)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("due %q is not a real date", v)
		}
		return d.AddDate(0, 0, 1).Add(-time.Millisecond), true, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02 15:04"} {
		t, err := time.ParseInLocation(layout, v, loc)
		if err == nil {
			return t, false, nil
		}
	}
	return time.Time{}, false, fmt.Errorf("due %q: write a date like 2026-12-05 or a time like 2026-12-05T17:00:00+01:00", v)
}

// Catalog is what a file is checked against.
type Catalog struct {
	Skills map[string]bool
	// Lessons maps every active lesson id to its skills.
	Lessons map[string][]string
	// Retired lessons exist but are no longer offered.
	Retired map[string]bool
	// Received reports when an assignment id was imported, if it was.
	Received func(id string) (time.Time, bool)
}

// Validate checks f against the library and fills in a missing id. It
// returns warnings (the assignment may still be imported) and an error
// listing every problem (it must not be).
func (f *File) Validate(c Catalog, now time.Time) ([]content.Problem, error) {
	e := &content.Error{Source: f.Source}
	var warn []content.Problem
	skillLessons := map[string]int{}
	for _, sks := range c.Lessons {
		for _, s := range sks {
			skillLessons[s]++
		}
	}
	for i := range f.Items {
		it := &f.Items[i]
		line := f.lines.items[i]
		if it.LessonID != "" {
			switch {
			case c.Retired[it.LessonID]:
				e.Problems = append(e.Problems, content.Problem{File: f.Source, Line: line,
					Msg: fmt.Sprintf("lesson %q is retired (its pack no longer has it)", it.LessonID)})
			case c.Lessons[it.LessonID] == nil:
				e.Problems = append(e.Problems, content.Problem{File: f.Source, Line: line,
					Msg: fmt.Sprintf("unknown lesson %q (see `tidbit library`; import its pack first)", it.LessonID)})
			}
			continue
		}
		switch n := skillLessons[it.SkillID]; {
		case !c.Skills[it.SkillID]:
			e.Problems = append(e.Problems, content.Problem{File: f.Source, Line: line,
				Msg: fmt.Sprintf("unknown skill %q (see `tidbit skills` for the taxonomy)", it.SkillID)})
		case n == 0:
			e.Problems = append(e.Problems, content.Problem{File: f.Source, Line: line,
				Msg: fmt.Sprintf("no lesson in the library trains skill %q; import a pack with such lessons first", it.SkillID)})
		case it.Lessons > n:
			warn = append(warn, content.Problem{File: f.Source, Line: line,
				Msg: fmt.Sprintf("skill %q: %d lessons asked, the library has %d; all %d will complete it", it.SkillID, it.Lessons, n, n)})
			it.Lessons = n
		}
	}
	if !f.Due.IsZero() && f.Due.Before(now) {
		warn = append(warn, content.Problem{File: f.Source, Line: f.lines.due,
			Msg: fmt.Sprintf("due %s is in the past; imported anyway, shown as overdue", f.Due.Format("Mon 2 Jan 2006 15:04"))})
	}
	if f.ID == "" {
		f.ID = f.contentID()
	}
	if c.Received != nil {
		if at, ok := c.Received(f.ID); ok {
			line := f.lines.id
			if line == 0 {
				line = f.lines.top
			}
			e.Problems = append(e.Problems, content.Problem{File: f.Source, Line: line,
				Msg: fmt.Sprintf("assignment %q was already imported on %s", f.ID, at.In(now.Location()).Format("Mon 2 Jan 2006"))})
		}
	}
	if len(e.Problems) > 0 {
		sort.SliceStable(e.Problems, func(i, j int) bool { return e.Problems[i].Line < e.Problems[j].Line })
		return warn, e
	}
	return warn, nil
}

// contentID is a stable id for a file without one: the same assignment
// imported twice (even from a renamed file) is recognised.
func (f *File) contentID() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d\x00", f.From, f.Title, f.Note, f.Due.UnixMilli())
	for _, it := range f.Items {
		fmt.Fprintf(h, "%s\x00%s\x00%d\x00%d\x00", it.LessonID, it.SkillID, it.Lessons, it.Level)
	}
	return "asg-" + hex.EncodeToString(h.Sum(nil))[:16]
}

// parser reads an assignment file's mappings (content.Fields: each
// problem with its file and line) and adds what only assignments check.
type parser struct {
	content.Fields
}

func (p parser) limit(line int, key, v string, max int) string {
	r := []rune(v)
	if len(r) > max {
		p.Add(line, fmt.Sprintf("%q is %d characters; at most %d", key, len(r), max))
		return string(r[:max])
	}
	return v
}
