package store

import (
	"context"
	"time"
)

// Activity is one completed attempt, for reports.
type Activity struct {
	LessonID   string
	Kind       string // lesson, quiz, review, reflection
	FinishedAt time.Time
	Seconds    int
	Correct    int
	Answered   int
}

// ActivityBetween returns the completed attempts that finished in
// [from, to), oldest first.
func (s *Store) ActivityBetween(ctx context.Context, from, to time.Time) ([]Activity, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT a.lesson_id, a.kind, r.finished_at, r.seconds, r.correct, r.answered
		FROM attempt_results r JOIN attempts a ON a.id = r.attempt_id
		WHERE r.outcome = 'completed' AND r.finished_at >= ? AND r.finished_at < ?
		ORDER BY r.finished_at, r.attempt_id`, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Activity
	for rows.Next() {
		var a Activity
		var at int64
		if err := rows.Scan(&a.LessonID, &a.Kind, &at, &a.Seconds, &a.Correct, &a.Answered); err != nil {
			return nil, err
		}
		a.FinishedAt = fromMS(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// ReflectionsBetween returns the free-text answers written in [from, to),
// oldest first. They are private: only a report the learner opts into
// reads them.
func (s *Store) ReflectionsBetween(ctx context.Context, from, to time.Time) ([]ReflectionAnswer, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, attempt_id, lesson_id, text, answered_at FROM reflections
		WHERE answered_at >= ? AND answered_at < ? ORDER BY answered_at, id`, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReflectionAnswer
	for rows.Next() {
		var r ReflectionAnswer
		var at int64
		if err := rows.Scan(&r.ID, &r.AttemptID, &r.LessonID, &r.Text, &at); err != nil {
			return nil, err
		}
		r.AnsweredAt = fromMS(at)
		out = append(out, r)
	}
	return out, rows.Err()
}
