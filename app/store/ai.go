package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ReasonReported is the retired_reason of a question the learner reported
// as bad ("Report a bad question" in the quiz, r in tidbit learn).
const ReasonReported = "reported by learner"

// ReasonLessonChanged is the retired_reason of an AI-written question whose
// lesson's text changed after it was written.
const ReasonLessonChanged = "lesson changed after the question was written"

// AIProvenance says where an AI-written question came from. The store keeps
// it in ai_questions (queried) and as JSON in questions.provenance (shown).
type AIProvenance struct {
	Model         string    `json:"model"`
	ModelDigest   string    `json:"model_digest"`
	PromptVersion string    `json:"prompt_version"`
	GeneratedAt   time.Time `json:"generated_at"`
	LessonHash    string    `json:"lesson_hash"` // the lesson's content hash it was written from
	Skill         string    `json:"skill,omitempty"`
	Difficulty    int       `json:"difficulty,omitempty"` // 1-5, 0 unknown
}

// AIQuestion is one verified question a local model wrote. ID must be
// "<lesson id>/ai-<suffix>" and name the question by its content, so that
// the same question written twice is one row (and keeps its history).
type AIQuestion struct {
	ID         string
	Type       string // single or multiple
	Prompt     string
	Options    []Option
	Verified   bool // passed the blind verification pass; unverified ones are refused
	Provenance AIProvenance
}

// AIQuiz is the verified questions written for one lesson from the text
// whose content hash is LessonHash.
type AIQuiz struct {
	LessonID   string
	LessonHash string
	Questions  []AIQuestion
}

// AISaveResult counts what SaveAIQuiz did.
type AISaveResult struct {
	Added int // new questions
	Same  int // already stored (active, or retired and left so: a reported question stays retired)
	// Authored counts ids that name an authored question: never replaced.
	Authored int
	// StaleRetired counts the lesson's AI questions written from an older
	// text, retired on the way.
	StaleRetired int
}

// ErrStaleQuiz means the quiz was written from a lesson text that is no
// longer the lesson's (it changed while the model worked).
var ErrStaleQuiz = errors.New("the quiz was written from an older version of the lesson")

// aiOrdBase puts AI-written questions after any authored one in ord order.
const aiOrdBase = 1000

// SaveAIQuiz stores a verified quiz's questions for its lesson in one
// transaction. It is idempotent: a question already stored under its id is
// left as it is, so repeating a save adds nothing and a question the
// learner reported stays retired. It never touches an authored question.
// The quiz must have been written from the lesson's current text
// (ErrStaleQuiz otherwise); AI questions of the lesson written from an
// older text are retired in the same transaction.
func (s *Store) SaveAIQuiz(ctx context.Context, q AIQuiz) (AISaveResult, error) {
	var res AISaveResult
	if err := checkAIQuiz(q); err != nil {
		return res, err
	}
	now := ms(s.now())
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = saveAIQuizTx(ctx, tx, q, now)
		return err
	})
	return res, err
}

