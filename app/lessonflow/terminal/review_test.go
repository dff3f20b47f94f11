package terminal

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/core/coretest"
	"github.com/tidbit-learn/tidbit/app/learn"
	"github.com/tidbit-learn/tidbit/app/learner/storepick"
	"github.com/tidbit-learn/tidbit/app/lessonflow"
	"github.com/tidbit-learn/tidbit/app/store"
)

// reviewSetup does lesson l in the terminal with every answer right, with
// FSRS cards, and returns a function that runs the review of l ten days
// later (when every card is due) on the given input.
func reviewSetup(t *testing.T, a *core.App, l store.Lesson) func(in string) (Result, string, error) {
	t.Helper()
	ctx := context.Background()
	cards, err := storepick.NewCards()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	clock := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	flow := func(p learn.Picker) *lessonflow.Flow {
		return &lessonflow.Flow{Store: a.Store, Taxonomy: a.Taxonomy, Picker: p, Cards: cards, Source: "test", FullQuiz: true,
			Now:   func() time.Time { clock = clock.Add(10 * time.Second); return clock },
			NewID: func() string { n++; return fmt.Sprintf("id-%03d", n) }}
	}
	var out bytes.Buffer
	first := &Session{Flow: flow(nil), In: strings.NewReader("\n" + strings.Join(answersFor(l, true), "\n") + "\n\n"), Out: &out}
	if res, err := first.Run(ctx, l.ID); err != nil || res.Outcome != lessonflow.Completed {
		t.Fatalf("the lesson before the review: %+v %v\n%s", res, err, out.String())
	}
	return func(in string) (Result, string, error) {
		clock = clock.Add(10 * 24 * time.Hour)
		var out bytes.Buffer
		s := &Session{Flow: flow(fixedPicker{id: l.ID, review: true}), In: strings.NewReader(in), Out: &out}
		res, err := s.Run(ctx, "")
		return res, out.String(), err
	}
}

