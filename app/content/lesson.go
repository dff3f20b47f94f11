package content

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

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
	r := Fields{File: name, Err: e}
	fm, body, err := splitFrontMatter(data)
	if err != nil {
		r.Add(1, err.Error())
		return l, ll, false
	}
	root, ok := parseYAML(name, fm, 1, e)
	if !ok {
		return l, ll, false
	}
	ll.ID = root.Line
	m := r.Mapping(root, "the front matter", lessonKeys)
	if m == nil {
		return l, ll, false
	}
	for _, k := range []string{"id", "title", "skills", "level", "minutes", "kind", "questions"} {
		if _, ok := m[k]; !ok {
			r.Missing(m, k, root.Line, "the front matter")
		}
	}
	l.SourceFile = name
	if id, line, ok := r.Str(m, "id", true); ok {
		if !assets.IDPattern.MatchString(id) {
			r.Add(line, fmt.Sprintf("id %q: use 2-64 lowercase letters, digits and '-', starting with a letter or digit", id))
		}
		l.ID = id
		ll.ID = line
	}
	l.Title, _, _ = r.Str(m, "title", true)
	if skills, lines, ok := r.StrList(m, "skills"); ok {
		ll.Skills = lines
		if len(skills) == 0 || len(skills) > 3 {
			r.Add(m["skills"].Val.Line, fmt.Sprintf("a lesson has 1 to 3 skills, this one %d", len(skills)))
		}
		seen := map[string]bool{}
		for i, s := range skills {
			if seen[s] {
				r.Add(lines[i], fmt.Sprintf("skill %q listed twice", s))
			}
			seen[s] = true
		}
		l.Skills = skills
	}
	l.Level, _, _ = r.Integer(m, "level", 1, 5)
	l.Minutes, _, _ = r.Integer(m, "minutes", 1, 5)
	if kind, line, ok := r.Str(m, "kind", true); ok {
		switch kind {
		case "lesson", "scenario", "reflection":
			l.Kind = kind
		default:
			r.Add(line, fmt.Sprintf("kind %q: use lesson, scenario or reflection", kind))
		}
	}
	if pre, lines, ok := r.StrList(m, "prerequisites"); ok {
		l.Prerequisites = pre
		ll.Prereqs = lines
	}
	if en, ok := m["reflection"]; ok {
		l.Reflection = parseReflection(r, en.Val)
	}
	if body == "" {
		r.Add(root.Line, "the lesson body (Markdown after the front matter) is empty")
	}
	l.Body = body
	if en, ok := m["questions"]; ok {
		l.Questions = parseQuestions(r, l.ID, en.Val)
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

func parseReflection(r Fields, n *yaml.Node) *store.Reflection {
	m := r.Mapping(n, "reflection", reflectionKeys)
	if m == nil {
		return nil
	}
	var rf store.Reflection
	var ok bool
	if rf.Prompt, _, ok = r.Str(m, "prompt", true); !ok {
		if _, has := m["prompt"]; !has {
			r.Missing(m, "prompt", n.Line, "reflection")
		}
	}
	if rf.ModelAnswer, _, ok = r.Str(m, "model_answer", true); !ok {
		if _, has := m["model_answer"]; !has {
			r.Missing(m, "model_answer", n.Line, "reflection")
		}
	}
	rf.Rubric, _, _ = r.StrList(m, "rubric")
	return &rf
}

func parseQuestions(r Fields, lessonID string, n *yaml.Node) []store.Question {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		r.Add(n.Line, "questions must be a non-empty list")
		return nil
	}
	var out []store.Question
	ids := map[string]int{}
	for i, qn := range n.Content {
		m := r.Mapping(qn, fmt.Sprintf("question %d", i+1), questionKeys)
		if m == nil {
			continue
		}
		what := fmt.Sprintf("question %d", i+1)
		for _, k := range questionKeys {
			if _, ok := m[k]; !ok {
				r.Missing(m, k, qn.Line, what)
			}
		}
		q := store.Question{LessonID: lessonID, Ord: i}
		if id, line, ok := r.Str(m, "id", true); ok {
			if !questionID.MatchString(id) {
				r.Add(line, fmt.Sprintf("question id %q: use 1-64 lowercase letters, digits and '-'", id))
			}
			if prev, dup := ids[id]; dup {
				r.Add(line, fmt.Sprintf("question id %q is used twice in this lesson (first on line %d)", id, prev))
			}
			ids[id] = line
			q.ID = lessonID + "/" + id
		}
		q.Prompt, _, _ = r.Str(m, "prompt", true)
		typ, typLine, _ := r.Str(m, "type", true)
		switch typ {
		case "single", "multiple", "truefalse":
			q.Type = typ
		case "":
		default:
			r.Add(typLine, fmt.Sprintf("%s: type %q: use single, multiple or truefalse", what, typ))
		}
		if en, ok := m["options"]; ok {
			q.Options = parseOptions(r, what, q.Type, en.Val)
		}
		q.ContentHash = contentHash(struct {
			T, P string
			O    []store.Option
		}{q.Type, q.Prompt, q.Options})
		out = append(out, q)
	}
	return out
}

func parseOptions(r Fields, what, typ string, n *yaml.Node) []store.Option {
	if n.Kind != yaml.SequenceNode {
		r.Add(n.Line, what+": options must be a list")
		return nil
	}
	var out []store.Option
	texts := map[string]int{}
	correct := 0
	for i, on := range n.Content {
		ow := fmt.Sprintf("%s, option %d", what, i+1)
		m := r.Mapping(on, ow, optionKeys)
		if m == nil {
			continue
		}
		for _, k := range optionKeys {
			if _, ok := m[k]; !ok {
				r.Missing(m, k, on.Line, ow)
			}
		}
		var o store.Option
		var line int
		o.Text, line, _ = r.Str(m, "text", true)
		if prev, dup := texts[strings.ToLower(o.Text)]; dup && o.Text != "" {
			r.Add(line, fmt.Sprintf("%s: the same text as the option on line %d", ow, prev))
		}
		texts[strings.ToLower(o.Text)] = line
		o.Correct, _ = r.Boolean(m, "correct")
		if o.Correct {
			correct++
		}
		o.Why, _, _ = r.Str(m, "why", true)
		out = append(out, o)
	}
	switch typ {
	case "single":
		if len(out) < 2 || len(out) > 6 {
			r.Add(n.Line, fmt.Sprintf("%s: a single-choice question has 2 to 6 options, this one %d", what, len(out)))
		}
		if correct != 1 {
			r.Add(n.Line, fmt.Sprintf("%s: a single-choice question has exactly one correct option, this one %d", what, correct))
		}
	case "multiple":
		if len(out) < 2 || len(out) > 6 {
			r.Add(n.Line, fmt.Sprintf("%s: a multiple-choice question has 2 to 6 options, this one %d", what, len(out)))
		}
		if correct < 1 {
			r.Add(n.Line, what+": a multiple-choice question needs at least one correct option")
		}
	case "truefalse":
		ok := len(out) == 2 && correct == 1
		if ok {
			a, b := strings.ToLower(out[0].Text), strings.ToLower(out[1].Text)
			ok = (a == "true" && b == "false") || (a == "false" && b == "true")
		}
		if !ok {
			r.Add(n.Line, what+": a true/false question has exactly the options True and False, one of them correct")
		}
	}
	return out
}
