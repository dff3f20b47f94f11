package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/tidbit-learn/tidbit/assets"
)

// Pack is an imported lesson pack.
type Pack struct {
	ID          string
	Title       string
	Version     string
	Author      string
	Source      string
	ContentHash string
}

// Option is one answer option with its own explanation.
type Option struct {
	Text    string `json:"text"`
	Correct bool   `json:"correct"`
	Why     string `json:"why"`
}

// Question is a quiz question. ID is "<lesson id>/<question id>".
type Question struct {
	ID          string
	LessonID    string
	Ord         int
	Type        string // single, multiple, truefalse
	Prompt      string
	Options     []Option
	ContentHash string
	Version     int
	Provenance  string // JSON; empty for authored questions
	Retired     bool
	// AI is set for a question a local model wrote (see SaveAIQuiz).
	AI *AIProvenance
}

// Reflection is the free-text part of a scenario or reflection lesson.
type Reflection struct {
	Prompt      string   `json:"prompt"`
	ModelAnswer string   `json:"model_answer"`
	Rubric      []string `json:"rubric"`
}

// Lesson is a lesson with its questions.
type Lesson struct {
	ID            string
	PackID        string
	Title         string
	Kind          string // lesson, scenario, reflection
	Level         int
	Minutes       int
	Body          string
	Reflection    *Reflection
	Skills        []string // first is the main skill
	Prerequisites []string
	SourceFile    string
	Version       int
	ContentHash   string
	AIWritten     bool
	Questions     []Question // authored, in order
	// AIQuestions are the active, verified AI-written questions written
	// from the lesson's current text, oldest first; app/learn decides how
	// many of them a quiz uses.
	AIQuestions []Question
}

// ImportResult counts what an import changed.
type ImportResult struct {
	Pack                  string
	Added, Updated, Same  int
	QuestionsRetired      int
	AIQuestionsRetired    int      // AI-written questions of lessons whose text changed
	LessonsMissingFromNew []string // lessons of the pack's earlier version that this version lacks (kept, retired)
}

