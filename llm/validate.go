package llm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrBadOutput marks model output that cannot be used at all (not JSON, or
// JSON that breaks the schema). It is worth one retry.
var ErrBadOutput = errors.New("model output rejected")

// Problem says why one generated question was dropped.
type Problem struct {
	Index  int    `json:"index"` // 0-based position in the model's output
	Reason string `json:"reason"`
}

func (p Problem) String() string { return fmt.Sprintf("question %d: %s", p.Index+1, p.Reason) }

// Thresholds of the content checks; see the tests for the cases they sort.
const (
	dupJaccard       = 0.8 // questions this similar (content words) are copies
	optionJaccard    = 0.9 // options this similar are not distinct
	minSupport       = 0.5 // share of the key's content words found in the lesson
	minSupportShared = 2   // and at least this many of them (fewer if the key is tiny)
)

// ValidateQuiz checks raw model output for lesson l. Output that is not
// JSON or breaks the schema is rejected whole (an error wrapping
// ErrBadOutput); questions that fail a content check are dropped with a
// Problem each. The returned questions have ids but no provenance yet.
func ValidateQuiz(l Lesson, raw []byte) ([]Question, []Problem, error) {
	if len(raw) > maxResponseSize {
		return nil, nil, fmt.Errorf("%w: %d bytes is more than the %d a quiz needs", ErrBadOutput, len(raw), maxResponseSize)
	}
	if !utf8.Valid(raw) {
		return nil, nil, fmt.Errorf("%w: not UTF-8", ErrBadOutput)
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, nil, fmt.Errorf("%w: invalid JSON: %v", ErrBadOutput, err)
	}
	if len(bytes.TrimSpace(raw[dec.InputOffset():])) > 0 {
		return nil, nil, fmt.Errorf("%w: text after the JSON object", ErrBadOutput)
	}
	skills := l.Skills
	if len(skills) == 0 {
		skills = []string{"general"}
	}
	rq, err := checkQuizSchema(v, skills)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: schema: %v", ErrBadOutput, err)
	}

	clean, _ := neutralise(l.Title + "\n" + l.Body)
	lessonWords := wordSet(clean)
	lessonLower := strings.ToLower(clean)
	var existing []map[string]bool
	for _, p := range l.Existing {
		existing = append(existing, wordSet(p))
	}

	var out []Question
	var probs []Problem
	var kept []map[string]bool
	var keptNorm []string
	for i, q := range rq {
		reason := checkQuestion(q, lessonWords, lessonLower)
		pw := wordSet(q.Prompt)
		pn := normalise(q.Prompt)
		if reason == "" {
			for j, k := range kept {
				if keptNorm[j] == pn || jaccard(pw, k) >= dupJaccard {
					reason = "copies an earlier question"
					break
				}
			}
		}
		if reason == "" {
			for j, e := range existing {
				if normalise(l.Existing[j]) == pn || jaccard(pw, e) >= dupJaccard {
					reason = "copies an authored question of the lesson"
					break
				}
			}
		}
		if reason != "" {
			probs = append(probs, Problem{Index: i, Reason: reason})
			continue
		}
		kept = append(kept, pw)
		keptNorm = append(keptNorm, pn)
		out = append(out, Question{
			ID:         questionID(l.ID, q),
			Type:       q.Type,
			Prompt:     strings.TrimSpace(q.Prompt),
			Options:    trimOptions(q.Options),
			Difficulty: q.Difficulty,
			Skill:      q.Skill,
		})
	}
	return out, probs, nil
}

func trimOptions(in []Option) []Option {
	out := make([]Option, len(in))
	for i, o := range in {
		out[i] = Option{Text: strings.TrimSpace(o.Text), Correct: o.Correct, Why: strings.TrimSpace(o.Why)}
	}
	return out
}

var catchAllRE = regexp.MustCompile(`(?i)^(all|none|both|neither) of (the )?(above|these|those|options|answers)`)