// TestReviewSelfGraded: a review shows each due question's prompt, Enter
// (or whatever the learner typed while recalling) reveals the right answer
// with its explanation, and 1-4 grades it; every grade is recorded as it is
// given, with the FSRS card that grade gives, as the lesson window does.
func TestReviewSelfGraded(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		input   func(n int) string // n questions due
		grades  func(n int) []int  // recorded, in order
		outcome string
		want    []string // in the output
		golden  string
	}{
		{name: "all graded", outcome: lessonflow.Completed, golden: "review.txt",
			input: func(n int) string {
				// A bad grade is asked again; a typed recall attempt reveals too.
				in := "\n9\n3\nit was the second one\n1\n\n4\n"
				for i := 3; i < n; i++ {
					in += "\n2\n"
				}
				return in
			},
			grades: func(n int) []int {
				g := []int{3, 1, 4}
				for len(g) < n {
					g = append(g, 2)
				}
				return g
			},
			want: []string{"Review: ", "1 Again (forgot), 2 Hard, 3 Good, 4 Easy", "Answer ", "Type 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)",
				"Saved: Good.", "Each comes back when it is about to slip.", "Again 1 · Hard ", "Good 1 · Easy 1"}},
		{name: "q before the answer keeps the grades so far", outcome: lessonflow.Abandoned, grades: func(int) []int { return []int{4} },
			input: func(int) string { return "\n4\nq\n" },
			want:  []string{"Stopped. Your answers so far are saved."}},
		{name: "q at the grade", outcome: lessonflow.Abandoned, grades: func(int) []int { return []int{3} },
			input: func(int) string { return "\n3\n\nq\n" },
			want:  []string{"Stopped. Your answers so far are saved."}},
		{name: "end of input", outcome: lessonflow.Abandoned, grades: func(int) []int { return nil },
			input: func(int) string { return "\n" },
			want:  []string{"Stopped. Your answers so far are saved."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := coretest.Open(t)
			l := lessonWithQuestions(t, a, 5)
			review := reviewSetup(t, a, l)
			res, out, err := review(tc.input(len(l.Questions)))
			grades := tc.grades(len(l.Questions))
			if err != nil {
				t.Fatalf("Run: %v\n%s", err, out)
			}
			if tc.golden != "" {
				golden(t, tc.golden, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, "Press Enter for the quiz") || strings.Contains(out, "You chose") {
				t.Errorf("a review was asked as a quiz:\n%s", out)
			}
			if !res.Review || res.Outcome != tc.outcome || res.Answered != len(grades) {
				t.Fatalf("result %+v, want %s with %d grades\n%s", res, tc.outcome, len(grades), out)
			}
			answers, err := a.Store.AnswersOf(ctx, res.AttemptID)
			if err != nil || len(answers) != len(grades) {
				t.Fatalf("%d answers stored (%v), want %d", len(answers), err, len(grades))
			}
			right := 0
			for i, an := range answers {
				g := grades[i]
				if an.QuestionID != l.Questions[i].ID || an.Rating != g || len(an.Chosen) != 0 || an.Correct != (g >= 2) {
					t.Errorf("answer %d (grade %d): %+v", i, g, an)
				}
				if g >= 2 {
					right++
				}
				c, ok, err := a.Store.SRSCard(ctx, an.QuestionID)
				if err != nil || !ok || c.Reps != 2 || !c.LastReview.Equal(an.AnsweredAt) {
					t.Errorf("card of %s after grade %d: %+v %v %v", an.QuestionID, g, c, ok, err)
				}
				if g == 1 && c.Lapses != 1 {
					t.Errorf("Again did not lapse the card: %+v", c)
				}
			}
			if res.Correct != right {
				t.Errorf("correct %d, want %d", res.Correct, right)
			}
			b, err := a.Store.Export(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range b.Tables["attempt_results"] {
				if r["attempt_id"] == res.AttemptID && r["outcome"] != tc.outcome {
					t.Errorf("stored outcome %v, want %s", r["outcome"], tc.outcome)
				}
			}
		})
	}
}

// TestReviewGradesSchedule: on the same due card, Easy puts the next review
// later than Again does — the grade, not a quiz answer, drives FSRS.
func TestReviewGradesSchedule(t *testing.T) {
	ctx := context.Background()
	due := map[int]time.Time{}
	for _, g := range []int{1, 4} {
		a := coretest.Open(t)
		l := lessonWithQuestions(t, a, 1)
		review := reviewSetup(t, a, l)
		in := fmt.Sprintf("\n%d\n", g)
		if _, out, err := review(in + "q\n"); err != nil {
			t.Fatalf("grade %d: %v\n%s", g, err, out)
		}
		c, _, err := a.Store.SRSCard(ctx, l.Questions[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		due[g] = c.Due
	}
	if !due[4].After(due[1]) {
		t.Fatalf("Easy is due %v, not after Again's %v", due[4], due[1])
	}
}

// TestReviewReportsAIQuestion: r at an AI-written question in a review,
// before or after its answer is shown, retires it without a grade.
func TestReviewReportsAIQuestion(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ name, at string }{{"before the answer", "r\n"}, {"at the grade", "\nr\n"}} {
		t.Run(tc.name, func(t *testing.T) {
			a := coretest.Open(t)
			l := lessonWithQuestions(t, a, 1)
			coretest.AddAIQuestions(t, a.Store, l, 1)
			l, _ = a.Store.Lesson(ctx, l.ID)
			l.Questions = learn.QuizQuestions(l, len(l.Questions)+learn.MaxAIPerQuiz)
			review := reviewSetup(t, a, l)
			// Every authored question graded Good, then the AI one reported.
			in := strings.Repeat("\n3\n", len(l.Questions)-1) + tc.at
			res, out, err := review(in)
			if err != nil || res.Outcome != lessonflow.Completed || res.Answered != len(l.Questions)-1 {
				t.Fatalf("%+v %v\n%s", res, err, out)
			}
			if !strings.Contains(out, "(AI-written; r then Enter reports a bad question)") ||
				!strings.Contains(out, "Reported. Tidbit will not ask this question again.") || !strings.Contains(out, "Reported 1") {
				t.Errorf("output:\n%s", out)
			}
			after, _ := a.Store.Lesson(ctx, l.ID)
			if len(after.AIQuestions) != 0 {
				t.Errorf("AI questions after the report: %+v", after.AIQuestions)
			}
		})
	}
}

var gradeCases = []struct {
	name string
	line string
	want int // 0: refused
}{
	{"again", "1", 1},
	{"easy with spaces", " 4 ", 4},
	{"carriage return", "3\r", 3},
	{"zero", "0", 0},
	{"five", "5", 0},
	{"empty", "", 0},
	{"word", "good", 0},
	{"two grades", "1 2", 0},
	{"plus sign", "+2", 2},
	{"negative", "-1", 0},
}

func TestParseGrade(t *testing.T) {
	for _, tc := range gradeCases {
		t.Run(tc.name, func(t *testing.T) {
			g, ok := parseGrade(tc.line)
			if ok != (tc.want != 0) || g != tc.want {
				t.Fatalf("parseGrade(%q) = %d, %v; want %d", tc.line, g, ok, tc.want)
			}
		})
	}
}

func FuzzParseGrade(f *testing.F) {
	for _, tc := range gradeCases {
		f.Add(tc.line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		g, ok := parseGrade(line)
		if ok != (g >= 1 && g <= 4) || (!ok && g != 0) {
			t.Fatalf("parseGrade(%q) = %d, %v", line, g, ok)
		}
	})
}

// lessonWithQuestions is the first starter lesson with at least n authored
// questions.
func lessonWithQuestions(t *testing.T, a *core.App, n int) store.Lesson {
	t.Helper()
	ctx := context.Background()
	lib, err := a.Store.Library(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range lib {
		l, err := a.Store.Lesson(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Questions) >= n {
			return l
		}
	}
	t.Fatalf("no starter lesson with %d questions", n)
	return store.Lesson{}
}
