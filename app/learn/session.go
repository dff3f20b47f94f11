// Package learn runs a micro-session in a terminal: the next lesson, its
// quiz answered with number keys, the explanation of every answer, and a
// durable record of each answer as it is given. It reads lines, so it works
// over SSH, in a pipe and in tests, with no display.
package learn

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

// Session is one terminal micro-session.
type Session struct {
	Store    *store.Store
	Taxonomy *assets.Taxonomy
	Picker   Picker
	In       io.Reader
	Out      io.Writer
	Now      func() time.Time
	NewID    func() string // nil: random UUIDs
	Width    int           // text width; 0 means 78
	Source   string        // recorded with the attempt ("cli")
	// Cards schedules each answered question for spaced repetition; nil
	// records answers without review state.
	Cards CardScheduler
	// Outbox describes the attempt, each answer and the result as
	// statements (xAPI) that the store writes in the same transaction as
	// the record; nil queues nothing.
	Outbox Outbox
}

// Outbox turns progress records into outbox items; app/xapi's Recorder is
// one. A method may return nil (e.g. when no LRS is configured).
type Outbox interface {
	Started(l store.Lesson, a store.Attempt) []store.OutboxItem
	Answered(l store.Lesson, q store.Question, a store.Answer) []store.OutboxItem
	Finished(l store.Lesson, a store.Attempt, r store.AttemptResult) []store.OutboxItem
}

// CardScheduler computes a question's next spaced-repetition state from its
// previous one (known is false for a first answer) and the answer.
type CardScheduler interface {
	Next(prev store.SRSCard, known bool, correct bool, at time.Time) (store.SRSCard, error)
}

// Result says what happened.
type Result struct {
	LessonID  string
	AttemptID string
	Outcome   string // completed, abandoned
	Answered  int
	Correct   int
}

// errQuit is the learner typing q.
var errQuit = errors.New("quit")

// errReport is the learner typing r at an AI-written question.
var errReport = errors.New("report")

// Run picks the next lesson (or lessonID when not empty) and runs it.
func (s *Session) Run(ctx context.Context, lessonID string) (Result, error) {
	if s.NewID == nil {
		s.NewID = func() string { return uuid.NewString() }
	}
	if s.Width == 0 {
		s.Width = 78
	}
	reason, review := "", false
	if lessonID == "" {
		p, err := s.Picker.Next(ctx)
		if err != nil {
			return Result{}, err
		}
		lessonID, reason, review = p.LessonID, p.Reason, p.Review
	}
	l, err := s.Store.Lesson(ctx, lessonID)
	if err != nil {
		return Result{}, err
	}
	l.Questions = QuizQuestions(l, len(l.Questions)+MaxAIPerQuiz)
	in := bufio.NewReader(s.In)
	res := Result{LessonID: l.ID, AttemptID: s.NewID(), Outcome: "abandoned"}
	started := s.Now()
	kind := "lesson"
	if review {
		kind = "review"
		if l.Questions, err = DueQuestions(ctx, s.Store, l.Questions, started); err != nil {
			return res, err
		}
	}
	att := store.Attempt{ID: res.AttemptID, LessonID: l.ID, Kind: kind, StartedAt: started, Source: s.Source}
	if s.Outbox != nil {
		att.Outbox = s.Outbox.Started(l, att)
	}
	if err := s.Store.StartAttempt(ctx, att); err != nil {
		return res, err
	}
	if review {
		s.showReview(l, reason)
	} else {
		s.showLesson(l, reason)
	}
	err = s.quiz(ctx, in, l, &res, !review)
	if err == nil && l.Reflection != nil && !review {
		err = s.reflect(ctx, in, l, res.AttemptID)
	}
	switch {
	case err == nil:
		res.Outcome = "completed"
	case errors.Is(err, errQuit), errors.Is(err, io.EOF):
		fmt.Fprintln(s.Out, "\nStopped. Your answers so far are saved.")
	default:
		return res, err
	}
	fin := store.AttemptResult{AttemptID: res.AttemptID, FinishedAt: s.Now(), Outcome: res.Outcome,
		Seconds: int(s.Now().Sub(started).Seconds()), Correct: res.Correct, Answered: res.Answered}
	if s.Outbox != nil {
		fin.Outbox = s.Outbox.Finished(l, att, fin)
	}
	if err := s.Store.FinishAttempt(ctx, fin); err != nil {
		return res, err
	}
	return res, nil
}

// DueQuestions keeps the questions whose review is due; when the lesson is
// due as a whole but no single card is (cards were never stored for it),
// all of them. The terminal session and the lesson window both use it.
func DueQuestions(ctx context.Context, st *store.Store, qs []store.Question, now time.Time) ([]store.Question, error) {
	var due []store.Question
	for _, q := range qs {
		c, ok, err := st.SRSCard(ctx, q.ID)
		if err != nil {
			return nil, fmt.Errorf("reading the review card of %s: %w", q.ID, err)
		}
		if ok && !c.Due.After(now) {
			due = append(due, q)
		}
	}
	if len(due) == 0 {
		return qs, nil
	}
	return due, nil
}