// checkQuestion returns why q is unusable, or "".
func checkQuestion(q rawQuestion, lessonWords map[string]bool, lessonLower string) string {
	p := strings.TrimSpace(q.Prompt)
	if n := utf8.RuneCountInString(p); n < minPromptLen || n > maxPromptLen {
		return fmt.Sprintf("question text is %d characters (want %d-%d)", n, minPromptLen, maxPromptLen)
	}
	if len(wordSet(p)) == 0 {
		return "question text has no words"
	}
	keys := keyCount(q.Options)
	switch q.Type {
	case "single":
		if keys != 1 || q.AnswerCount != 1 {
			return fmt.Sprintf("single choice with %d options marked right (answer_count %d); want exactly 1", keys, q.AnswerCount)
		}
	case "multiple":
		if q.AnswerCount < 2 || q.AnswerCount > OptionsPerQ-1 || keys != q.AnswerCount {
			return fmt.Sprintf("multiple choice with %d options marked right but answer_count %d", keys, q.AnswerCount)
		}
	}
	var optWords []map[string]bool
	for j, o := range q.Options {
		t := strings.TrimSpace(o.Text)
		if n := utf8.RuneCountInString(t); n < 1 || n > maxOptionLen {
			return fmt.Sprintf("option %c is %d characters (want 1-%d)", 'A'+j, n, maxOptionLen)
		}
		if normalise(t) == "" {
			return fmt.Sprintf("option %c has no words", 'A'+j)
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(o.Why)); n < minWhyLen || n > maxWhyLen {
			return fmt.Sprintf("explanation of option %c is %d characters (want %d-%d)", 'A'+j, n, minWhyLen, maxWhyLen)
		}
		if catchAllRE.MatchString(t) {
			return fmt.Sprintf("option %c (%q) depends on the other options' order", 'A'+j, t)
		}
		w := wordSet(t)
		for k, prev := range optWords {
			if normalise(q.Options[k].Text) == normalise(t) || (len(w) > 0 && jaccard(w, prev) >= optionJaccard) {
				return fmt.Sprintf("options %c and %c are the same", 'A'+k, 'A'+j)
			}
		}
		optWords = append(optWords, w)
	}
	// One pass over all the question's text; the pieces are joined by a
	// newline so no match spans two fields.
	all := strings.Join(questionTexts(q), "\n")
	if injected(all) {
		return "contains text addressed to the model (prompt injection)"
	}
	if strings.Contains(all, "://") || strings.Contains(all, "@") || strings.Contains(strings.ToLower(all), "www.") {
		for _, u := range urlRE.FindAllString(all, -1) {
			if !strings.Contains(lessonLower, strings.ToLower(strings.TrimRight(u, ".,;:)'\""))) {
				return fmt.Sprintf("links to %s, which the lesson does not mention", u)
			}
		}
	}
	if s, shared, total := support(q.Options, lessonWords); total == 0 || s < minSupport || shared < min(minSupportShared, total) {
		return fmt.Sprintf("the key is not supported by the lesson (%d of %d content words of the right answer and its explanation are in the lesson)", shared, total)
	}
	return ""
}

func questionTexts(q rawQuestion) []string {
	out := []string{q.Prompt}
	for _, o := range q.Options {
		out = append(out, o.Text, o.Why)
	}
	return out
}

// support is the share of content words of the right options and their
// explanations that occur in the lesson.
func support(opts []Option, lesson map[string]bool) (share float64, shared, total int) {
	w := map[string]bool{}
	for _, o := range opts {
		if o.Correct {
			for k := range wordSet(o.Text + " " + o.Why) {
				w[k] = true
			}
		}
	}
	for k := range w {
		if lesson[k] {
			shared++
		}
	}
	if len(w) == 0 {
		return 0, 0, 0
	}
	return float64(shared) / float64(len(w)), shared, len(w)
}

// checkQuizSchema checks v against quizSchema by hand (Ollama enforces the
// schema with a grammar, but a server, a model or a proxy may not) and
// returns the questions.
func checkQuizSchema(v any, skills []string) ([]rawQuestion, error) {
	top, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("top level is %s, want an object", kind(v))
	}
	if err := onlyKeys(top, "questions"); err != nil {
		return nil, err
	}
	arr, ok := top["questions"].([]any)
	if !ok {
		return nil, fmt.Errorf("questions is %s, want an array", kind(top["questions"]))
	}
	if len(arr) < 1 || len(arr) > MaxQuestions {
		return nil, fmt.Errorf("%d questions, want 1-%d", len(arr), MaxQuestions)
	}
	out := make([]rawQuestion, 0, len(arr))
	for i, item := range arr {
		q, err := checkQuestionSchema(item, skills)
		if err != nil {
			return nil, fmt.Errorf("question %d: %v", i+1, err)
		}
		out = append(out, q)
	}
	return out, nil
}

