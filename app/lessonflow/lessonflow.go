// Package lessonflow is the one engine behind every front end that runs a
// lesson attempt: it picks the next item (or takes a given lesson), turns
// it into plain data a front end can show, and records what the learner
// does — every answer and self-graded review with its spaced-repetition
// card and its xAPI statements, reports of AI-written questions, the
// reflection, and the attempt's outcome. It knows nothing of Fyne or
// terminals: the window process (cmd/tidbit-ui) connects it to the cards in
// widgets/, and app/lessonflow/terminal is `tidbit learn`'s line-based front
// end.
//
// A Run is safe for use from one goroutine at a time; the window process
// serialises its writes through one writer goroutine so a slow disk never
// blocks the UI thread.
package lessonflow

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/tidbit-learn/tidbit/app/learn"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

// Outcomes of an attempt, as app/store records them.
const (
	Completed = "completed"
	Abandoned = "abandoned" // stopped part way through the quiz
	Later     = "later"     // held for another moment
	NotForMe  = "not-for-me"
)

// Flow starts runs. Store, Taxonomy and Picker are required.
type Flow struct {
	Store    *store.Store
	Taxonomy *assets.Taxonomy
	Picker   learn.Picker
	// Cards schedules each first answer for spaced repetition; nil records
	// answers without review state.
	Cards learn.CardScheduler
	// Outbox describes the attempt, each recorded answer and the result as
	// statements (xAPI) written in the same transaction; nil queues nothing.
	Outbox learn.Outbox
	Now    func() time.Time // nil: time.Now
	NewID  func() string    // nil: random UUIDs
	Source string           // recorded with the attempt; "" means "desktop"
	// FullQuiz asks every authored question of a lesson (plus up to
	// learn.MaxAIPerQuiz AI-written ones) instead of a pop-up's
	// learn.QuizSize: the terminal session has always quizzed the whole
	// lesson.
	FullQuiz bool
}

// Grader applies an explicit spaced-repetition grade (1 Again, 2 Hard,
// 3 Good, 4 Easy) to a question's card; known is false for a question
// without a card. storepick.Cards implements it. A Flow whose Cards is not
// a Grader schedules a graded review as right (Hard or better) or wrong.
type Grader interface {
	Grade(prev store.SRSCard, known bool, grade int, at time.Time) (store.SRSCard, error)
}

// Item is what a window shows: plain data, no store types beyond the
// question and reflection content.
type Item struct {
	LessonID   string
	Title      string
	Minutes    int
	Meta       string            // skill names and kind, e.g. "Time management · lesson"
	Why        string            // the picker's reason; empty for a lesson asked for by id
	Body       string            // Markdown
	Review     bool              // a spaced-repetition review: only the due questions, no lesson text
	Questions  []store.Question  // the quiz: learn.QuizQuestions (authored, then verified AI-written ones)
	Reflection *store.Reflection // nil for none; never set on a review
}

// Run is one attempt at an item.
type Run struct {
	Item
	AttemptID string

	f        *Flow
	lesson   store.Lesson  // as loaded, for the outbox's statements
	attempt  store.Attempt // as started
	mu       sync.Mutex
	started  time.Time
	asked    map[string]time.Time
	graded   map[string]bool // questions graded in this run (Grade)
	answered int
	correct  int
	finished bool
}

// ErrFinished is returned for writes to a run that has been finished.
var ErrFinished = errors.New("this lesson attempt is already finished")

func (f *Flow) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func (f *Flow) newID() string {
	if f.NewID != nil {
		return f.NewID()
	}
	return uuid.NewString()
}

