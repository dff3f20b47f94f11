package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Assignment is work a mentor or manager handed the learner: lessons and
// skills to cover by a date (app/assign reads the files).
type Assignment struct {
	ID           string
	From         string
	Title        string
	Note         string
	Due          time.Time
	CreatedAt    time.Time // when it was imported; only later completions count
	ImportedFrom string
	DoneAt       time.Time // zero: not done yet
	DismissedAt  time.Time // zero: active
	Items        []AssignmentItem
}

// AssignmentItem is one assigned lesson (LessonID) or skill (SkillID).
type AssignmentItem struct {
	LessonID string
	SkillID  string
	// Lessons is, for a skill, how many distinct lessons of the skill
	// complete it; Level (1-5, 0 none) a mastery level that completes it
	// too. Both are 0 for a lesson item.
	Lessons int
	Level   int
}

// ErrAssignmentExists is returned when an assignment id is already stored.
var ErrAssignmentExists = errors.New("assignment already imported")

// AssignmentReceived reports when the assignment with this id was
// imported, if it was.
func (s *Store) AssignmentReceived(ctx context.Context, id string) (time.Time, bool, error) {
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT created_at FROM assignments WHERE id = ?`, id).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	return fromMS(at), true, nil
}

// AddAssignment stores an assignment and its items in one transaction. An
// id that exists already is refused with ErrAssignmentExists and nothing
// is written. CreatedAt zero means now.
func (s *Store) AddAssignment(ctx context.Context, a Assignment) error {
	if a.CreatedAt.IsZero() {
		a.CreatedAt = s.now()
	}
	if len(a.Items) == 0 {
		return fmt.Errorf("assignment %s: no lessons or skills", a.ID)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `INSERT INTO assignments(id, from_name, title, note, due, created_at, imported_from)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
			a.ID, a.From, a.Title, a.Note, ms(a.Due), ms(a.CreatedAt), a.ImportedFrom)
		if err != nil {
			return fmt.Errorf("storing assignment %s: %w", a.ID, err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return fmt.Errorf("assignment %s: %w", a.ID, ErrAssignmentExists)
		}
		for i, it := range a.Items {
			var lesson, skill, level any
			if it.LessonID != "" {
				lesson = it.LessonID
			} else {
				skill = it.SkillID
			}
			if it.Level > 0 {
				level = it.Level
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO assignment_items(assignment_id, ord, lesson_id, skill_id, lessons, target_level)
				VALUES (?, ?, ?, ?, ?, ?)`, a.ID, i, lesson, skill, it.Lessons, level); err != nil {
				return fmt.Errorf("storing assignment %s, item %d: %w", a.ID, i+1, err)
			}
		}
		return nil
	})
}

// Assignments returns every stored assignment with its items, soonest due
// first (ties by id).
func (s *Store) Assignments(ctx context.Context) ([]Assignment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, from_name, title, note, due, created_at, imported_from, done_at, dismissed_at
		FROM assignments ORDER BY due, id`)
	if err != nil {
		return nil, err
	}
	var out []Assignment
	idx := map[string]int{}
	for rows.Next() {
		var a Assignment
		var due, created int64
		var done, dismissed sql.NullInt64
		if err := rows.Scan(&a.ID, &a.From, &a.Title, &a.Note, &due, &created, &a.ImportedFrom, &done, &dismissed); err != nil {
			rows.Close()
			return nil, err
		}
		a.Due, a.CreatedAt, a.DoneAt, a.DismissedAt = fromMS(due), fromMS(created), nullMS(done), nullMS(dismissed)
		idx[a.ID] = len(out)
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT assignment_id, COALESCE(lesson_id, ''), COALESCE(skill_id, ''), lessons,
		COALESCE(target_level, 0) FROM assignment_items ORDER BY assignment_id, ord`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var it AssignmentItem
		if err := rows.Scan(&id, &it.LessonID, &it.SkillID, &it.Lessons, &it.Level); err != nil {
			return nil, err
		}
		if i, ok := idx[id]; ok {
			out[i].Items = append(out[i].Items, it)
		}
	}
	return out, rows.Err()
}

// MarkAssignmentDone records when an assignment was done. The first time
// wins: a later call does not move it.
func (s *Store) MarkAssignmentDone(ctx context.Context, id string, at time.Time) error {
	return s.setAssignmentTime(ctx, id, "done_at", at)
}

// DismissAssignment sets an assignment aside: it stays listed but no
// longer steers the picks.
func (s *Store) DismissAssignment(ctx context.Context, id string, at time.Time) error {
	return s.setAssignmentTime(ctx, id, "dismissed_at", at)
}

func (s *Store) setAssignmentTime(ctx context.Context, id, col string, at time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM assignments WHERE id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("assignment %q: %w", id, ErrNotFound)
		}
		// col is one of two constants above, never input.
		_, err := tx.ExecContext(ctx, `UPDATE assignments SET `+col+` = ? WHERE id = ? AND `+col+` IS NULL`, ms(at), id)
		return err
	})
}

// Completion is a lesson's first completion at or after some time.
type Completion struct {
	LessonID string
	At       time.Time
}

// CompletedSince returns, for every lesson completed at or after since,
// its first such completion, oldest first. skill, when not empty, limits
// it to lessons tagged with that skill (in any position).
func (s *Store) CompletedSince(ctx context.Context, since time.Time, skill string) ([]Completion, error) {
	q := `SELECT a.lesson_id, min(r.finished_at) AS t FROM attempts a JOIN attempt_results r ON r.attempt_id = a.id
		WHERE r.outcome = 'completed' AND r.finished_at >= ?`
	args := []any{ms(since)}
	if skill != "" {
		q += ` AND a.lesson_id IN (SELECT lesson_id FROM lesson_skills WHERE skill_id = ?)`
		args = append(args, skill)
	}
	q += ` GROUP BY a.lesson_id ORDER BY t, a.lesson_id`
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Completion
	for rows.Next() {
		var c Completion
		var at int64
		if err := rows.Scan(&c.LessonID, &at); err != nil {
			return nil, err
		}
		c.At = fromMS(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// AssignmentProgress is an assignment with what the learner did of it.
type AssignmentProgress struct {
	Assignment
	Progress []ItemProgress // one per Assignment.Items, in order
}

// ItemProgress is the state of one item. For a lesson, Done is its first
// completion after the assignment arrived; for a skill, Lessons lists the
// skill's lessons completed since (oldest first) and Done is set when
// there are Item.Lessons of them (the mastery rule is app/assign's, which
// has the learner model).
type ItemProgress struct {
	Item    AssignmentItem
	Lessons []Completion
	Done    time.Time
}

// AssignmentsWithProgress lists every assignment with per-item progress
// counted from the assignment's arrival, soonest due first.
func (s *Store) AssignmentsWithProgress(ctx context.Context) ([]AssignmentProgress, error) {
	as, err := s.Assignments(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]AssignmentProgress, 0, len(as))
	for _, a := range as {
		ap := AssignmentProgress{Assignment: a}
		for _, it := range a.Items {
			ip := ItemProgress{Item: it}
			if it.LessonID != "" {
				var at sql.NullInt64
				if err := s.db.QueryRowContext(ctx, `SELECT min(r.finished_at) FROM attempts a JOIN attempt_results r ON r.attempt_id = a.id
					WHERE a.lesson_id = ? AND r.outcome = 'completed' AND r.finished_at >= ?`, it.LessonID, ms(a.CreatedAt)).Scan(&at); err != nil {
					return nil, err
				}
				if at.Valid {
					ip.Done = fromMS(at.Int64)
					ip.Lessons = []Completion{{LessonID: it.LessonID, At: ip.Done}}
				}
			} else {
				ip.Lessons, err = s.CompletedSince(ctx, a.CreatedAt, it.SkillID)
				if err != nil {
					return nil, err
				}
				if it.Lessons > 0 && len(ip.Lessons) >= it.Lessons {
					ip.Done = ip.Lessons[it.Lessons-1].At
				}
			}
			ap.Progress = append(ap.Progress, ip)
		}
		out = append(out, ap)
	}
	return out, nil
}
