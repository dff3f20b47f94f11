package terminal

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tidbit-learn/tidbit/app/lessonflow"
	"github.com/tidbit-learn/tidbit/app/store"
)

// Review grades, as FSRS numbers them and lessonflow.Run.Grade takes them.
const (
	again = 1
	easy  = 4
)

var gradeNames = [...]string{1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}

// gradeKeys explains the grades once, at the start of a review; gradePrompt
// reminds of them at each question.
const (
	gradeKeys = "Then grade your recall: 1 Again (forgot), 2 Hard, 3 Good, 4 Easy (at once).\n" +
		"Your grade sets when each question comes back; q then Enter stops."
	gradePrompt = "How well did you recall it? 1 Again · 2 Hard · 3 Good · 4 Easy"
)

func (s *Session) showReview(it lessonflow.Item) {
	fmt.Fprintf(s.Out, "\nReview: %s\n", it.Title)
	if it.Why != "" {
		fmt.Fprintf(s.Out, "Why this: %s\n", it.Why)
	}
	s.rule()
}

// review is a self-graded spaced-repetition review, as in the lesson
// window: each due question's prompt; Enter (or any line the learner types
// while recalling) shows the right answer and its explanation; the learner
// grades the recall 1 to 4 and the run records the grade with the
// question's next card. r reports an AI-written question instead.
func (s *Session) review(ctx context.Context, in *bufio.Reader, run *lessonflow.Run) error {
	qs := run.Questions
	if len(qs) == 0 {
		return nil
	}
	fmt.Fprintf(s.Out, "%d question(s) to recall. Think of each answer, then press Enter to see it.\n", len(qs))
	fmt.Fprintln(s.Out, gradeKeys)
	var counts [easy + 1]int
	reported := 0
	for i, q := range qs {
		fmt.Fprintf(s.Out, "\nReview %d of %d\n%s\n", i+1, len(qs), wrap(q.Prompt, s.Width, ""))
		if q.AI != nil {
			fmt.Fprintln(s.Out, "(AI-written; r then Enter reports a bad question)")
		}
		run.Shown(q.ID)
		fmt.Fprint(s.Out, "Enter shows the answer> ")
		line, err := readLine(in)
		if err != nil {
			return err
		}
		if isQuit(line) {
			return errQuit
		}
		if q.AI != nil && isReport(line) {
			if err := s.report(ctx, run, q); err != nil {
				return err
			}
			reported++
			continue
		}
		for j, o := range q.Options {
			if o.Correct {
				fmt.Fprintln(s.Out, wrap(explain("Answer", j, o), s.Width, "   "))
			}
		}
		g, err := s.askGrade(in, q)
		if errors.Is(err, errReport) {
			if err := s.report(ctx, run, q); err != nil {
				return err
			}
			reported++
			continue
		}
		if err != nil {
			return err
		}
		if err := run.Grade(ctx, q.ID, g); err != nil {
			return err
		}
		counts[g]++
		fmt.Fprintf(s.Out, "Saved: %s.\n", gradeNames[g])
	}
	graded := 0
	var parts []string
	for g := again; g <= easy; g++ {
		graded += counts[g]
		if counts[g] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", gradeNames[g], counts[g]))
		}
	}
	if reported > 0 {
		parts = append(parts, fmt.Sprintf("Reported %d", reported))
	}
	fmt.Fprintf(s.Out, "\nReviewed %d. Each comes back when it is about to slip.\n", graded)
	if len(parts) > 0 {
		fmt.Fprintln(s.Out, strings.Join(parts, " · "))
	}
	return nil
}

// askGrade reads until it gets a grade 1 to 4, q, r (at an AI-written
// question) or the end of input.
func (s *Session) askGrade(in *bufio.Reader, q store.Question) (int, error) {
	fmt.Fprintln(s.Out, gradePrompt)
	for {
		fmt.Fprint(s.Out, "> ")
		line, err := readLine(in)
		if err != nil {
			return 0, err
		}
		if isQuit(line) {
			return 0, errQuit
		}
		if q.AI != nil && isReport(line) {
			return 0, errReport
		}
		if g, ok := parseGrade(line); ok {
			return g, nil
		}
		fmt.Fprintln(s.Out, "Type 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy), or q to stop.")
	}
}

// parseGrade reads a review grade, "1" (Again) to "4" (Easy), spaces
// around allowed.
func parseGrade(line string) (int, bool) {
	g, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || g < again || g > easy {
		return 0, false
	}
	return g, true
}

// explain is an option with its explanation, e.g. "Answer 2) Yes — Because…".
func explain(lead string, i int, o store.Option) string {
	s := fmt.Sprintf("%s %d) %s", lead, i+1, o.Text)
	if o.Why != "" {
		s += " — " + o.Why
	}
	return s
}
