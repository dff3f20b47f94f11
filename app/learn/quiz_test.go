package learn

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tidbit-learn/tidbit/app/store"
)

func TestQuizQuestions(t *testing.T) {
	qs := func(prefix string, n int) []store.Question {
		var out []store.Question
		for i := range n {
			out = append(out, store.Question{ID: fmt.Sprintf("%s%d", prefix, i)})
		}
		return out
	}
	tests := []struct {
		name     string
		authored int
		ai       int
		size     int
		want     string
	}{
		{name: "authored only", authored: 6, ai: 0, size: QuizSize, want: "a0 a1 a2 a3 a4"},
		{name: "AI takes at most two places", authored: 6, ai: 5, size: QuizSize, want: "a0 a1 a2 x0 x1"},
		{name: "one AI question", authored: 6, ai: 1, size: QuizSize, want: "a0 a1 a2 a3 x0"},
		{name: "AI fills up a short lesson", authored: 1, ai: 5, size: QuizSize, want: "a0 x0 x1 x2 x3"},
		{name: "no authored questions", authored: 0, ai: 3, size: QuizSize, want: "x0 x1 x2"},
		{name: "nothing", authored: 0, ai: 0, size: QuizSize, want: ""},
		{name: "terminal keeps every authored one", authored: 6, ai: 5, size: 6 + MaxAIPerQuiz, want: "a0 a1 a2 a3 a4 a5 x0 x1"},
		{name: "size one", authored: 3, ai: 3, size: 1, want: "x0"},
		{name: "size zero", authored: 3, ai: 3, size: 0, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := store.Lesson{Questions: qs("a", tc.authored), AIQuestions: qs("x", tc.ai)}
			var ids []string
			for _, q := range QuizQuestions(l, tc.size) {
				ids = append(ids, q.ID)
			}
			if got := strings.Join(ids, " "); got != tc.want {
				t.Errorf("QuizQuestions = %q, want %q", got, tc.want)
			}
		})
	}
}
