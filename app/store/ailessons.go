package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// AILessonPack is the pack AI-written lessons belong to. It is created on
// the first save; no import ever owns it.
const AILessonPack = "ai-written"

// AILesson is a micro-lesson a local model wrote for a skill the library
// had no lesson on, with the verified quiz that let it in (llm.MicroLesson).
type AILesson struct {
	ID      string // "ai-<skill>-<hash>"
	Title   string
	Body    string // Markdown
	Skill   string // the gap skill it was written for (its main skill)
	Level   int    // 1-5
	Minutes int    // 1-5
	Hash    string // the lesson's content hash; Quiz.LessonHash must equal it
	// Provenance of the lesson text (Difficulty and LessonHash unused).
	Provenance AIProvenance
	// Quiz holds its verified questions; at least MinAILessonQuestions.
	Quiz AIQuiz
}

// MinAILessonQuestions is the least number of verified questions an
// AI-written lesson is stored with.
const MinAILessonQuestions = 2

// AILessonInfo is the provenance of a stored AI-written lesson.
type AILessonInfo struct {
	LessonID   string
	Skill      string
	Level      int
	Provenance AIProvenance
	SavedAt    time.Time
}

var aiLessonIDRE = regexp.MustCompile(`^ai-[a-z0-9-]{1,60}$`)

// SaveAILesson stores an AI-written lesson as a lesson of the pack
// AILessonPack, marked ai_written, with its provenance (ai_lessons) and its
// verified quiz (as AI-written questions), in one transaction. The skill
// must be in the taxonomy. Saving the same lesson again changes nothing;
// a lesson id taken by an authored lesson is refused.
func (s *Store) SaveAILesson(ctx context.Context, l AILesson) error {
	if err := checkAILesson(l); err != nil {
		return err
	}
	now := ms(s.now())
	return s.tx(ctx, func(tx *sql.Tx) error {
		var pack string
		err := tx.QueryRowContext(ctx, `SELECT pack_id FROM lessons WHERE id = ?`, l.ID).Scan(&pack)
		switch {
		case err == nil && pack != AILessonPack:
			return fmt.Errorf("saving AI-written lesson %s: the id is used by pack %q", l.ID, pack)
		case err == nil:
			return nil // already stored: content-addressed, so the same lesson
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO packs(id, title, version, author, source, content_hash, imported_at)
			VALUES (?, 'Written by AI on this computer', '1', 'local model', 'local model', '', ?) ON CONFLICT(id) DO NOTHING`,
			AILessonPack, now); err != nil {
			return fmt.Errorf("saving AI-written lesson %s: %w", l.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO lessons(id, pack_id, title, kind, level, minutes, body, reflection,
			  source_file, version, content_hash, ai_written, retired, updated_at)
			VALUES (?, ?, ?, 'lesson', ?, ?, ?, NULL, ?, 1, ?, 1, 0, ?)`,
			l.ID, AILessonPack, l.Title, l.Level, l.Minutes, l.Body, "ai:"+l.Provenance.Model, l.Hash, now); err != nil {
			return fmt.Errorf("saving AI-written lesson %s: %w", l.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO lesson_skills(lesson_id, skill_id, ord) VALUES (?, ?, 0)`, l.ID, l.Skill); err != nil {
			return fmt.Errorf("saving AI-written lesson %s: skill %q: %w", l.ID, l.Skill, err)
		}
		p := l.Provenance
		if _, err := tx.ExecContext(ctx, `INSERT INTO ai_lessons(lesson_id, skill_id, level, model, model_digest, prompt_version,
			  generated_at, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			l.ID, l.Skill, l.Level, p.Model, p.ModelDigest, p.PromptVersion, ms(p.GeneratedAt), now); err != nil {
			return fmt.Errorf("saving AI-written lesson %s: %w", l.ID, err)
		}
		res, err := saveAIQuizTx(ctx, tx, l.Quiz, now)
		if err != nil {
			return fmt.Errorf("saving AI-written lesson %s: %w", l.ID, err)
		}
		if res.Added < MinAILessonQuestions {
			return fmt.Errorf("saving AI-written lesson %s: %d new questions stored, want %d", l.ID, res.Added, MinAILessonQuestions)
		}
		return nil
	})
}

// checkAILesson refuses what must never be stored: an unverified or short
// quiz, a quiz of another lesson, missing provenance, bad fields.
func checkAILesson(l AILesson) error {
	where := fmt.Sprintf("saving AI-written lesson %q", l.ID)
	switch {
	case !aiLessonIDRE.MatchString(l.ID):
		return fmt.Errorf("%s: the id must be ai- and lower-case letters, digits or dashes", where)
	case strings.TrimSpace(l.Title) == "" || strings.TrimSpace(l.Body) == "":
		return fmt.Errorf("%s: no title or body", where)
	case l.Skill == "":
		return fmt.Errorf("%s: no skill", where)
	case l.Level < 1 || l.Level > 5:
		return fmt.Errorf("%s: level %d, want 1-5", where, l.Level)
	case l.Minutes < 1 || l.Minutes > 5:
		return fmt.Errorf("%s: %d minutes, want 1-5", where, l.Minutes)
	case l.Hash == "":
		return fmt.Errorf("%s: no content hash", where)
	case l.Provenance.Model == "" || l.Provenance.PromptVersion == "" || l.Provenance.GeneratedAt.IsZero():
		return fmt.Errorf("%s: provenance lacks the model, prompt version or time", where)
	case l.Quiz.LessonID != l.ID || l.Quiz.LessonHash != l.Hash:
		return fmt.Errorf("%s: the quiz is for lesson %q (%.12s), not this one", where, l.Quiz.LessonID, l.Quiz.LessonHash)
	case len(l.Quiz.Questions) < MinAILessonQuestions:
		return fmt.Errorf("%s: %d verified questions, want at least %d", where, len(l.Quiz.Questions), MinAILessonQuestions)
	}
	return checkAIQuiz(l.Quiz)
}

// AILessons lists the provenance of the stored AI-written lessons, by id.
func (s *Store) AILessons(ctx context.Context) ([]AILessonInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT lesson_id, skill_id, level, model, model_digest, prompt_version, generated_at, saved_at
		FROM ai_lessons ORDER BY lesson_id`)
	if err != nil {
		return nil, fmt.Errorf("listing AI-written lessons: %w", err)
	}
	defer rows.Close()
	var out []AILessonInfo
	for rows.Next() {
		var i AILessonInfo
		var gen, saved int64
		if err := rows.Scan(&i.LessonID, &i.Skill, &i.Level, &i.Provenance.Model, &i.Provenance.ModelDigest,
			&i.Provenance.PromptVersion, &gen, &saved); err != nil {
			return nil, fmt.Errorf("listing AI-written lessons: %w", err)
		}
		i.Provenance.GeneratedAt, i.SavedAt = fromMS(gen), fromMS(saved)
		i.Provenance.Skill = i.Skill
		out = append(out, i)
	}
	return out, rows.Err()
}