// Start picks the next item (or loads lessonID when not empty) and starts
// its attempt in the store.
func (f *Flow) Start(ctx context.Context, lessonID string) (*Run, error) {
	if f.Store == nil || f.Taxonomy == nil || (f.Picker == nil && lessonID == "") {
		return nil, errors.New("lessonflow: store, taxonomy and picker are required")
	}
	var pick learn.Pick
	if lessonID == "" {
		p, err := f.Picker.Next(ctx)
		if err != nil {
			return nil, fmt.Errorf("picking the next lesson: %w", err)
		}
		pick = p
	} else {
		pick.LessonID = lessonID
	}
	l, err := f.Store.Lesson(ctx, pick.LessonID)
	if err != nil {
		return nil, fmt.Errorf("loading lesson %s: %w", pick.LessonID, err)
	}
	started := f.now()
	size := learn.QuizSize
	if f.FullQuiz {
		size = len(l.Questions) + learn.MaxAIPerQuiz
	}
	r := &Run{f: f, AttemptID: f.newID(), started: started, asked: map[string]time.Time{}, graded: map[string]bool{}}
	r.Item = Item{LessonID: l.ID, Title: l.Title, Minutes: l.Minutes, Meta: f.meta(l), Why: pick.Reason,
		Body: l.Body, Review: pick.Review, Questions: learn.QuizQuestions(l, size), Reflection: l.Reflection}
	kind := "lesson"
	if pick.Review {
		kind = "review"
		r.Reflection = nil
		if r.Questions, err = learn.DueQuestions(ctx, f.Store, r.Questions, started); err != nil {
			return nil, err
		}
	}
	src := f.Source
	if src == "" {
		src = "desktop"
	}
	r.lesson = l
	r.attempt = store.Attempt{ID: r.AttemptID, LessonID: l.ID, Kind: kind, StartedAt: started, Source: src}
	if f.Outbox != nil {
		r.attempt.Outbox = f.Outbox.Started(l, r.attempt)
	}
	if err := f.Store.StartAttempt(ctx, r.attempt); err != nil {
		return nil, fmt.Errorf("starting lesson %s: %w", l.ID, err)
	}
	r.attempt.Outbox = nil
	return r, nil
}

func (f *Flow) meta(l store.Lesson) string {
	var skills []string
	for _, id := range l.Skills {
		if sk, ok := f.Taxonomy.Skill(id); ok {
			skills = append(skills, sk.Name)
		} else {
			skills = append(skills, id)
		}
	}
	parts := []string{}
	if len(skills) > 0 {
		parts = append(parts, strings.Join(skills, ", "))
	}
	if l.Kind != "" {
		parts = append(parts, l.Kind)
	}
	return strings.Join(parts, " · ")
}

// Shown marks the moment a question appeared, for the answer's duration.
func (r *Run) Shown(questionID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.asked[questionID] = r.f.now()
}

// Answer records the first answer to a question, with its next review card
// when the flow has a scheduler, in one durable transaction, and returns
// whether it was right. The store decides correctness from the stored
// options, not the window. Retries of missed questions (round > 1) are
// practice right after seeing the answer: they are checked but not
// recorded, so they neither inflate mastery nor reset review intervals.
func (r *Run) Answer(ctx context.Context, questionID string, chosen []int, round int) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.finished {
		return false, ErrFinished
	}
	var q *store.Question
	for i := range r.Questions {
		if r.Questions[i].ID == questionID {
			q = &r.Questions[i]
		}
	}
	if q == nil {
		return false, fmt.Errorf("question %s is not part of lesson %s", questionID, r.LessonID)
	}
	chosen = append([]int(nil), chosen...)
	sort.Ints(chosen)
	for _, c := range chosen {
		if c < 0 || c >= len(q.Options) {
			return false, fmt.Errorf("question %s has no option %d", questionID, c+1)
		}
	}
	ok := learn.IsCorrect(*q, chosen)
	if round > 1 {
		return ok, nil
	}
	now := r.f.now()
	asked, seen := r.asked[questionID]
	if !seen {
		asked = now
	}
	ans := store.Answer{ID: r.f.newID(), AttemptID: r.AttemptID, QuestionID: q.ID, QuestionHash: q.ContentHash,
		Chosen: chosen, Correct: ok, AnsweredAt: now, Duration: now.Sub(asked)}
	if r.f.Cards != nil {
		prev, known, err := r.f.Store.SRSCard(ctx, q.ID)
		if err != nil {
			return ok, fmt.Errorf("reading the review card of %s: %w", q.ID, err)
		}
		card, err := r.f.Cards.Next(prev, known, ok, now)
		if err != nil {
			return ok, err
		}
		card.QuestionID = q.ID
		ans.Card = &card
	}
	if r.f.Outbox != nil {
		ans.Outbox = r.f.Outbox.Answered(r.lesson, *q, ans)
	}
	if err := r.f.Store.RecordAnswer(ctx, ans); err != nil {
		return ok, fmt.Errorf("saving your answer: %w", err)
	}
	r.answered++
	if ok {
		r.correct++
	}
	return ok, nil
}