// SyncTaxonomy writes the categories, skills and roles of tax, adding new
// ones and renaming changed ones. Nothing is deleted: progress refers to ids.
func (s *Store) SyncTaxonomy(ctx context.Context, tax *assets.Taxonomy) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, c := range tax.Categories {
			if _, err := tx.ExecContext(ctx, `INSERT INTO categories(id, name) VALUES (?, ?)
				ON CONFLICT(id) DO UPDATE SET name = excluded.name`, c.ID, c.Name); err != nil {
				return err
			}
		}
		for _, sk := range tax.Skills {
			if _, err := tx.ExecContext(ctx, `INSERT INTO skills(id, name, category_id, kind) VALUES (?, ?, ?, ?)
				ON CONFLICT(id) DO UPDATE SET name = excluded.name, category_id = excluded.category_id, kind = excluded.kind`,
				sk.ID, sk.Name, sk.Category, string(sk.Kind)); err != nil {
				return err
			}
		}
		for _, r := range tax.Roles {
			if _, err := tx.ExecContext(ctx, `INSERT INTO roles(id, name) VALUES (?, ?)
				ON CONFLICT(id) DO UPDATE SET name = excluded.name`, r.ID, r.Name); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM role_skills WHERE role_id = ?`, r.ID); err != nil {
				return err
			}
			skills := make([]string, 0, len(r.Skills))
			for skill := range r.Skills {
				skills = append(skills, skill)
			}
			sort.Strings(skills)
			for _, skill := range skills {
				if _, err := tx.ExecContext(ctx, `INSERT INTO role_skills(role_id, skill_id, target_level) VALUES (?, ?, ?)`,
					r.ID, skill, r.Skills[skill]); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// KnownSkills returns the set of skill ids in the store.
func (s *Store) KnownSkills(ctx context.Context) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM skills`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// LessonOwners maps every stored lesson id to the pack that owns it.
func (s *Store) LessonOwners(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, pack_id FROM lessons`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, pack string
		if err := rows.Scan(&id, &pack); err != nil {
			return nil, err
		}
		out[id] = pack
	}
	return out, rows.Err()
}

// PackHash returns the content hash of a stored pack ("" when absent).
func (s *Store) PackHash(ctx context.Context, id string) (string, error) {
	var h string
	err := s.db.QueryRowContext(ctx, `SELECT content_hash FROM packs WHERE id = ?`, id).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return h, err
}

// ImportPack writes a validated pack in one transaction. Lessons and
// questions are matched by id: an unchanged one (same content hash) is left
// alone, a changed one is updated in place and its version bumped, so the
// learner's answers and review state, which refer to the ids, are kept.
// Questions that the new version no longer has are retired, not deleted.
// Callers validate first (app/content); the database's constraints are the
// last line of defence and any violation rolls back the whole import.
func (s *Store) ImportPack(ctx context.Context, p Pack, lessons []Lesson) (ImportResult, error) {
	res := ImportResult{Pack: p.ID}
	now := ms(s.now())
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res = ImportResult{Pack: p.ID}
		var owner string
		for _, l := range lessons {
			err := tx.QueryRowContext(ctx, `SELECT pack_id FROM lessons WHERE id = ?`, l.ID).Scan(&owner)
			if err == nil && owner != p.ID {
				return fmt.Errorf("%s: lesson id %q is already used by pack %q", l.SourceFile, l.ID, owner)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO packs(id, title, version, author, source, content_hash, imported_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET title = excluded.title, version = excluded.version, author = excluded.author,
			  source = excluded.source, content_hash = excluded.content_hash, imported_at = excluded.imported_at`,
			p.ID, p.Title, p.Version, p.Author, p.Source, p.ContentHash, now); err != nil {
			return err
		}
		seen := map[string]bool{}
		// Two passes so prerequisites may point at any lesson of the pack.
		for _, l := range lessons {
			seen[l.ID] = true
			changed, added, err := upsertLesson(ctx, tx, p.ID, l, now)
			if err != nil {
				return fmt.Errorf("%s: %w", l.SourceFile, err)
			}
			switch {
			case added:
				res.Added++
			case changed:
				res.Updated++
			default:
				res.Same++
			}
			n, err := upsertQuestions(ctx, tx, l, now)
			if err != nil {
				return fmt.Errorf("%s: %w", l.SourceFile, err)
			}
			res.QuestionsRetired += n
			n, err = retireStaleAI(ctx, tx, l.ID, l.ContentHash, now)
			if err != nil {
				return fmt.Errorf("%s: %w", l.SourceFile, err)
			}
			res.AIQuestionsRetired += n
		}
		for _, l := range lessons {
			if _, err := tx.ExecContext(ctx, `DELETE FROM lesson_prereqs WHERE lesson_id = ?`, l.ID); err != nil {
				return err
			}
			for _, pre := range l.Prerequisites {
				if _, err := tx.ExecContext(ctx, `INSERT INTO lesson_prereqs(lesson_id, prereq_id) VALUES (?, ?)`, l.ID, pre); err != nil {
					return fmt.Errorf("%s: prerequisite %q: %w", l.SourceFile, pre, err)
				}
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT id FROM lessons WHERE pack_id = ? AND retired = 0`, p.ID)
		if err != nil {
			return err
		}
		var gone []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			if !seen[id] {
				gone = append(gone, id)
			}
		}
		rows.Close()
		for _, id := range gone {
			if _, err := tx.ExecContext(ctx, `UPDATE lessons SET retired = 1, updated_at = ? WHERE id = ?`, now, id); err != nil {
				return err
			}
		}
		res.LessonsMissingFromNew = gone
		return nil
	})
	return res, err
}

func upsertLesson(ctx context.Context, tx *sql.Tx, pack string, l Lesson, now int64) (changed, added bool, err error) {
	var oldHash string
	var oldVersion int
	err = tx.QueryRowContext(ctx, `SELECT content_hash, version FROM lessons WHERE id = ?`, l.ID).Scan(&oldHash, &oldVersion)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		added = true
		oldVersion = 0
	case err != nil:
		return false, false, err
	case oldHash == l.ContentHash:
		// Unchanged content; un-retire it if an earlier version of the pack dropped it.
		_, err = tx.ExecContext(ctx, `UPDATE lessons SET retired = 0, source_file = ? WHERE id = ? AND retired = 1`, l.SourceFile, l.ID)
		return false, false, err
	}
	var refl any
	if l.Reflection != nil {
		b, _ := json.Marshal(l.Reflection)
		refl = string(b)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO lessons(id, pack_id, title, kind, level, minutes, body, reflection, source_file,
		  version, content_hash, ai_written, retired, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
		ON CONFLICT(id) DO UPDATE SET title = excluded.title, kind = excluded.kind, level = excluded.level,
		  minutes = excluded.minutes, body = excluded.body, reflection = excluded.reflection,
		  source_file = excluded.source_file, version = excluded.version, content_hash = excluded.content_hash,
		  ai_written = excluded.ai_written, retired = 0, updated_at = excluded.updated_at`,
		l.ID, pack, l.Title, l.Kind, l.Level, l.Minutes, l.Body, refl, l.SourceFile, oldVersion+1, l.ContentHash, l.AIWritten, now)
	if err != nil {
		return false, false, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM lesson_skills WHERE lesson_id = ?`, l.ID); err != nil {
		return false, false, err
	}
	for i, sk := range l.Skills {
		if _, err := tx.ExecContext(ctx, `INSERT INTO lesson_skills(lesson_id, skill_id, ord) VALUES (?, ?, ?)`, l.ID, sk, i); err != nil {
			return false, false, fmt.Errorf("skill %q: %w", sk, err)
		}
	}
	return !added, added, nil
}

// upsertQuestions writes l's questions and retires the lesson's authored
// questions that are no longer in it; it returns how many it retired.
// AI-written questions are not the pack's to remove: retireStaleAI handles
// them.
func upsertQuestions(ctx context.Context, tx *sql.Tx, l Lesson, now int64) (int, error) {
	keep := map[string]bool{}
	for _, q := range l.Questions {
		keep[q.ID] = true
		var oldHash string
		var oldVersion int
		err := tx.QueryRowContext(ctx, `SELECT content_hash, version FROM questions WHERE id = ?`, q.ID).Scan(&oldHash, &oldVersion)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
		if err == nil && oldHash == q.ContentHash {
			if _, err := tx.ExecContext(ctx, `UPDATE questions SET ord = ?, retired = 0, retired_reason = '' WHERE id = ? AND (ord != ? OR retired = 1)`,
				q.Ord, q.ID, q.Ord); err != nil {
				return 0, err
			}
			continue
		}
		// An authored question always wins over an AI-written one that
		// happens to have its id.
		if _, err := tx.ExecContext(ctx, `DELETE FROM ai_questions WHERE question_id = ?`, q.ID); err != nil {
			return 0, err
		}
		opts, _ := json.Marshal(q.Options)
		var prov any
		if q.Provenance != "" {
			prov = q.Provenance
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO questions(id, lesson_id, ord, type, prompt, options, content_hash, version,
			  provenance, retired, retired_reason, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', ?)
			ON CONFLICT(id) DO UPDATE SET ord = excluded.ord, type = excluded.type, prompt = excluded.prompt,
			  options = excluded.options, content_hash = excluded.content_hash, version = excluded.version,
			  provenance = excluded.provenance, retired = 0, retired_reason = '', updated_at = excluded.updated_at`,
			q.ID, l.ID, q.Ord, q.Type, q.Prompt, string(opts), q.ContentHash, oldVersion+1, prov, now); err != nil {
			return 0, fmt.Errorf("question %s: %w", q.ID, err)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM questions WHERE lesson_id = ? AND retired = 0
		AND id NOT IN (SELECT question_id FROM ai_questions WHERE lesson_id = ?)`, l.ID, l.ID)
	if err != nil {
		return 0, err
	}
	var gone []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		if !keep[id] {
			gone = append(gone, id)
		}
	}
	rows.Close()
	for _, id := range gone {
		if _, err := tx.ExecContext(ctx, `UPDATE questions SET retired = 1, retired_reason = 'removed from the lesson', updated_at = ? WHERE id = ?`,
			now, id); err != nil {
			return 0, err
		}
	}
	return len(gone), nil
}

// LessonSummary is one row of the library.
type LessonSummary struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Pack       string   `json:"pack"`
	Kind       string   `json:"kind"`
	Level      int      `json:"level"`
	Minutes    int      `json:"minutes"`
	Skills     []string `json:"skills"`
	Category   string   `json:"category"`
	SkillKind  string   `json:"soft_or_hard"`
	Questions  int      `json:"questions"`
	Prereqs    []string `json:"prerequisites"`
	AIWritten  bool     `json:"ai_written"`
	Completed  int      `json:"completed"` // times completed
	LastDoneAt int64    `json:"-"`
}

// Library lists the active lessons with their main skill's category and
// kind, question counts and how often the learner completed each.
func (s *Store) Library(ctx context.Context) ([]LessonSummary, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT l.id, l.title, l.pack_id, l.kind, l.level, l.minutes, l.ai_written,
		  COALESCE(sk.category_id, ''), COALESCE(sk.kind, ''),
		  (SELECT count(*) FROM questions q WHERE q.lesson_id = l.id AND q.retired = 0),
		  (SELECT group_concat(skill_id, ',') FROM (SELECT skill_id FROM lesson_skills WHERE lesson_id = l.id ORDER BY ord)),
		  (SELECT group_concat(prereq_id, ',') FROM lesson_prereqs WHERE lesson_id = l.id),
		  COALESCE(lp.completed, 0), lp.last_completed
		FROM lessons l
		LEFT JOIN lesson_progress lp ON lp.lesson_id = l.id
		LEFT JOIN lesson_skills ls ON ls.lesson_id = l.id AND ls.ord = 0
		LEFT JOIN skills sk ON sk.id = ls.skill_id
		WHERE l.retired = 0
		ORDER BY sk.category_id, l.level, l.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LessonSummary
	for rows.Next() {
		var ls LessonSummary
		var skills, prereqs sql.NullString
		var last sql.NullInt64
		if err := rows.Scan(&ls.ID, &ls.Title, &ls.Pack, &ls.Kind, &ls.Level, &ls.Minutes, &ls.AIWritten,
			&ls.Category, &ls.SkillKind, &ls.Questions, &skills, &prereqs, &ls.Completed, &last); err != nil {
			return nil, err
		}
		ls.Skills = splitList(skills.String)
		ls.Prereqs = splitList(prereqs.String)
		sort.Strings(ls.Prereqs)
		ls.LastDoneAt = last.Int64
		out = append(out, ls)
	}
	return out, rows.Err()
}

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// ErrNotFound is returned when a lesson or question id is unknown.
var ErrNotFound = errors.New("not found")

// Lesson returns one lesson with its active questions in order.
func (s *Store) Lesson(ctx context.Context, id string) (Lesson, error) {
	var l Lesson
	var refl sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT id, pack_id, title, kind, level, minutes, body, reflection, source_file, version,
		content_hash, ai_written FROM lessons WHERE id = ?`, id).Scan(&l.ID, &l.PackID, &l.Title, &l.Kind, &l.Level, &l.Minutes,
		&l.Body, &refl, &l.SourceFile, &l.Version, &l.ContentHash, &l.AIWritten)
	if errors.Is(err, sql.ErrNoRows) {
		return l, fmt.Errorf("lesson %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return l, err
	}
	if refl.Valid {
		l.Reflection = &Reflection{}
		if err := json.Unmarshal([]byte(refl.String), l.Reflection); err != nil {
			return l, fmt.Errorf("lesson %q: stored reflection: %w", id, err)
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT skill_id FROM lesson_skills WHERE lesson_id = ? ORDER BY ord`, id)
	if err != nil {
		return l, err
	}
	for rows.Next() {
		var sk string
		if err := rows.Scan(&sk); err != nil {
			rows.Close()
			return l, err
		}
		l.Skills = append(l.Skills, sk)
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, `SELECT prereq_id FROM lesson_prereqs WHERE lesson_id = ? ORDER BY prereq_id`, id)
	if err != nil {
		return l, err
	}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return l, err
		}
		l.Prerequisites = append(l.Prerequisites, p)
	}
	rows.Close()
	// AI-written questions count only while they match the lesson's text:
	// an import retires stale ones, and this join is the second guard.
	rows, err = s.db.QueryContext(ctx, `SELECT q.id, q.ord, q.type, q.prompt, q.options, q.content_hash, q.version,
		  COALESCE(q.provenance, ''), a.question_id IS NOT NULL, COALESCE(a.lesson_hash, ''), COALESCE(a.model, ''),
		  COALESCE(a.model_digest, ''), COALESCE(a.prompt_version, ''), COALESCE(a.generated_at, 0),
		  COALESCE(a.skill_id, ''), COALESCE(a.difficulty, 0)
		FROM questions q LEFT JOIN ai_questions a ON a.question_id = q.id
		WHERE q.lesson_id = ? AND q.retired = 0 AND (a.question_id IS NULL OR a.lesson_hash = ?)
		ORDER BY q.ord, q.id`, id, l.ContentHash)
	if err != nil {
		return l, err
	}
	defer rows.Close()
	for rows.Next() {
		q := Question{LessonID: id}
		var opts string
		var ai bool
		var p AIProvenance
		var at int64
		if err := rows.Scan(&q.ID, &q.Ord, &q.Type, &q.Prompt, &opts, &q.ContentHash, &q.Version, &q.Provenance,
			&ai, &p.LessonHash, &p.Model, &p.ModelDigest, &p.PromptVersion, &at, &p.Skill, &p.Difficulty); err != nil {
			return l, err
		}
		if err := json.Unmarshal([]byte(opts), &q.Options); err != nil {
			return l, fmt.Errorf("question %q: stored options: %w", q.ID, err)
		}
		if ai {
			p.GeneratedAt = fromMS(at)
			q.AI = &p
			l.AIQuestions = append(l.AIQuestions, q)
			continue
		}
		l.Questions = append(l.Questions, q)
	}
	return l, rows.Err()
}

// RetireQuestion takes a question out of circulation (a learner reported
// it, or its lesson dropped it). Its answers stay in the log.
func (s *Store) RetireQuestion(ctx context.Context, id, reason string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE questions SET retired = 1, retired_reason = ?, updated_at = ? WHERE id = ?`,
			reason, ms(s.now()), id)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return fmt.Errorf("question %q: %w", id, ErrNotFound)
		}
		return nil
	})
}
