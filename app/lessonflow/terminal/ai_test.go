package terminal

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/tidbit-learn/tidbit/app/core/coretest"
)

// TestSessionReportsAIQuestion: an AI-written question is marked and r
// retires it; the rest of the quiz goes on.
func TestSessionReportsAIQuestion(t *testing.T) {
	a := coretest.Open(t)
	ctx := context.Background()
	lib, err := a.Store.Library(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l, err := a.Store.Lesson(ctx, lib[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	coretest.AddAIQuestions(t, a.Store, l, 2)
	lines := answersFor(l, true)
	// AI question 0: reported; AI question 1: answered.
	in := "\n" + strings.Join(lines, "\n") + "\nr\n1\n\n"
	var out bytes.Buffer
	res, err := newSession(a, in, &out).Run(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	o := out.String()
	if strings.Count(o, "(AI-written; r then Enter reports a bad question)") != 2 || !strings.Contains(o, "Reported. Tidbit will not ask this question again.") {
		t.Errorf("output:\n%s", o)
	}
	if res.Outcome != "completed" || res.Answered != len(l.Questions)+1 || res.Correct != res.Answered {
		t.Errorf("result %+v", res)
	}
	after, _ := a.Store.Lesson(ctx, l.ID)
	if len(after.AIQuestions) != 1 || after.AIQuestions[0].ID != l.ID+"/ai-1" {
		t.Errorf("AI questions after the report: %+v", after.AIQuestions)
	}
	// r at an authored question is not a report: it is asked again.
	out.Reset()
	in = "\nr\n" + strings.Join(answersFor(after, true), "\n") + "\n1\n\n"
	if _, err := newSession(a, in, &out).Run(ctx, l.ID); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"r" is not an option`) {
		t.Errorf("r at an authored question:\n%s", out.String())
	}
}