// saveAIQuizTx is SaveAIQuiz inside tx (an AI-written lesson is stored
// with its quiz in one transaction); q has passed checkAIQuiz.
func saveAIQuizTx(ctx context.Context, tx *sql.Tx, q AIQuiz, now int64) (AISaveResult, error) {
	res := AISaveResult{}
	err := func() error {
		var hash string
		var retired bool
		err := tx.QueryRowContext(ctx, `SELECT content_hash, retired FROM lessons WHERE id = ?`, q.LessonID).Scan(&hash, &retired)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("saving AI questions: lesson %q: %w", q.LessonID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if retired {
			return fmt.Errorf("saving AI questions: lesson %q is retired: %w", q.LessonID, ErrNotFound)
		}
		if res.StaleRetired, err = retireStaleAI(ctx, tx, q.LessonID, hash, now); err != nil {
			return err
		}
		if hash != q.LessonHash {
			return fmt.Errorf("saving AI questions for lesson %q (written from %.12s, now %.12s): %w", q.LessonID, q.LessonHash, hash, ErrStaleQuiz)
		}
		var ord int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(ord) + 1, ?) FROM questions WHERE lesson_id = ? AND ord >= ?`,
			aiOrdBase, q.LessonID, aiOrdBase).Scan(&ord); err != nil {
			return err
		}
		for _, aq := range q.Questions {
			var isAI bool
			err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM ai_questions WHERE question_id = ?) FROM questions WHERE id = ?`,
				aq.ID, aq.ID).Scan(&isAI)
			switch {
			case err == nil && isAI:
				res.Same++
				continue
			case err == nil:
				res.Authored++
				continue
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
			opts, _ := json.Marshal(aq.Options)
			p := aq.Provenance
			p.LessonHash = q.LessonHash
			prov, _ := json.Marshal(struct {
				AIWritten bool `json:"ai_written"`
				AIProvenance
				Verified bool `json:"verified"`
			}{true, p, true})
			if _, err := tx.ExecContext(ctx, `INSERT INTO questions(id, lesson_id, ord, type, prompt, options, content_hash, version,
				  provenance, retired, retired_reason, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, 0, '', ?)`,
				aq.ID, q.LessonID, ord, aq.Type, aq.Prompt, string(opts), aiContentHash(aq), string(prov), now); err != nil {
				return fmt.Errorf("AI question %s: %w", aq.ID, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO ai_questions(question_id, lesson_id, lesson_hash, model, model_digest,
				  prompt_version, generated_at, skill_id, difficulty, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				aq.ID, q.LessonID, q.LessonHash, p.Model, p.ModelDigest, p.PromptVersion, ms(p.GeneratedAt), p.Skill, p.Difficulty, now); err != nil {
				return fmt.Errorf("AI question %s: %w", aq.ID, err)
			}
			ord++
			res.Added++
		}
		return nil
	}()
	return res, err
}

// checkAIQuiz refuses what must never be stored: unverified questions,
// ids outside the lesson's "ai-" namespace, malformed questions.
func checkAIQuiz(q AIQuiz) error {
	if q.LessonID == "" || q.LessonHash == "" {
		return errors.New("saving AI questions: the quiz names no lesson or lesson hash")
	}
	seen := map[string]bool{}
	for i, aq := range q.Questions {
		where := fmt.Sprintf("saving AI questions for lesson %q: question %d (%s)", q.LessonID, i+1, aq.ID)
		switch {
		case !aq.Verified:
			return fmt.Errorf("%s: not verified; only verified questions are stored", where)
		case !strings.HasPrefix(aq.ID, q.LessonID+"/ai-") || len(aq.ID) == len(q.LessonID)+4:
			return fmt.Errorf("%s: id must start with %q", where, q.LessonID+"/ai-")
		case seen[aq.ID]:
			return fmt.Errorf("%s: repeated id", where)
		case aq.Type != "single" && aq.Type != "multiple":
			return fmt.Errorf("%s: type %q, want single or multiple", where, aq.Type)
		case strings.TrimSpace(aq.Prompt) == "" || len(aq.Options) < 2:
			return fmt.Errorf("%s: no question text or fewer than 2 options", where)
		case aq.Provenance.Model == "" || aq.Provenance.PromptVersion == "" || aq.Provenance.GeneratedAt.IsZero():
			return fmt.Errorf("%s: provenance lacks the model, prompt version or time", where)
		case aq.Provenance.Difficulty < 0 || aq.Provenance.Difficulty > 5:
			return fmt.Errorf("%s: difficulty %d, want 0-5", where, aq.Provenance.Difficulty)
		}
		right := 0
		for _, o := range aq.Options {
			if o.Correct {
				right++
			}
		}
		if right == 0 || right == len(aq.Options) {
			return fmt.Errorf("%s: %d of %d options marked right", where, right, len(aq.Options))
		}
		seen[aq.ID] = true
	}
	return nil
}

// aiContentHash identifies the version of an AI question (its answers
// record it), like the content hash of an authored one.
func aiContentHash(q AIQuestion) string {
	h := sha256.New()
	b, _ := json.Marshal(struct {
		T, P string
		O    []Option
	}{q.Type, q.Prompt, q.Options})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// retireStaleAI retires lesson's active AI questions written from a text
// other than the one hashed hash; it returns how many.
func retireStaleAI(ctx context.Context, tx *sql.Tx, lesson, hash string, now int64) (int, error) {
	r, err := tx.ExecContext(ctx, `UPDATE questions SET retired = 1, retired_reason = ?, updated_at = ?
		WHERE lesson_id = ? AND retired = 0 AND id IN (SELECT question_id FROM ai_questions WHERE lesson_id = ? AND lesson_hash != ?)`,
		ReasonLessonChanged, now, lesson, lesson, hash)
	if err != nil {
		return 0, fmt.Errorf("retiring stale AI questions of %s: %w", lesson, err)
	}
	n, _ := r.RowsAffected()
	return int(n), nil
}

// AIReady counts the lesson's active AI-written questions written from its
// current text: what a pop-up can use without asking the model.
func (s *Store) AIReady(ctx context.Context, lessonID string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM questions q JOIN ai_questions a ON a.question_id = q.id
		JOIN lessons l ON l.id = q.lesson_id
		WHERE q.lesson_id = ? AND q.retired = 0 AND a.lesson_hash = l.content_hash`, lessonID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("counting AI questions of %s: %w", lessonID, err)
	}
	return n, nil
}
