package content

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

// reader extracts typed values from a yaml.Node mapping, recording a problem
// with the right line for anything missing, mistyped or unknown.
type reader struct {
	file string
	e    *Error
}

func (r reader) add(line int, msg string) {
	r.e.Problems = append(r.e.Problems, Problem{r.file, line, msg})
}

type entry struct {
	key, val *yaml.Node
}

// mapping checks that n is a mapping with only allowed keys, each once.
func (r reader) mapping(n *yaml.Node, what string, allowed []string) map[string]entry {
	if n.Kind != yaml.MappingNode {
		r.add(n.Line, what+" must be a mapping of key: value")
		return nil
	}
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	out := map[string]entry{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !ok[k.Value] {
			r.add(k.Line, fmt.Sprintf("unknown field %q in %s (allowed: %s)", k.Value, what, strings.Join(allowed, ", ")))
			continue
		}
		if _, dup := out[k.Value]; dup {
			r.add(k.Line, fmt.Sprintf("%s: field %q given twice", what, k.Value))
			continue
		}
		out[k.Value] = entry{k, v}
	}
	return out
}

func (r reader) missing(m map[string]entry, key string, line int, what string) {
	r.add(line, fmt.Sprintf("%s: missing required field %q", what, key))
}

func (r reader) str(m map[string]entry, key string, required bool) (string, int, bool) {
	en, ok := m[key]
	if !ok {
		return "", 0, false
	}
	if en.val.Kind != yaml.ScalarNode || en.val.Tag == "!!null" {
		r.add(en.val.Line, fmt.Sprintf("%q must be text", key))
		return "", en.val.Line, false
	}
	v := strings.TrimSpace(en.val.Value)
	if required && v == "" {
		r.add(en.val.Line, fmt.Sprintf("%q is empty", key))
		return "", en.val.Line, false
	}
	return v, en.val.Line, true
}

func (r reader) integer(m map[string]entry, key string, lo, hi int) (int, int, bool) {
	en, ok := m[key]
	if !ok {
		return 0, 0, false
	}
	v, err := strconv.Atoi(en.val.Value)
	if en.val.Kind != yaml.ScalarNode || err != nil {
		r.add(en.val.Line, fmt.Sprintf("%q must be a whole number from %d to %d, not %q", key, lo, hi, en.val.Value))
		return 0, en.val.Line, false
	}
	if v < lo || v > hi {
		r.add(en.val.Line, fmt.Sprintf("%q is %d; it must be from %d to %d", key, v, lo, hi))
		return 0, en.val.Line, false
	}
	return v, en.val.Line, true
}