func (s *Session) showReview(l store.Lesson, reason string) {
	fmt.Fprintf(s.Out, "\nReview: %s\n", l.Title)
	if reason != "" {
		fmt.Fprintf(s.Out, "Why this: %s\n", reason)
	}
	s.rule()
}

func (s *Session) rule() { fmt.Fprintln(s.Out, strings.Repeat("─", min(s.Width, 60))) }

func (s *Session) showLesson(l store.Lesson, reason string) {
	var skills []string
	for _, id := range l.Skills {
		if sk, ok := s.Taxonomy.Skill(id); ok {
			skills = append(skills, sk.Name)
		} else {
			skills = append(skills, id)
		}
	}
	fmt.Fprintf(s.Out, "\n%s\n", l.Title)
	fmt.Fprintf(s.Out, "%d min · %s · %s\n", l.Minutes, strings.Join(skills, ", "), l.Kind)
	if reason != "" {
		fmt.Fprintf(s.Out, "Why this: %s\n", reason)
	}
	s.rule()
	fmt.Fprintln(s.Out, Render(l.Body, s.Width))
	s.rule()
}

// quiz asks l's questions; waitForEnter first asks the learner to press
// Enter (after reading a lesson; a review starts straight away).
func (s *Session) quiz(ctx context.Context, in *bufio.Reader, l store.Lesson, res *Result, waitForEnter bool) error {
	if len(l.Questions) == 0 {
		return nil
	}
	if waitForEnter {
		fmt.Fprintf(s.Out, "Press Enter for the quiz (%d questions), or q then Enter to stop.\n", len(l.Questions))
		line, err := readLine(in)
		if err != nil {
			return err
		}
		if isQuit(line) {
			return errQuit
		}
	} else {
		fmt.Fprintf(s.Out, "%d question(s) to recall; q then Enter stops.\n", len(l.Questions))
	}
	var missed []string
	for i, q := range l.Questions {
		fmt.Fprintf(s.Out, "\nQuestion %d of %d%s\n%s\n", i+1, len(l.Questions), hint(q.Type), wrap(q.Prompt, s.Width, ""))
		for j, o := range q.Options {
			fmt.Fprintf(s.Out, "  %d) %s\n", j+1, o.Text)
		}
		if q.AI != nil {
			fmt.Fprintln(s.Out, "(AI-written; r then Enter reports a bad question)")
		}
		asked := s.Now()
		chosen, err := s.ask(in, q)
		if errors.Is(err, errReport) {
			if err := s.Store.RetireQuestion(ctx, q.ID, store.ReasonReported); err != nil {
				return fmt.Errorf("reporting question %s: %w", q.ID, err)
			}
			fmt.Fprintln(s.Out, "Reported. Tidbit will not ask this question again.")
			continue
		}
		if err != nil {
			return err
		}
		ok := IsCorrect(q, chosen)
		now := s.Now()
		ans := store.Answer{ID: s.NewID(), AttemptID: res.AttemptID, QuestionID: q.ID,
			QuestionHash: q.ContentHash, Chosen: chosen, Correct: ok, AnsweredAt: now, Duration: now.Sub(asked)}
		if s.Cards != nil {
			prev, known, err := s.Store.SRSCard(ctx, q.ID)
			if err != nil {
				return err
			}
			card, err := s.Cards.Next(prev, known, ok, now)
			if err != nil {
				return err
			}
			ans.Card = &card
		}
		if s.Outbox != nil {
			ans.Outbox = s.Outbox.Answered(l, q, ans)
		}
		if err := s.Store.RecordAnswer(ctx, ans); err != nil {
			return err
		}
		res.Answered++
		if ok {
			res.Correct++
		} else {
			missed = append(missed, strconv.Itoa(i+1))
		}
		s.feedback(q, chosen, ok)
	}
	fmt.Fprintf(s.Out, "\nYou got %d of %d right.", res.Correct, res.Answered)
	if len(missed) > 0 {
		fmt.Fprintf(s.Out, " Worth another look: question %s.", strings.Join(missed, ", "))
	}
	fmt.Fprintln(s.Out, " Saved.")
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

// ask reads until it gets a valid choice, q, or the end of input.
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
		if q.AI != nil && strings.EqualFold(strings.TrimSpace(line), "r") {
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

// IsCorrect says whether chosen is exactly q's set of correct options
// (out-of-range or repeated indexes are wrong). The terminal session and the
// lesson window both judge answers with it.
func IsCorrect(q store.Question, chosen []int) bool {
	seen := map[int]bool{}
	for _, c := range chosen {
		if c < 0 || c >= len(q.Options) || !q.Options[c].Correct || seen[c] {
			return false
		}
		seen[c] = true
	}
	want := 0
	for _, o := range q.Options {
		if o.Correct {
			want++
		}
	}
	return len(seen) == want
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

func (s *Session) reflect(ctx context.Context, in *bufio.Reader, l store.Lesson, attemptID string) error {
	r := l.Reflection
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
	text := strings.TrimSpace(strings.Join(lines, "\n"))
	if text != "" {
		if err := s.Store.RecordReflection(ctx, store.ReflectionAnswer{ID: s.NewID(), AttemptID: attemptID, LessonID: l.ID,
			Text: text, AnsweredAt: s.Now()}); err != nil {
			return err
		}
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
