package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/paths"
)

// learnIn runs `tidbit learn` in process at now with stdin.
func learnIn(t *testing.T, home string, now time.Time, stdin string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	vars := map[string]string{"TIDBIT_HOME": home, "HOME": home, "OLLAMA_HOST": "127.0.0.1:1"}
	env := paths.Env{Getenv: func(k string) string { return vars[k] }, HomeDir: func() (string, error) { return home, nil }, GOOS: "linux"}
	code := Main([]string{"learn"}, Deps{In: strings.NewReader(stdin), Out: &out, Err: &errb, Env: env,
		Now: func() time.Time { return now }, Loc: time.UTC, Version: "test"})
	return code, out.String(), errb.String()
}

// TestLearnReviewIsSelfGraded: days after a lesson, `tidbit learn` offers
// its review the way the lesson window does: each due question's prompt,
// the answer on Enter, and a grade 1 Again to 4 Easy recorded with the
// personal FSRS card — not a multiple-choice quiz.
func TestLearnReviewIsSelfGraded(t *testing.T) {
	home := t.TempDir()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	if code, out, errs := learnIn(t, home, now, answerAll(8)); code != 0 || !strings.Contains(out, "Press Enter for the quiz") {
		t.Fatalf("first lesson: exit %d\n%s\n%s", code, out, errs)
	}
	now = now.Add(10 * 24 * time.Hour)
	// The same keys as a lesson's: in a review, Enter shows the first
	// answer and each 1 that follows is either "show" or "Again".
	in := answerAll(8)
	for i := 0; i < 6; i++ {
		code, out, errs := learnIn(t, home, now, in)
		if code != 0 {
			t.Fatalf("sitting %d: exit %d\n%s\n%s", i, code, out, errs)
		}
		if !strings.Contains(out, "Review: ") {
			now = now.Add(time.Hour)
			continue
		}
		for _, want := range []string{"Enter shows the answer", "Answer ", "1 Again (forgot), 2 Hard, 3 Good, 4 Easy", "Saved: Again."} {
			if !strings.Contains(out, want) {
				t.Errorf("review output lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "You chose") || strings.Contains(out, "Press Enter for the quiz") {
			t.Errorf("the review was asked as a quiz:\n%s", out)
		}
		st := openDB(t, home)
		b, err := st.Export(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		review := ""
		for _, at := range b.Tables["attempts"] {
			if at["kind"] == "review" {
				review = fmt.Sprint(at["id"])
			}
		}
		answers, err := st.AnswersOf(context.Background(), review)
		if err != nil || len(answers) == 0 {
			t.Fatalf("review %q: %d answers (%v)", review, len(answers), err)
		}
		for _, an := range answers {
			if an.Rating != 1 || an.Correct || len(an.Chosen) != 0 {
				t.Errorf("review answer %+v, want an Again grade", an)
			}
			c, ok, err := st.SRSCard(context.Background(), an.QuestionID)
			if err != nil || !ok || c.Reps != 2 || !c.LastReview.Equal(an.AnsweredAt) {
				t.Errorf("card of %s after Again: %+v %v %v", an.QuestionID, c, ok, err)
			}
		}
		return
	}
	t.Fatal("no review offered in six sittings ten days after a lesson")
}