func (r reader) boolean(m map[string]entry, key string) (bool, bool) {
	en, ok := m[key]
	if !ok {
		return false, false
	}
	switch en.val.Value {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	r.add(en.val.Line, fmt.Sprintf("%q must be true or false, not %q", key, en.val.Value))
	return false, false
}

func (r reader) strList(m map[string]entry, key string) ([]string, []int, bool) {
	en, ok := m[key]
	if !ok {
		return nil, nil, false
	}
	if en.val.Kind != yaml.SequenceNode {
		r.add(en.val.Line, fmt.Sprintf("%q must be a list, like [a, b]", key))
		return nil, nil, false
	}
	var out []string
	var lines []int
	for _, c := range en.val.Content {
		if c.Kind != yaml.ScalarNode || strings.TrimSpace(c.Value) == "" {
			r.add(c.Line, fmt.Sprintf("%q: every item must be non-empty text", key))
			return nil, nil, false
		}
		out = append(out, strings.TrimSpace(c.Value))
		lines = append(lines, c.Line)
	}
	return out, lines, true
}

// questionID may be as short as one character ("q1" and "a" both read
// fine inside a lesson); lesson ids are global and get assets.IDPattern.
var questionID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

var (
	lessonKeys     = []string{"id", "title", "skills", "level", "minutes", "kind", "prerequisites", "reflection", "questions"}
	reflectionKeys = []string{"prompt", "model_answer", "rubric"}
	questionKeys   = []string{"id", "type", "prompt", "options"}
	optionKeys     = []string{"text", "correct", "why"}
)

// lessonLines remembers where a lesson's cross-file references are, for
// errors found by Validate.
type lessonLines struct {
	ID      int
	Skills  []int
	Prereqs []int
}

// parseLesson reads one lesson file. It checks everything that can be
// checked within the file; Validate checks references across files.
func parseLesson(name string, data []byte, e *Error) (store.Lesson, lessonLines, bool) {
	var l store.Lesson
	var ll lessonLines
	before := len(e.Problems)
	r := reader{file: name, e: e}
	fm, body, err := splitFrontMatter(data)
	if err != nil {
		r.add(1, err.Error())
		return l, ll, false
	}
	root, ok := parseYAML(name, fm, 1, e)
	if !ok {
		return l, ll, false
	}
	ll.ID = root.Line
	m := r.mapping(root, "the front matter", lessonKeys)
	if m == nil {
		return l, ll, false
	}
	for _, k := range []string{"id", "title", "skills", "level", "minutes", "kind", "questions"} {
		if _, ok := m[k]; !ok {
			r.missing(m, k, root.Line, "the front matter")
		}
	}
	l.SourceFile = name
	if id, line, ok := r.str(m, "id", true); ok {
		if !assets.IDPattern.MatchString(id) {
			r.add(line, fmt.Sprintf("id %q: use 2-64 lowercase letters, digits and '-', starting with a letter or digit", id))
		}
		l.ID = id
		ll.ID = line
	}
	l.Title, _, _ = r.str(m, "title", true)
	if skills, lines, ok := r.strList(m, "skills"); ok {
		ll.Skills = lines
		if len(skills) == 0 || len(skills) > 3 {
			r.add(m["skills"].val.Line, fmt.Sprintf("a lesson has 1 to 3 skills, this one %d", len(skills)))
		}
		seen := map[string]bool{}
		for i, s := range skills {
			if seen[s] {
				r.add(lines[i], fmt.Sprintf("skill %q listed twice", s))
			}
			seen[s] = true
		}
		l.Skills = skills
	}
	l.Level, _, _ = r.integer(m, "level", 1, 5)
	l.Minutes, _, _ = r.integer(m, "minutes", 1, 5)
	if kind, line, ok := r.str(m, "kind", true); ok {
		switch kind {
		case "lesson", "scenario", "reflection":
			l.Kind = kind
		default:
			r.add(line, fmt.Sprintf("kind %q: use lesson, scenario or reflection", kind))
		}
	}
	if pre, lines, ok := r.strList(m, "prerequisites"); ok {
		l.Prerequisites = pre
		ll.Prereqs = lines
	}
	if en, ok := m["reflection"]; ok {
		l.Reflection = parseReflection(r, en.val)
	}
	if body == "" {
		r.add(root.Line, "the lesson body (Markdown after the front matter) is empty")
	}
	l.Body = body
	if en, ok := m["questions"]; ok {
		l.Questions = parseQuestions(r, l.ID, en.val)
	}
	if len(e.Problems) > before {
		return l, ll, false
	}
	l.ContentHash = contentHash(struct {
		L store.Lesson
	}{lessonForHash(l)})
	return l, ll, true
}

// lessonForHash drops fields that do not describe content.
func lessonForHash(l store.Lesson) store.Lesson {
	l.SourceFile, l.ContentHash, l.Version = "", "", 0
	qs := make([]store.Question, len(l.Questions))
	for i, q := range l.Questions {
		q.ContentHash = ""
		qs[i] = q
	}
	l.Questions = qs
	return l
}

func parseReflection(r reader, n *yaml.Node) *store.Reflection {
	m := r.mapping(n, "reflection", reflectionKeys)
	if m == nil {
		return nil
	}
	var rf store.Reflection
	var ok bool
	if rf.Prompt, _, ok = r.str(m, "prompt", true); !ok {
		if _, has := m["prompt"]; !has {
			r.missing(m, "prompt", n.Line, "reflection")
		}
	}
	if rf.ModelAnswer, _, ok = r.str(m, "model_answer", true); !ok {
		if _, has := m["model_answer"]; !has {
			r.missing(m, "model_answer", n.Line, "reflection")
		}
	}
	rf.Rubric, _, _ = r.strList(m, "rubric")
	return &rf
}

func parseQuestions(r reader, lessonID string, n *yaml.Node) []store.Question {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		r.add(n.Line, "questions must be a non-empty list")
		return nil
	}
	var out []store.Question
	ids := map[string]int{}
	for i, qn := range n.Content {
		m := r.mapping(qn, fmt.Sprintf("question %d", i+1), questionKeys)
		if m == nil {
			continue
		}
		what := fmt.Sprintf("question %d", i+1)
		for _, k := range questionKeys {
			if _, ok := m[k]; !ok {
				r.missing(m, k, qn.Line, what)
			}
		}
		q := store.Question{LessonID: lessonID, Ord: i}
		if id, line, ok := r.str(m, "id", true); ok {
			if !questionID.MatchString(id) {
				r.add(line, fmt.Sprintf("question id %q: use 1-64 lowercase letters, digits and '-'", id))
			}
			if prev, dup := ids[id]; dup {
				r.add(line, fmt.Sprintf("question id %q is used twice in this lesson (first on line %d)", id, prev))
			}
			ids[id] = line
			q.ID = lessonID + "/" + id
		}
		q.Prompt, _, _ = r.str(m, "prompt", true)
		typ, typLine, _ := r.str(m, "type", true)
		switch typ {
		case "single", "multiple", "truefalse":
			q.Type = typ
		case "":
		default:
			r.add(typLine, fmt.Sprintf("%s: type %q: use single, multiple or truefalse", what, typ))
		}
		if en, ok := m["options"]; ok {
			q.Options = parseOptions(r, what, q.Type, en.val)
		}
		q.ContentHash = contentHash(struct {
			T, P string
			O    []store.Option
		}{q.Type, q.Prompt, q.Options})
		out = append(out, q)
	}
	return out
}