// Grade records a self-graded review of a question — the learner saw the
// prompt, then the answer, and said how well they recalled it: grade 1
// Again, 2 Hard, 3 Good or 4 Easy — with the question's next review card
// from that grade, in one durable transaction. The answer is stored with
// Rating = grade (quiz answers have none), no chosen options, and Correct
// when the grade is Hard or better (recalled, if with effort), so mastery
// and the counts read it like a quiz answer. Each question is graded once
// per run.
func (r *Run) Grade(ctx context.Context, questionID string, grade int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.finished {
		return ErrFinished
	}
	if grade < 1 || grade > 4 {
		return fmt.Errorf("grade %d of question %s is not 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)", grade, questionID)
	}
	var q *store.Question
	for i := range r.Questions {
		if r.Questions[i].ID == questionID {
			q = &r.Questions[i]
		}
	}
	if q == nil {
		return fmt.Errorf("question %s is not part of lesson %s", questionID, r.LessonID)
	}
	if r.graded[q.ID] {
		return fmt.Errorf("question %s was already graded in this review", q.ID)
	}
	ok := grade >= 2
	now := r.f.now()
	asked, seen := r.asked[questionID]
	if !seen {
		asked = now
	}
	ans := store.Answer{ID: r.f.newID(), AttemptID: r.AttemptID, QuestionID: q.ID, QuestionHash: q.ContentHash,
		Chosen: []int{}, Correct: ok, Rating: grade, AnsweredAt: now, Duration: now.Sub(asked)}
	if r.f.Cards != nil {
		prev, known, err := r.f.Store.SRSCard(ctx, q.ID)
		if err != nil {
			return fmt.Errorf("reading the review card of %s: %w", q.ID, err)
		}
		var card store.SRSCard
		if g, isGrader := r.f.Cards.(Grader); isGrader {
			card, err = g.Grade(prev, known, grade, now)
		} else {
			card, err = r.f.Cards.Next(prev, known, ok, now)
		}
		if err != nil {
			return err
		}
		card.QuestionID = q.ID
		ans.Card = &card
	}
	if r.f.Outbox != nil {
		ans.Outbox = r.f.Outbox.Answered(r.lesson, *q, ans)
	}
	if err := r.f.Store.RecordAnswer(ctx, ans); err != nil {
		return fmt.Errorf("saving your review of %s: %w", q.ID, err)
	}
	r.graded[q.ID] = true
	r.answered++
	if ok {
		r.correct++
	}
	return nil
}

// Report retires an AI-written question of this run that the learner
// reported as bad, so it is never asked again (its answers stay in the
// log). Authored questions are not reported here: the pack's author owns
// them. Reporting works before and after Finish.
func (r *Run) Report(ctx context.Context, questionID string) error {
	r.mu.Lock()
	var q *store.Question
	for i := range r.Questions {
		if r.Questions[i].ID == questionID {
			q = &r.Questions[i]
		}
	}
	r.mu.Unlock()
	switch {
	case q == nil:
		return fmt.Errorf("question %s is not part of lesson %s", questionID, r.LessonID)
	case q.AI == nil:
		return fmt.Errorf("question %s was written by the pack's author; only AI-written questions can be reported", questionID)
	}
	if err := r.f.Store.RetireQuestion(ctx, questionID, store.ReasonReported); err != nil {
		return fmt.Errorf("reporting question %s: %w", questionID, err)
	}
	return nil
}

// Reflect records the learner's free-text answer; blank text records
// nothing.
func (r *Run) Reflect(ctx context.Context, text string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.finished {
		return ErrFinished
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	err := r.f.Store.RecordReflection(ctx, store.ReflectionAnswer{ID: r.f.newID(), AttemptID: r.AttemptID,
		LessonID: r.LessonID, Text: text, AnsweredAt: r.f.now()})
	if err != nil {
		return fmt.Errorf("saving your reflection: %w", err)
	}
	return nil
}

// Counts are the recorded answers so far.
func (r *Run) Counts() (correct, answered int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.correct, r.answered
}

// Finish closes the attempt with an outcome; only the first call writes.
func (r *Run) Finish(ctx context.Context, outcome string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.finished {
		return nil
	}
	switch outcome {
	case Completed, Abandoned, Later, NotForMe:
	default:
		return fmt.Errorf("unknown outcome %q", outcome)
	}
	now := r.f.now()
	res := store.AttemptResult{AttemptID: r.AttemptID, FinishedAt: now, Outcome: outcome,
		Seconds: int(now.Sub(r.started).Seconds()), Correct: r.correct, Answered: r.answered}
	if r.f.Outbox != nil {
		res.Outbox = r.f.Outbox.Finished(r.lesson, r.attempt, res)
	}
	if err := r.f.Store.FinishAttempt(ctx, res); err != nil {
		return fmt.Errorf("finishing lesson %s: %w", r.LessonID, err)
	}
	r.finished = true
	return nil
}
