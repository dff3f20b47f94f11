package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SRSCard is the spaced-repetition state of one question. The learner
// model (FSRS-6) computes it; the store only keeps it.
type SRSCard struct {
	QuestionID    string
	State         string // new, learning, review, relearning
	Due           time.Time
	Stability     float64
	Difficulty    float64
	Reps          int
	Lapses        int
	Step          int
	ScheduledDays int
	LastReview    time.Time // zero: never reviewed
}

// SRSCard returns a question's card; ok is false when it has none yet.
func (s *Store) SRSCard(ctx context.Context, questionID string) (SRSCard, bool, error) {
	c := SRSCard{QuestionID: questionID}
	var due int64
	var last sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT state, due, stability, difficulty, reps, lapses, step, scheduled_days, last_review
		FROM srs_state WHERE question_id = ?`, questionID).Scan(&c.State, &due, &c.Stability, &c.Difficulty, &c.Reps, &c.Lapses,
		&c.Step, &c.ScheduledDays, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	if err != nil {
		return c, false, err
	}
	c.Due, c.LastReview = fromMS(due), nullMS(last)
	return c, true, nil
}

func saveCard(ctx context.Context, tx *sql.Tx, c SRSCard, now time.Time) error {
	var last any
	if !c.LastReview.IsZero() {
		last = ms(c.LastReview)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO srs_state(question_id, state, due, stability, difficulty, reps, lapses, step,
		  scheduled_days, last_review, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(question_id) DO UPDATE SET state = excluded.state, due = excluded.due, stability = excluded.stability,
		  difficulty = excluded.difficulty, reps = excluded.reps, lapses = excluded.lapses, step = excluded.step,
		  scheduled_days = excluded.scheduled_days, last_review = excluded.last_review, updated_at = excluded.updated_at`,
		c.QuestionID, c.State, ms(c.Due), c.Stability, c.Difficulty, c.Reps, c.Lapses, c.Step, c.ScheduledDays, last, ms(now))
	if err != nil {
		return fmt.Errorf("saving review state of %s: %w", c.QuestionID, err)
	}
	return nil
}

// LessonCards are the cards of one lesson's active questions.
type LessonCards struct {
	LessonID string
	Cards    []SRSCard
}

// Cards returns the cards of every active question that has one, grouped by
// lesson, for the review scheduler.
func (s *Store) Cards(ctx context.Context) ([]LessonCards, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT q.lesson_id, c.question_id, c.state, c.due, c.stability, c.difficulty, c.reps,
		c.lapses, c.step, c.scheduled_days, c.last_review
		FROM srs_state c JOIN questions q ON q.id = c.question_id
		JOIN lessons l ON l.id = q.lesson_id
		WHERE q.retired = 0 AND l.retired = 0 ORDER BY q.lesson_id, q.ord`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LessonCards
	for rows.Next() {
		var lesson string
		var c SRSCard
		var due int64
		var last sql.NullInt64
		if err := rows.Scan(&lesson, &c.QuestionID, &c.State, &due, &c.Stability, &c.Difficulty, &c.Reps, &c.Lapses, &c.Step,
			&c.ScheduledDays, &last); err != nil {
			return nil, err
		}
		c.Due, c.LastReview = fromMS(due), nullMS(last)
		if len(out) == 0 || out[len(out)-1].LessonID != lesson {
			out = append(out, LessonCards{LessonID: lesson})
		}
		out[len(out)-1].Cards = append(out[len(out)-1].Cards, c)
	}
	return out, rows.Err()
}

// AnswerEvent is one answer as the learner models replay it.
type AnswerEvent struct {
	Seq        int64 // increasing in the order answers were written
	QuestionID string
	Skill      string // the main skill of the question's lesson
	Correct    bool
	Rating     int // 1..4 when the learner graded it on a review card; 0 for a quiz answer
	At         time.Time
}

// AnswersAfter calls fn for every answer written after seq (0: all), in
// the order they were written, and returns the last seq seen. Models keep
// their state and replay only what is new.
func (s *Store) AnswersAfter(ctx context.Context, seq int64, fn func(AnswerEvent) error) (int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT a.rowid, a.question_id, COALESCE(ls.skill_id, ''), a.correct, COALESCE(a.rating, 0), a.answered_at
		FROM answers a JOIN questions q ON q.id = a.question_id
		LEFT JOIN lesson_skills ls ON ls.lesson_id = q.lesson_id AND ls.ord = 0
		WHERE a.rowid > ? ORDER BY a.rowid`, seq)
	if err != nil {
		return seq, err
	}
	defer rows.Close()
	for rows.Next() {
		var e AnswerEvent
		var at int64
		if err := rows.Scan(&e.Seq, &e.QuestionID, &e.Skill, &e.Correct, &e.Rating, &at); err != nil {
			return seq, err
		}
		e.At = fromMS(at)
		if err := fn(e); err != nil {
			return seq, err
		}
		seq = e.Seq
	}
	return seq, rows.Err()
}

// AnswerCount is the number of answers in the log.
func (s *Store) AnswerCount(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM answers`).Scan(&n)
	return n, err
}