func parseOptions(r reader, what, typ string, n *yaml.Node) []store.Option {
	if n.Kind != yaml.SequenceNode {
		r.add(n.Line, what+": options must be a list")
		return nil
	}
	var out []store.Option
	texts := map[string]int{}
	correct := 0
	for i, on := range n.Content {
		ow := fmt.Sprintf("%s, option %d", what, i+1)
		m := r.mapping(on, ow, optionKeys)
		if m == nil {
			continue
		}
		for _, k := range optionKeys {
			if _, ok := m[k]; !ok {
				r.missing(m, k, on.Line, ow)
			}
		}
		var o store.Option
		var line int
		o.Text, line, _ = r.str(m, "text", true)
		if prev, dup := texts[strings.ToLower(o.Text)]; dup && o.Text != "" {
			r.add(line, fmt.Sprintf("%s: the same text as the option on line %d", ow, prev))
		}
		texts[strings.ToLower(o.Text)] = line
		o.Correct, _ = r.boolean(m, "correct")
		if o.Correct {
			correct++
		}
		o.Why, _, _ = r.str(m, "why", true)
		out = append(out, o)
	}
	switch typ {
	case "single":
		if len(out) < 2 || len(out) > 6 {
			r.add(n.Line, fmt.Sprintf("%s: a single-choice question has 2 to 6 options, this one %d", what, len(out)))
		}
		if correct != 1 {
			r.add(n.Line, fmt.Sprintf("%s: a single-choice question has exactly one correct option, this one %d", what, correct))
		}
	case "multiple":
		if len(out) < 2 || len(out) > 6 {
			r.add(n.Line, fmt.Sprintf("%s: a multiple-choice question has 2 to 6 options, this one %d", what, len(out)))
		}
		if correct < 1 {
			r.add(n.Line, what+": a multiple-choice question needs at least one correct option")
		}
	case "truefalse":
		ok := len(out) == 2 && correct == 1
		if ok {
			a, b := strings.ToLower(out[0].Text), strings.ToLower(out[1].Text)
			ok = (a == "true" && b == "false") || (a == "false" && b == "true")
		}
		if !ok {
			r.add(n.Line, what+": a true/false question has exactly the options True and False, one of them correct")
		}
	}
	return out
}
