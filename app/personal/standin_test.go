package personal

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/llm"
)

// Prompt openings of the personalisation requests (llm's prompts).
const (
	promptProfile  = "Find the skills the learner's profile"
	promptMeeting  = "The learner has a meeting soon"
	promptRewrite  = "Retell the example of a lesson"
	promptFeedback = "Give the learner feedback"
	promptLesson   = "Write a micro-lesson"
)

func generator(u *url.URL) *llm.Generator {
	g := llm.NewGenerator(u, "tiny", &http.Client{})
	g.Timeout = 10 * time.Second
	g.Now = func() time.Time { return testNow }
	return g
}

var testNow = time.Date(2026, 3, 4, 9, 30, 0, 0, time.UTC)

// goodAnswers answers every personalisation prompt validly for skills
// (ids of the taxonomy): the profile calls for the first two, a meeting
// for the third, a rewrite retells the example on a ward.
func goodAnswers(skills []string) func(string) string {
	return func(p string) string {
		switch {
		case strings.HasPrefix(p, promptProfile):
			return fmt.Sprintf(`{"targets":[{"skill":%q,"level":4,"why":"The goals ask for it plainly."},{"skill":%q,"level":3,"why":"The notes point to this skill."}]}`,
				skills[0], skills[1])
		case strings.HasPrefix(p, promptMeeting):
			return fmt.Sprintf(`{"skill":%q,"why":"The meeting title calls for this skill."}`, skills[2])
		case strings.HasPrefix(p, promptRewrite):
			ex := between(p, "Example:\n", "\nEND_")
			b, _ := json.Marshal(map[string]string{"example": "On a surgical ward the same thing happens. " + ex})
			return string(b)
		case strings.HasPrefix(p, promptFeedback):
			return feedbackAnswer(p)
		}
		return "Sure! Here is what you asked for."
	}
}

// feedbackAnswer repeats each rubric criterion of a feedback prompt.
func feedbackAnswer(p string) string {
	rubric := between(p, "Rubric:\n", "\n\nLearner's answer:")
	m := map[string]any{"summary": "A clear answer. Next time, name a date to look again."}
	for i, line := range strings.Split(rubric, "\n") {
		_, c, _ := strings.Cut(line, ". ")
		m[fmt.Sprintf("c%d", i+1)] = map[string]any{"criterion": c, "met": i == 0, "comment": "Your answer speaks to this point."}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	out, _, _ := strings.Cut(rest, to)
	return out
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
