// Package terminal is `tidbit learn`'s front end to app/lessonflow: it shows
// the item lessonflow picked as plain text, reads the learner's lines (number
// keys for the quiz, 1 to 4 to grade a review, q to stop, r to report an
// AI-written question) and hands every answer, grade, report and reflection
// to the lessonflow.Run, which records it — the same engine, and so the same
// records, cards and xAPI statements, as the lesson window. It reads lines,
// not keys, so it works over SSH, in a pipe and in tests, with no display.
package terminal

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/tidbit-learn/tidbit/app/lessonflow"
	"github.com/tidbit-learn/tidbit/app/store"
)

// Session is one terminal micro-session over a lessonflow.Flow.
type Session struct {
	// Flow starts the attempt and records everything; the CLI sets its
	// Source to "cli" and FullQuiz, so a lesson's whole quiz is asked.
	Flow  *lessonflow.Flow
	In    io.Reader
	Out   io.Writer
	Width int // text width; 0 means 78
}

// Result says what happened.
type Result struct {
	LessonID  string
	AttemptID string
	Review    bool   // the item was a self-graded review
	Outcome   string // lessonflow.Completed or lessonflow.Abandoned
	Answered  int    // answers and grades recorded
	Correct   int    // right answers, and grades of Hard or better
}

// errQuit is the learner typing q.
var errQuit = errors.New("quit")

// errReport is the learner typing r at an AI-written question.
var errReport = errors.New("report")

// Run starts the next item (or lessonID when not empty) and runs it to the
// end or until the learner stops (q, or the end of input), which finishes
// the attempt as abandoned with every answer given so far kept. An error
// from the store ends the session without finishing the attempt.
func (s *Session) Run(ctx context.Context, lessonID string) (Result, error) {
	if s.Flow == nil {
		return Result{}, errors.New("terminal: a lesson flow is required")
	}
	if s.Width == 0 {
		s.Width = 78
	}
	run, err := s.Flow.Start(ctx, lessonID)
	if err != nil {
		return Result{}, err
	}
	res := Result{LessonID: run.LessonID, AttemptID: run.AttemptID, Review: run.Review, Outcome: lessonflow.Abandoned}
	in := bufio.NewReader(s.In)
	if run.Review {
		s.showReview(run.Item)
		err = s.review(ctx, in, run)
	} else {
		s.showLesson(run.Item)
		err = s.quiz(ctx, in, run)
		if err == nil && run.Reflection != nil {
			err = s.reflect(ctx, in, run)
		}
	}
	res.Correct, res.Answered = run.Counts()
	switch {
	case err == nil:
		res.Outcome = lessonflow.Completed
	case errors.Is(err, errQuit), errors.Is(err, io.EOF):
		fmt.Fprintln(s.Out, "\nStopped. Your answers so far are saved.")
	default:
		return res, err
	}
	if err := run.Finish(ctx, res.Outcome); err != nil {
		return res, err
	}
	return res, nil
}

func (s *Session) rule() { fmt.Fprintln(s.Out, strings.Repeat("─", min(s.Width, 60))) }

func (s *Session) showLesson(it lessonflow.Item) {
	fmt.Fprintf(s.Out, "\n%s\n", it.Title)
	meta := fmt.Sprintf("%d min", it.Minutes)
	if it.Meta != "" {
		meta += " · " + it.Meta
	}
	fmt.Fprintln(s.Out, meta)
	if it.Why != "" {
		fmt.Fprintf(s.Out, "Why this: %s\n", it.Why)
	}
	s.rule()
	fmt.Fprintln(s.Out, Render(it.Body, s.Width))
	s.rule()
}

