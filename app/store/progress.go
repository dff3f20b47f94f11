package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Attempt is the start of one learning activity on a lesson.
type Attempt struct {
	ID        string // UUID chosen by the caller, so a retried write is a no-op
	LessonID  string
	Kind      string // lesson, quiz, review, reflection
	StartedAt time.Time
	Source    string
	MomentID  int64 // 0: none
	// Outbox holds statements describing this record (xAPI); they are
	// written in the same transaction, and only when the record is new,
	// so a statement never exists without its progress or the reverse.
	Outbox []OutboxItem
}

// Answer is one answered question.
type Answer struct {
	ID           string // UUID chosen by the caller
	AttemptID    string
	QuestionID   string
	QuestionHash string
	Chosen       []int // option indexes, 0-based
	Correct      bool
	Rating       int // 1..4 spaced-repetition grade; 0: none
	AnsweredAt   time.Time
	Duration     time.Duration
	// Card, when set, is the question's new spaced-repetition state; it is
	// written in the same transaction as the answer, so the two never
	// disagree after a crash.
	Card *SRSCard
	// Outbox: as Attempt.Outbox.
	Outbox []OutboxItem
}

// AttemptResult closes an attempt.
type AttemptResult struct {
	AttemptID  string
	FinishedAt time.Time
	Outcome    string // completed, abandoned, not-for-me, later
	Seconds    int
	Correct    int
	Answered   int
	// Outbox: as Attempt.Outbox; a later result that is ignored enqueues
	// nothing either.
	Outbox []OutboxItem
}

// StartAttempt records the start of an attempt. Writing the same id twice
// is harmless.
func (s *Store) StartAttempt(ctx context.Context, a Attempt) error {
	var moment any
	if a.MomentID != 0 {
		moment = a.MomentID
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `INSERT INTO attempts(id, lesson_id, kind, started_at, source, moment_id)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
			a.ID, a.LessonID, a.Kind, ms(a.StartedAt), a.Source, moment)
		if err != nil {
			return fmt.Errorf("recording attempt on %s: %w", a.LessonID, err)
		}
		return s.enqueueIfNew(ctx, tx, r, a.Outbox)
	})
}

// RecordAnswer appends an answer. When it returns nil the answer is on disk
// (synchronous=FULL): a crash or kill right after loses nothing. Writing the
// same id twice is harmless.
func (s *Store) RecordAnswer(ctx context.Context, a Answer) error {
	if a.Chosen == nil {
		a.Chosen = []int{}
	}
	chosen, _ := json.Marshal(a.Chosen)
	var rating any
	if a.Rating != 0 {
		rating = a.Rating
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `INSERT INTO answers(id, attempt_id, question_id, question_hash, chosen, correct, rating,
			  answered_at, duration_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
			a.ID, a.AttemptID, a.QuestionID, a.QuestionHash, string(chosen), a.Correct, rating, ms(a.AnsweredAt),
			a.Duration.Milliseconds())
		if err != nil {
			return fmt.Errorf("recording answer to %s: %w", a.QuestionID, err)
		}
		if err := s.enqueueIfNew(ctx, tx, r, a.Outbox); err != nil {
			return err
		}
		if a.Card != nil {
			c := *a.Card
			c.QuestionID = a.QuestionID
			return saveCard(ctx, tx, c, s.now())
		}
		return nil
	})
}

