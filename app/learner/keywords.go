package learner

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tidbit-learn/tidbit/assets"
)

// Matcher finds taxonomy skills named in free text (performance notes,
// meeting titles) by their ids, names and a few synonyms. Matching is on
// crude word stems and is deterministic: a skill is named in a sentence when
// every significant word of its id, of its name, or of one of its synonyms
// appears in that sentence.
type Matcher struct {
	phrases []phrase
	skills  []string
}

type phrase struct {
	skill int
	stems []string
}

// synonyms are extra phrases people use for a skill. Keys must be skill ids
// of the shipped taxonomy; unknown ones are ignored.
var synonyms = map[string][]string{
	"one-on-ones":             {"1:1", "1-1", "one to one"},
	"stakeholder-updates":     {"status update", "status report", "updating stakeholders"},
	"presenting":              {"presentation", "public speaking"},
	"giving-feedback":         {"give feedback"},
	"receiving-feedback":      {"take feedback", "accept feedback"},
	"prioritisation":          {"prioritization", "priorities", "prioritize", "prioritise"},
	"delegation":              {"delegate"},
	"concise-writing":         {"writing concisely", "wordy"},
	"time-blocking":           {"calendar blocking"},
	"stress-management":       {"stress", "burnout"},
	"focus":                   {"distracted", "concentration"},
	"conflict-resolution":     {"conflict"},
	"difficult-conversations": {"hard conversation", "tough conversation"},
	"data-visualisation":      {"data visualization", "charts"},
	"meeting-hygiene":         {"meetings run", "meeting agenda"},
	"negotiation-basics":      {"negotiation", "negotiate"},
	"active-listening":        {"listening", "listen"},
	"coaching":                {"mentoring", "mentor"},
	"goal-setting":            {"okr", "okrs", "set goals"},
	"decision-making":         {"decisions", "decisive"},
	"version-control":         {"git"},
	"code-review":             {"review code", "pull request"},
	"testing-basics":          {"unit test", "tests"},
	"incident-response":       {"incident", "outage"},
	"sql-basics":              {"sql"},
	"phishing":                {"phish"},
}

// stopwords never count as significant words of a skill.
var stopwords = map[string]bool{
	"a": true, "an": true, "and": true, "the": true, "of": true, "to": true, "with": true, "that": true,
	"get": true, "well": true, "use": true, "basic": true, "new": true, "on": true, "in": true, "for": true,
	"at": true, "your": true, "how": true, "better": true, "other": true, "rapid": true,
}

// NewMatcher indexes the taxonomy's skills.
func NewMatcher(tax *assets.Taxonomy) *Matcher {
	m := &Matcher{}
	for i, s := range tax.Skills {
		m.skills = append(m.skills, s.ID)
		texts := []string{strings.ReplaceAll(s.ID, "-", " "), s.Name}
		texts = append(texts, synonyms[s.ID]...)
		seen := map[string]bool{}
		for _, t := range texts {
			st := significant(t)
			if len(st) == 0 {
				continue
			}
			key := strings.Join(st, " ")
			if seen[key] {
				continue
			}
			seen[key] = true
			m.phrases = append(m.phrases, phrase{skill: i, stems: st})
		}
	}
	return m
}

func significant(text string) []string {
	var out []string
	for _, w := range words(text) {
		s := stem(w)
		if s == "" || stopwords[s] || stopwords[w] {
			continue
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Match returns the ids of the skills named in text, in taxonomy order,
// each once. Sentences are split on . ! ? ; and newlines; callers cap the
// text length (Match is linear in it).
func (m *Matcher) Match(text string) []string {
	hits := m.MatchSentences(text, nil)
	out := make([]string, 0, len(hits))
	for _, h := range hits {
		out = append(out, h.Skill)
	}
	return out
}

// SentenceMatch is one skill named in one sentence.
type SentenceMatch struct {
	Skill    string
	Sentence string // the sentence, trimmed
}

// MatchSentences returns, for each skill named in text (first mention
// only, taxonomy order), the sentence naming it. skip, if not nil, drops
// sentences it returns true for.
func (m *Matcher) MatchSentences(text string, skip func(sentence string, stems map[string]bool) bool) []SentenceMatch {
	found := make(map[int]string)
	for _, sent := range sentences(text) {
		stems := map[string]bool{}
		for _, w := range words(sent) {
			stems[stem(w)] = true
		}
		if len(stems) == 0 {
			continue
		}
		if skip != nil && skip(sent, stems) {
			continue
		}
		for _, p := range m.phrases {
			if _, ok := found[p.skill]; ok {
				continue
			}
			all := true
			for _, s := range p.stems {
				if !stems[s] {
					all = false
					break
				}
			}
			if all {
				found[p.skill] = strings.TrimSpace(sent)
			}
		}
	}
	idx := make([]int, 0, len(found))
	for i := range found {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	out := make([]SentenceMatch, 0, len(idx))
	for _, i := range idx {
		out = append(out, SentenceMatch{Skill: m.skills[i], Sentence: found[i]})
	}
	return out
}

func sentences(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool {
		return r == '.' || r == '!' || r == '?' || r == ';' || r == '\n' || r == '\r'
	})
}

// words splits on anything that is not a letter, digit or ':' (kept for
// "1:1"), lowercased. Invalid UTF-8 bytes are separators.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return r == utf8.RuneError || !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == ':')
	})
}

// stem strips a few English suffixes so that "updates", "updating" and
// "update" meet, and "presentations" meets "presenting". It is deliberately
// crude: both sides of a match go through it.
func stem(w string) string {
	w = strings.TrimRight(w, ":")
	if len(w) <= 3 {
		return w
	}
	for _, suf := range []string{"ations", "ation", "ings", "ing", "ions", "ion", "ies", "es", "ed", "s", "e"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 3 {
			w = strings.TrimSuffix(w, suf)
			if suf == "ies" {
				w += "y"
			}
			break
		}
	}
	// "prioritisation" and "prioritization" meet; a final 'e' went above.
	w = strings.ReplaceAll(w, "iz", "is")
	if len(w) > 4 && w[len(w)-1] == w[len(w)-2] && !strings.ContainsRune("aeiousl", rune(w[len(w)-1])) {
		w = w[:len(w)-1] // "planning" -> "plann" -> "plan"
	}
	return w
}