func checkQuestionSchema(v any, skills []string) (rawQuestion, error) {
	var q rawQuestion
	m, ok := v.(map[string]any)
	if !ok {
		return q, fmt.Errorf("is %s, want an object", kind(v))
	}
	if err := onlyKeys(m, "type", "prompt", "answer_count", "options", "difficulty", "skill"); err != nil {
		return q, err
	}
	var err error
	if q.Type, err = str(m, "type"); err != nil {
		return q, err
	}
	if q.Type != "single" && q.Type != "multiple" {
		return q, fmt.Errorf("type %q, want single or multiple", q.Type)
	}
	if q.Prompt, err = str(m, "prompt"); err != nil {
		return q, err
	}
	if q.AnswerCount, err = integer(m, "answer_count", 1, 3); err != nil {
		return q, err
	}
	if q.Difficulty, err = integer(m, "difficulty", 1, 5); err != nil {
		return q, err
	}
	if q.Skill, err = str(m, "skill"); err != nil {
		return q, err
	}
	if !slices.Contains(skills, q.Skill) {
		return q, fmt.Errorf("skill %q is not one of the lesson's skills %v", q.Skill, skills)
	}
	opts, ok := m["options"].([]any)
	if !ok {
		return q, fmt.Errorf("options is %s, want an array", kind(m["options"]))
	}
	if len(opts) != OptionsPerQ {
		return q, fmt.Errorf("%d options, want %d", len(opts), OptionsPerQ)
	}
	for j, ov := range opts {
		om, ok := ov.(map[string]any)
		if !ok {
			return q, fmt.Errorf("option %d is %s, want an object", j+1, kind(ov))
		}
		if err := onlyKeys(om, "text", "correct", "why"); err != nil {
			return q, fmt.Errorf("option %d: %v", j+1, err)
		}
		var o Option
		if o.Text, err = str(om, "text"); err != nil {
			return q, fmt.Errorf("option %d: %v", j+1, err)
		}
		if o.Why, err = str(om, "why"); err != nil {
			return q, fmt.Errorf("option %d: %v", j+1, err)
		}
		c, ok := om["correct"].(bool)
		if !ok {
			return q, fmt.Errorf("option %d: correct is %s, want true or false", j+1, kind(om["correct"]))
		}
		o.Correct = c
		q.Options = append(q.Options, o)
	}
	return q, nil
}

func onlyKeys(m map[string]any, keys ...string) error {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return fmt.Errorf("missing %q", k)
		}
	}
	if len(m) != len(keys) {
		for k := range m {
			if !slices.Contains(keys, k) {
				return fmt.Errorf("unexpected field %q", k)
			}
		}
	}
	return nil
}

func str(m map[string]any, k string) (string, error) {
	s, ok := m[k].(string)
	if !ok {
		return "", fmt.Errorf("%s is %s, want a string", k, kind(m[k]))
	}
	return s, nil
}

func integer(m map[string]any, k string, lo, hi int) (int, error) {
	n, ok := m[k].(json.Number)
	if !ok {
		return 0, fmt.Errorf("%s is %s, want an integer", k, kind(m[k]))
	}
	f, err := n.Float64()
	if err != nil || f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		return 0, fmt.Errorf("%s is %s, want an integer %d-%d", k, n, lo, hi)
	}
	return int(f), nil
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}

// normalise lowercases s and reduces it to letters and digits separated by
// single spaces, for equality tests that ignore case and punctuation.
func normalise(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// wordSet returns the content words of s: lowercased, stop words dropped,
// crudely stemmed so "meetings" meets "meeting".
func wordSet(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(normalise(s)) {
		if stopWords[w] || (utf8.RuneCountInString(w) < 3 && !isDigits(w)) {
			continue
		}
		out[stem(w)] = true
	}
	return out
}

func isDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}

// stem strips common English endings and a final e, then undoubles a final
// consonant, so "cancelling", "cancelled" and "cancel" (and "move",
// "moving") meet. Crude but symmetric: lesson and output go through it.
func stem(w string) string {
	for range 2 { // "meetings" -> "meeting" -> "meet"
		for _, suf := range []string{"ingly", "edly", "ing", "ies", "ied", "ed", "es", "ly", "s", "e"} {
			if strings.HasSuffix(w, suf) && utf8.RuneCountInString(w)-len(suf) >= 3 {
				w = strings.TrimSuffix(w, suf)
				break
			}
		}
	}
	if n := len(w); n >= 4 && w[n-1] == w[n-2] && w[n-1] < utf8.RuneSelf && !strings.ContainsRune("aeiou", rune(w[n-1])) {
		w = w[:n-1]
	}
	return w
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	inter := 0
	for k := range a {
		if b[k] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`the and for are but not you your with this that these those from they them their there
		what which who whom when where why how all any both each few more most other some such than too very can will just should
		would could does did doing have has had having was were been being into onto over under again further then once here
		about above below between through during before after its it's our ours out off own same only also because while until
		lesson answer option options correct right wrong true false question questions explanation since so if of to in on at by
		as is be an or a it we he she his her him my me do no yes one`) {
		m[w] = true
	}
	return m
}()

// jsonStrict decodes exactly one JSON value with no unknown fields.
type strictDecoder struct{ raw []byte }

func jsonStrict(raw []byte) strictDecoder { return strictDecoder{raw} }

func (s strictDecoder) Decode(v any) error {
	dec := json.NewDecoder(bytes.NewReader(s.raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if len(bytes.TrimSpace(s.raw[dec.InputOffset():])) > 0 {
		return errors.New("text after the JSON object")
	}
	return nil
}