// quiz asks the lesson's questions after the learner has read it and
// pressed Enter; each answer is recorded, then explained.
func (s *Session) quiz(ctx context.Context, in *bufio.Reader, run *lessonflow.Run) error {
	qs := run.Questions
	if len(qs) == 0 {
		return nil
	}
	fmt.Fprintf(s.Out, "Press Enter for the quiz (%d questions), or q then Enter to stop.\n", len(qs))
	line, err := readLine(in)
	if err != nil {
		return err
	}
	if isQuit(line) {
		return errQuit
	}
	var missed []string
	for i, q := range qs {
		fmt.Fprintf(s.Out, "\nQuestion %d of %d%s\n%s\n", i+1, len(qs), hint(q.Type), wrap(q.Prompt, s.Width, ""))
		for j, o := range q.Options {
			fmt.Fprintf(s.Out, "  %d) %s\n", j+1, o.Text)
		}
		if q.AI != nil {
			fmt.Fprintln(s.Out, "(AI-written; r then Enter reports a bad question)")
		}
		run.Shown(q.ID)
		chosen, err := s.ask(in, q)
		if errors.Is(err, errReport) {
			if err := s.report(ctx, run, q); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		ok, err := run.Answer(ctx, q.ID, chosen, 1)
		if err != nil {
			return err
		}
		if !ok {
			missed = append(missed, strconv.Itoa(i+1))
		}
		s.feedback(q, chosen, ok)
	}
	correct, answered := run.Counts()
	fmt.Fprintf(s.Out, "\nYou got %d of %d right.", correct, answered)
	if len(missed) > 0 {
		fmt.Fprintf(s.Out, " Worth another look: question %s.", strings.Join(missed, ", "))
	}
	fmt.Fprintln(s.Out, " Saved.")
	return nil
}

func (s *Session) report(ctx context.Context, run *lessonflow.Run, q store.Question) error {
	if err := run.Report(ctx, q.ID); err != nil {
		return err
	}
	fmt.Fprintln(s.Out, "Reported. Tidbit will not ask this question again.")
	return nil
}

func hint(typ string) string {
	switch typ {
	case "multiple":
		return " (choose all that apply, e.g. 1 3)"
	case "truefalse":
		return " (true or false)"
	}
	return " (choose one)"
}

// ask reads until it gets a valid choice, q, r (at an AI-written question)
// or the end of input.
func (s *Session) ask(in *bufio.Reader, q store.Question) ([]int, error) {
	for {
		fmt.Fprint(s.Out, "> ")
		line, err := readLine(in)
		if err != nil {
			return nil, err
		}
		if isQuit(line) {
			return nil, errQuit
		}
		if q.AI != nil && isReport(line) {
			return nil, errReport
		}
		chosen, perr := ParseChoice(line, len(q.Options), q.Type == "multiple")
		if perr == nil {
			return chosen, nil
		}
		fmt.Fprintf(s.Out, "%v\n", perr)
	}
}

// ParseChoice reads "2", "1 3", "1,3" or "13" (when there are fewer than ten
// options) into sorted 0-based indexes.
func ParseChoice(line string, n int, multi bool) ([]int, error) {
	line = strings.TrimSpace(line)
	if line == "" {
		return nil, fmt.Errorf("Type a number from 1 to %d (or q to stop).", n)
	}
	fields := strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == ',' || r == ';' })
	if len(fields) == 1 && len(fields[0]) > 1 && n < 10 && multi {
		fields = strings.Split(fields[0], "")
	}
	seen := map[int]bool{}
	var out []int
	for _, f := range fields {
		v, err := strconv.Atoi(f)
		if err != nil || v < 1 || v > n {
			return nil, fmt.Errorf("%q is not an option: type a number from 1 to %d.", f, n)
		}
		if !seen[v-1] {
			seen[v-1] = true
			out = append(out, v-1)
		}
	}
	if !multi && len(out) != 1 {
		return nil, fmt.Errorf("Choose just one option, 1 to %d.", n)
	}
	sort.Ints(out)
	return out, nil
}

func (s *Session) feedback(q store.Question, chosen []int, ok bool) {
	if ok {
		fmt.Fprintln(s.Out, "✓ Right.")
	} else {
		fmt.Fprintln(s.Out, "✗ Not quite.")
	}
	picked := map[int]bool{}
	for _, c := range chosen {
		picked[c] = true
		fmt.Fprintln(s.Out, wrap(fmt.Sprintf("You chose %d) %s — %s", c+1, q.Options[c].Text, q.Options[c].Why), s.Width, "   "))
	}
	if !ok {
		for i, o := range q.Options {
			if o.Correct && !picked[i] {
				fmt.Fprintln(s.Out, wrap(fmt.Sprintf("Right answer %d) %s — %s", i+1, o.Text, o.Why), s.Width, "   "))
			}
		}
	}
}

func (s *Session) reflect(ctx context.Context, in *bufio.Reader, run *lessonflow.Run) error {
	r := run.Reflection
	fmt.Fprintf(s.Out, "\nYour turn\n%s\n", wrap(r.Prompt, s.Width, ""))
	fmt.Fprintln(s.Out, "Write your answer on one or more lines; an empty line ends it (just Enter to skip).")
	var lines []string
	for {
		fmt.Fprint(s.Out, "> ")
		line, err := readLine(in)
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if strings.TrimSpace(line) == "" || errors.Is(err, io.EOF) {
			if line != "" {
				lines = append(lines, line)
			}
			break
		}
		lines = append(lines, line)
	}
	if err := run.Reflect(ctx, strings.Join(lines, "\n")); err != nil {
		return err
	}
	fmt.Fprintf(s.Out, "\nA model answer\n%s\n", wrap(r.ModelAnswer, s.Width, ""))
	if len(r.Rubric) > 0 {
		fmt.Fprintln(s.Out, "\nA good answer:")
		for _, p := range r.Rubric {
			fmt.Fprintln(s.Out, wrap("- "+p, s.Width, "  "))
		}
	}
	return nil
}

func readLine(in *bufio.Reader) (string, error) {
	line, err := in.ReadString('\n')
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func isQuit(line string) bool {
	l := strings.ToLower(strings.TrimSpace(line))
	return l == "q" || l == "quit"
}

func isReport(line string) bool { return strings.EqualFold(strings.TrimSpace(line), "r") }