// FinishAttempt records how an attempt ended. Only the first result of an
// attempt counts; later ones are ignored.
func (s *Store) FinishAttempt(ctx context.Context, r AttemptResult) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO attempt_results(attempt_id, finished_at, outcome, seconds, correct, answered)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(attempt_id) DO NOTHING`,
			r.AttemptID, ms(r.FinishedAt), r.Outcome, r.Seconds, r.Correct, r.Answered)
		if err != nil {
			return fmt.Errorf("finishing attempt %s: %w", r.AttemptID, err)
		}
		return s.enqueueIfNew(ctx, tx, res, r.Outbox)
	})
}

// enqueueIfNew writes items to the outbox inside tx when the insert that
// produced res added a row; a repeated write of the same record adds no
// statements (and its own would have the same ids anyway).
func (s *Store) enqueueIfNew(ctx context.Context, tx *sql.Tx, res sql.Result, items []OutboxItem) error {
	if len(items) == 0 {
		return nil
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	now := s.now()
	for _, it := range items {
		if err := EnqueueTx(ctx, tx, it, now); err != nil {
			return err
		}
	}
	return nil
}

// AnswersOf returns the answers of one attempt in the order given.
func (s *Store) AnswersOf(ctx context.Context, attemptID string) ([]Answer, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, attempt_id, question_id, question_hash, chosen, correct,
		COALESCE(rating, 0), answered_at, duration_ms FROM answers WHERE attempt_id = ? ORDER BY answered_at, rowid`, attemptID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Answer
	for rows.Next() {
		var a Answer
		var chosen string
		var at, dur int64
		if err := rows.Scan(&a.ID, &a.AttemptID, &a.QuestionID, &a.QuestionHash, &chosen, &a.Correct, &a.Rating, &at, &dur); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(chosen), &a.Chosen); err != nil {
			return nil, fmt.Errorf("answer %s: stored choice: %w", a.ID, err)
		}
		a.AnsweredAt = fromMS(at)
		a.Duration = time.Duration(dur) * time.Millisecond
		out = append(out, a)
	}
	return out, rows.Err()
}

// LessonProgress is what the learner has done with one lesson.
type LessonProgress struct {
	LessonID      string
	Completed     int
	LastCompleted time.Time
	Answered      int
	Correct       int
}

// Progress returns per-lesson progress for every lesson the learner touched.
func (s *Store) Progress(ctx context.Context) (map[string]LessonProgress, error) {
	out := map[string]LessonProgress{}
	rows, err := s.db.QueryContext(ctx, `SELECT a.lesson_id, count(*), max(r.finished_at)
		FROM attempts a JOIN attempt_results r ON r.attempt_id = a.id
		WHERE r.outcome = 'completed' GROUP BY a.lesson_id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p LessonProgress
		var last int64
		if err := rows.Scan(&p.LessonID, &p.Completed, &last); err != nil {
			rows.Close()
			return nil, err
		}
		p.LastCompleted = fromMS(last)
		out[p.LessonID] = p
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, `SELECT q.lesson_id, count(*), sum(a.correct)
		FROM answers a JOIN questions q ON q.id = a.question_id GROUP BY q.lesson_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n, c int
		if err := rows.Scan(&id, &n, &c); err != nil {
			return nil, err
		}
		p := out[id]
		p.LessonID, p.Answered, p.Correct = id, n, c
		out[id] = p
	}
	return out, rows.Err()
}

