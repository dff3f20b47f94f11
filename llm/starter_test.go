package llm

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"github.com/tidbit-learn/tidbit/assets"
	"go.yaml.in/yaml/v3"
)

// starterLesson is the part of a starter lesson file these tests read.
type starterLesson struct {
	ID        string   `yaml:"id"`
	Title     string   `yaml:"title"`
	Skills    []string `yaml:"skills"`
	Level     int      `yaml:"level"`
	Questions []struct {
		ID      string   `yaml:"id"`
		Type    string   `yaml:"type"`
		Prompt  string   `yaml:"prompt"`
		Options []Option `yaml:"options"`
	} `yaml:"questions"`
	Body string `yaml:"-"`
}

// starterLessons reads the embedded starter library: front matter between
// "---" lines, then the Markdown body.
func starterLessons(t testing.TB) []starterLesson {
	t.Helper()
	fsys := assets.StarterPack()
	names, err := fs.Glob(fsys, "*.md")
	if err != nil || len(names) == 0 {
		t.Fatalf("starter pack: %v (%d files)", err, len(names))
	}
	var out []starterLesson
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			t.Fatal(err)
		}
		parts := bytes.SplitN(b, []byte("\n---"), 2)
		if len(parts) != 2 || !bytes.HasPrefix(parts[0], []byte("---")) {
			continue // README or not a lesson
		}
		var sl starterLesson
		if err := yaml.Unmarshal(bytes.TrimPrefix(parts[0], []byte("---")), &sl); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		sl.Body = string(parts[1])
		out = append(out, sl)
	}
	return out
}

// TestValidatorAcceptsAuthoredQuestions calibrates the content checks on
// the starter library's hand-written questions, which are right by
// construction: the checks must not reject good questions wholesale. The
// 4-option single and multiple choice questions are fed through as if a
// model had written them.
func TestValidatorAcceptsAuthoredQuestions(t *testing.T) {
	total, kept := 0, 0
	reasons := map[string]int{}
	for _, sl := range starterLessons(t) {
		l := Lesson{ID: sl.ID, Title: sl.Title, Body: sl.Body, Skills: sl.Skills, Level: sl.Level}
		for _, q := range sl.Questions {
			if (q.Type != "single" && q.Type != "multiple") || len(q.Options) != OptionsPerQ {
				continue
			}
			rq := rawQuestion{Type: q.Type, Prompt: q.Prompt, AnswerCount: keyCount(q.Options), Options: q.Options,
				Difficulty: max(1, min(5, sl.Level)), Skill: sl.Skills[0]}
			b, _ := json.Marshal(rawQuiz{Questions: []rawQuestion{rq}})
			qs, probs, err := ValidateQuiz(l, b)
			if err != nil {
				t.Errorf("%s/%s: whole output rejected: %v", sl.ID, q.ID, err)
				continue
			}
			total++
			kept += len(qs)
			for _, p := range probs {
				r := p.Reason
				if i := strings.Index(r, " ("); i > 0 {
					r = r[:i]
				}
				reasons[r]++
				t.Logf("%s/%s dropped: %s", sl.ID, q.ID, p.Reason)
			}
		}
	}
	// The same questions with the key moved to a distractor (explanations
	// kept): the lexical check alone passes most of them, since distractor
	// explanations cite the lesson too. That is what verification is for.
	swappedKept, swapped := 0, 0
	for _, sl := range starterLessons(t) {
		l := Lesson{ID: sl.ID, Title: sl.Title, Body: sl.Body, Skills: sl.Skills, Level: sl.Level}
		for _, q := range sl.Questions {
			if q.Type != "single" || len(q.Options) != OptionsPerQ {
				continue
			}
			opts := append([]Option(nil), q.Options...)
			for i := range opts {
				opts[i].Correct = !opts[i].Correct && i == (firstKey(q.Options)+1)%OptionsPerQ
			}
			swapped++
			rq := rawQuestion{Type: "single", Prompt: q.Prompt, AnswerCount: 1, Options: opts, Difficulty: 2, Skill: sl.Skills[0]}
			b, _ := json.Marshal(rawQuiz{Questions: []rawQuestion{rq}})
			if qs, _, err := ValidateQuiz(l, b); err == nil {
				swappedKept += len(qs)
			}
		}
	}
	t.Logf("single-choice questions with a wrong key that pass the lexical check: %d of %d", swappedKept, swapped)
	if swappedKept > kept {
		t.Errorf("wrong keys (%d) pass more often than right ones (%d)", swappedKept, kept)
	}

	rate := float64(kept) / float64(total)
	t.Logf("authored questions accepted: %d of %d (%.0f %%); reasons: %v", kept, total, 100*rate, reasons)
	if total < 50 || rate < 0.9 {
		t.Errorf("validator accepts %d of %d authored questions (%.0f %%), want at least 90 %%", kept, total, 100*rate)
	}
}

func firstKey(opts []Option) int {
	for i, o := range opts {
		if o.Correct {
			return i
		}
	}
	return 0
}
