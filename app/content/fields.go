package content

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Fields reads typed values from the mappings of a YAML file parsed into
// yaml.Node, recording a Problem with the file and line for anything
// missing, mistyped or unknown, so that every problem of a file is
// reported together and nothing is imported. Lesson packs and assignment
// files (app/assign) are both read with it.
type Fields struct {
	File string
	Err  *Error // problems are appended here
}

// Add records a problem at line.
func (r Fields) Add(line int, msg string) {
	r.Err.Problems = append(r.Err.Problems, Problem{r.File, line, msg})
}

// Entry is one key and its value in a mapping.
type Entry struct {
	Key, Val *yaml.Node
}

// Mapping checks that n is a mapping with only allowed keys, each once,
// and returns its entries by key.
func (r Fields) Mapping(n *yaml.Node, what string, allowed []string) map[string]Entry {
	if n.Kind != yaml.MappingNode {
		r.Add(n.Line, what+" must be a mapping of key: value")
		return nil
	}
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	out := map[string]Entry{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !ok[k.Value] {
			r.Add(k.Line, fmt.Sprintf("unknown field %q in %s (allowed: %s)", k.Value, what, strings.Join(allowed, ", ")))
			continue
		}
		if _, dup := out[k.Value]; dup {
			r.Add(k.Line, fmt.Sprintf("%s: field %q given twice", what, k.Value))
			continue
		}
		out[k.Value] = Entry{k, v}
	}
	return out
}

// Missing records that a required key is not there.
func (r Fields) Missing(m map[string]Entry, key string, line int, what string) {
	r.Add(line, fmt.Sprintf("%s: missing required field %q", what, key))
}

// Str is the trimmed text of key and its line; ok is false when it is
// absent, not text, or empty while required (a problem is recorded for
// the last two).
func (r Fields) Str(m map[string]Entry, key string, required bool) (string, int, bool) {
	en, ok := m[key]
	if !ok {
		return "", 0, false
	}
	if en.Val.Kind != yaml.ScalarNode || en.Val.Tag == "!!null" {
		r.Add(en.Val.Line, fmt.Sprintf("%q must be text", key))
		return "", en.Val.Line, false
	}
	v := strings.TrimSpace(en.Val.Value)
	if required && v == "" {
		r.Add(en.Val.Line, fmt.Sprintf("%q is empty", key))
		return "", en.Val.Line, false
	}
	return v, en.Val.Line, true
}

// Integer is the whole number of key, from lo to hi, and its line.
func (r Fields) Integer(m map[string]Entry, key string, lo, hi int) (int, int, bool) {
	en, ok := m[key]
	if !ok {
		return 0, 0, false
	}
	v, err := strconv.Atoi(en.Val.Value)
	if en.Val.Kind != yaml.ScalarNode || err != nil {
		r.Add(en.Val.Line, fmt.Sprintf("%q must be a whole number from %d to %d, not %q", key, lo, hi, en.Val.Value))
		return 0, en.Val.Line, false
	}
	if v < lo || v > hi {
		r.Add(en.Val.Line, fmt.Sprintf("%q is %d; it must be from %d to %d", key, v, lo, hi))
		return 0, en.Val.Line, false
	}
	return v, en.Val.Line, true
}

// Boolean is key's true or false.
func (r Fields) Boolean(m map[string]Entry, key string) (bool, bool) {
	en, ok := m[key]
	if !ok {
		return false, false
	}
	switch en.Val.Value {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	r.Add(en.Val.Line, fmt.Sprintf("%q must be true or false, not %q", key, en.Val.Value))
	return false, false
}

// StrList is key's list of non-empty texts and their lines.
func (r Fields) StrList(m map[string]Entry, key string) ([]string, []int, bool) {
	en, ok := m[key]
	if !ok {
		return nil, nil, false
	}
	if en.Val.Kind != yaml.SequenceNode {
		r.Add(en.Val.Line, fmt.Sprintf("%q must be a list, like [a, b]", key))
		return nil, nil, false
	}
	var out []string
	var lines []int
	for _, c := range en.Val.Content {
		if c.Kind != yaml.ScalarNode || strings.TrimSpace(c.Value) == "" {
			r.Add(c.Line, fmt.Sprintf("%q: every item must be non-empty text", key))
			return nil, nil, false
		}
		out = append(out, strings.TrimSpace(c.Value))
		lines = append(lines, c.Line)
	}
	return out, lines, true
}