// LastLesson returns the lesson of the most recent attempt ("" if none).
func (s *Store) LastLesson(ctx context.Context) (string, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT lesson_id FROM attempts ORDER BY started_at DESC, rowid DESC LIMIT 1`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}

// SkillStat is the learner's record on one skill.
type SkillStat struct {
	Skill    string `json:"skill"`
	Name     string `json:"name"`
	Category string `json:"category"`
	Kind     string `json:"kind"`
	Answered int    `json:"answered"`
	Correct  int    `json:"correct"`
}

// Stats summarises progress for `tidbit stats` and the tray.
type Stats struct {
	LessonsAvailable int         `json:"lessons_available"`
	LessonsCompleted int         `json:"lessons_completed"` // distinct lessons
	Sessions         int         `json:"sessions_completed"`
	Answered         int         `json:"questions_answered"`
	Correct          int         `json:"questions_correct"`
	MinutesThisWeek  float64     `json:"minutes_this_week"`
	MinutesTotal     float64     `json:"minutes_total"`
	StreakDays       int         `json:"streak_days"`
	ActiveDays       int         `json:"active_days"`
	TodayCompleted   int         `json:"today_completed"`
	Skills           []SkillStat `json:"skills"`
}

// Stats computes the summary as of now, with days and weeks in loc. It
// reads the derived tables (lesson_progress, skill_progress) and bucketed
// times, so it stays fast with a long history.
func (s *Store) Stats(ctx context.Context, now time.Time, loc *time.Location) (Stats, error) {
	var st Stats
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM lessons WHERE retired = 0`).Scan(&st.LessonsAvailable); err != nil {
		return st, err
	}
	if err := s.db.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(completed), 0) FROM lesson_progress WHERE completed > 0`).
		Scan(&st.LessonsCompleted, &st.Sessions); err != nil {
		return st, err
	}
	var secs sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT sum(seconds) FROM attempt_results WHERE outcome = 'completed'`).Scan(&secs); err != nil {
		return st, err
	}
	st.MinutesTotal = float64(secs.Int64) / 60
	var correct sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT count(*), sum(correct) FROM answers`).Scan(&st.Answered, &correct); err != nil {
		return st, err
	}
	st.Correct = int(correct.Int64)

	local := now.In(loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	weekday := (int(today.Weekday()) + 6) % 7 // Monday = 0
	weekStart := today.AddDate(0, 0, -weekday)
	secs = sql.NullInt64{}
	if err := s.db.QueryRowContext(ctx, `SELECT sum(seconds) FROM attempt_results WHERE finished_at >= ? AND outcome = 'completed'`,
		ms(weekStart)).Scan(&secs); err != nil {
		return st, err
	}
	st.MinutesThisWeek = float64(secs.Int64) / 60

	// Days with at least one completed activity, in the learner's calendar.
	// SQLite buckets the times into quarter hours (every UTC offset in use is
	// a multiple of 15 minutes), so Go converts a few thousand buckets a
	// year to local days instead of every activity.
	const bucket = 15 * 60 * 1000
	rows, err := s.db.QueryContext(ctx, `SELECT finished_at / ? AS b, count(*) FROM attempt_results WHERE outcome = 'completed' GROUP BY b`, bucket)
	if err != nil {
		return st, err
	}
	days := map[string]bool{}
	todayKey := today.Format(time.DateOnly)
	for rows.Next() {
		var b int64
		var n int
		if err := rows.Scan(&b, &n); err != nil {
			rows.Close()
			return st, err
		}
		d := fromMS(b * bucket).In(loc).Format(time.DateOnly)
		days[d] = true
		if d == todayKey {
			st.TodayCompleted += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, err
	}
	st.ActiveDays = len(days)
	// The streak counts back from today, or from yesterday when nothing is
	// done yet today: an unfinished today does not break it.
	d := today
	if !days[d.Format(time.DateOnly)] {
		d = d.AddDate(0, 0, -1)
	}
	for days[d.Format(time.DateOnly)] {
		st.StreakDays++
		d = d.AddDate(0, 0, -1)
	}

	st.Skills, err = s.SkillRecords(ctx)
	return st, err
}

// SkillRecords is the learner's record per skill (answers to questions of
// lessons whose main skill it is), from the derived skill_progress table.
func (s *Store) SkillRecords(ctx context.Context) ([]SkillStat, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT sp.skill_id, COALESCE(sk.name, sp.skill_id), COALESCE(sk.category_id, ''),
		COALESCE(sk.kind, ''), sp.answered, sp.correct
		FROM skill_progress sp LEFT JOIN skills sk ON sk.id = sp.skill_id
		WHERE sp.answered > 0 ORDER BY sk.category_id, sp.skill_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []SkillStat{}
	for rows.Next() {
		var k SkillStat
		if err := rows.Scan(&k.Skill, &k.Name, &k.Category, &k.Kind, &k.Answered, &k.Correct); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// ReflectionAnswer is a free-text answer to a scenario or reflection prompt.
type ReflectionAnswer struct {
	ID         string
	AttemptID  string
	LessonID   string
	Text       string
	AnsweredAt time.Time
}

// RecordReflection appends a free-text answer; the same id twice is one.
func (s *Store) RecordReflection(ctx context.Context, r ReflectionAnswer) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO reflections(id, attempt_id, lesson_id, text, answered_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT(id) DO NOTHING`, r.ID, r.AttemptID, r.LessonID, r.Text, ms(r.AnsweredAt))
		if err != nil {
			return fmt.Errorf("recording reflection on %s: %w", r.LessonID, err)
		}
		return nil
	})
}
