package store

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestSaveAIQuiz(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	seedContent(t, s, 2, 2)

	res, err := s.SaveAIQuiz(ctx, testAIQuiz("lesson-0", "h-lesson-0", 3))
	if err != nil || res.Added != 3 {
		t.Fatalf("first save: %+v %v", res, err)
	}
	l, err := s.Lesson(ctx, "lesson-0")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Questions) != 2 || len(l.AIQuestions) != 3 {
		t.Fatalf("authored %d, AI %d; want 2 and 3", len(l.Questions), len(l.AIQuestions))
	}
	for _, q := range l.Questions {
		if q.AI != nil {
			t.Errorf("authored question %s has AI provenance", q.ID)
		}
	}
	a := l.AIQuestions[0]
	if a.AI == nil || a.AI.Model != "llama3.2:1b" || a.AI.ModelDigest != "sha256:abc" || a.AI.PromptVersion != "quiz-v1" ||
		!a.AI.GeneratedAt.Equal(t0.Add(-3600e9)) || a.AI.LessonHash != "h-lesson-0" || a.AI.Difficulty != 2 || a.Ord < aiOrdBase {
		t.Errorf("AI question read back: %+v %+v", a, a.AI)
	}
	var prov map[string]any
	if err := json.Unmarshal([]byte(a.Provenance), &prov); err != nil || prov["ai_written"] != true || prov["verified"] != true ||
		prov["model"] != "llama3.2:1b" || prov["prompt_version"] != "quiz-v1" {
		t.Errorf("provenance JSON %s (%v)", a.Provenance, err)
	}
	if n, err := s.AIReady(ctx, "lesson-0"); err != nil || n != 3 {
		t.Errorf("AIReady = %d, %v; want 3", n, err)
	}

	t.Run("idempotent", func(t *testing.T) {
		res, err := s.SaveAIQuiz(ctx, testAIQuiz("lesson-0", "h-lesson-0", 3))
		if err != nil || res.Added != 0 || res.Same != 3 {
			t.Fatalf("second save: %+v %v", res, err)
		}
		if n := count(t, s, `SELECT count(*) FROM questions WHERE lesson_id = 'lesson-0'`); n != 5 {
			t.Errorf("%d question rows, want 5", n)
		}
	})

	t.Run("a reported question stays retired", func(t *testing.T) {
		if err := s.RetireQuestion(ctx, "lesson-0/ai-00", ReasonReported); err != nil {
			t.Fatal(err)
		}
		res, err := s.SaveAIQuiz(ctx, testAIQuiz("lesson-0", "h-lesson-0", 4))
		if err != nil || res.Added != 1 || res.Same != 3 {
			t.Fatalf("save after a report: %+v %v", res, err)
		}
		l, _ := s.Lesson(ctx, "lesson-0")
		for _, q := range l.AIQuestions {
			if q.ID == "lesson-0/ai-00" {
				t.Error("the reported question is back")
			}
		}
		if len(l.AIQuestions) != 3 {
			t.Errorf("%d AI questions, want 3", len(l.AIQuestions))
		}
	})

	t.Run("never replaces an authored question", func(t *testing.T) {
		s, _ := openTest(t)
		seedContent(t, s, 2, 2)
		q := testAIQuiz("lesson-1", "h-lesson-1", 1)
		// Packs do not use the AI namespace, so make an authored row
		// that does.
		if _, err := s.db.ExecContext(ctx, `UPDATE questions SET id = 'lesson-1/ai-00' WHERE id = 'lesson-1/q1'`); err != nil {
			t.Fatal(err)
		}
		res, err := s.SaveAIQuiz(ctx, q)
		if err != nil || res.Authored != 1 || res.Added != 0 {
			t.Fatalf("%+v %v", res, err)
		}
		if n := count(t, s, `SELECT count(*) FROM questions WHERE id = 'lesson-1/ai-00' AND prompt = 'Question 1 of lesson-1?'`); n != 1 {
			t.Error("the authored question was overwritten")
		}
	})

	t.Run("a pack question with an AI question's id takes it over", func(t *testing.T) {
		s, _ := openTest(t)
		seedContent(t, s, 1, 1)
		if _, err := s.SaveAIQuiz(ctx, testAIQuiz("lesson-0", "h-lesson-0", 1)); err != nil {
			t.Fatal(err)
		}
		ls := testLessons(1, 1)
		ls[0].Questions[0].ID = "lesson-0/ai-00"
		if _, err := s.ImportPack(ctx, Pack{ID: "test-pack", Title: "Test pack", Version: "2", Source: "testdata", ContentHash: "p2"}, ls); err != nil {
			t.Fatal(err)
		}
		l, _ := s.Lesson(ctx, "lesson-0")
		if len(l.Questions) != 1 || l.Questions[0].ID != "lesson-0/ai-00" || l.Questions[0].AI != nil || len(l.AIQuestions) != 0 {
			t.Errorf("authored %+v, AI %+v", l.Questions, l.AIQuestions)
		}
	})

	t.Run("a changed lesson retires its AI questions", func(t *testing.T) {
		ls := testLessons(2, 2)
		ls[0].ContentHash = "h-lesson-0-v2"
		ls[0].Body = "New body"
		res, err := s.ImportPack(ctx, Pack{ID: "test-pack", Title: "Test pack", Version: "1.1.0", Source: "testdata", ContentHash: "pack-hash-2"}, ls)
		if err != nil {
			t.Fatal(err)
		}
		if res.AIQuestionsRetired != 3 || res.QuestionsRetired != 0 {
			t.Errorf("import: %+v; want 3 AI questions retired, no authored one", res)
		}
		l, _ := s.Lesson(ctx, "lesson-0")
		if len(l.AIQuestions) != 0 || len(l.Questions) != 2 {
			t.Errorf("after the change: %d AI, %d authored", len(l.AIQuestions), len(l.Questions))
		}
		if n := count(t, s, `SELECT count(*) FROM questions WHERE lesson_id = 'lesson-0' AND retired_reason = ?`, ReasonLessonChanged); n != 3 {
			t.Errorf("%d retired as stale, want 3", n)
		}
		// A quiz the model finished from the old text is refused.
		_, err = s.SaveAIQuiz(ctx, testAIQuiz("lesson-0", "h-lesson-0", 5))
		if !errors.Is(err, ErrStaleQuiz) {
			t.Errorf("saving a stale quiz: %v, want ErrStaleQuiz", err)
		}
		if res, err := s.SaveAIQuiz(ctx, testAIQuiz("lesson-0", "h-lesson-0-v2", 0)); err != nil || res != (AISaveResult{}) {
			t.Errorf("empty quiz: %+v %v", res, err)
		}
	})

	t.Run("an unchanged re-import keeps them", func(t *testing.T) {
		if _, err := s.SaveAIQuiz(ctx, testAIQuiz("lesson-1", "h-lesson-1", 3)); err != nil {
			t.Fatal(err)
		}
		before, _ := s.AIReady(ctx, "lesson-1")
		ls := testLessons(2, 2)
		ls[0].ContentHash = "h-lesson-0-v2"
		ls[0].Body = "New body"
		if _, err := s.ImportPack(ctx, Pack{ID: "test-pack", Title: "Test pack", Version: "1.2.0", Source: "testdata", ContentHash: "pack-hash-3"}, ls); err != nil {
			t.Fatal(err)
		}
		if after, _ := s.AIReady(ctx, "lesson-1"); after != before || before == 0 {
			t.Errorf("AI questions of an unchanged lesson: %d before, %d after", before, after)
		}
	})
}

func TestSaveAIQuizRefuses(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	seedContent(t, s, 1, 1)
	cases := []struct {
		name   string
		change func(*AIQuiz)
		want   string
		is     error
	}{
		{"unverified", func(q *AIQuiz) { q.Questions[1].Verified = false }, "not verified", nil},
		{"id outside the lesson", func(q *AIQuiz) { q.Questions[0].ID = "lesson-9/ai-00" }, "id must start with", nil},
		{"authored-looking id", func(q *AIQuiz) { q.Questions[0].ID = "lesson-0/q7" }, "id must start with", nil},
		{"bare prefix", func(q *AIQuiz) { q.Questions[0].ID = "lesson-0/ai-" }, "id must start with", nil},
		{"repeated id", func(q *AIQuiz) { q.Questions[1].ID = q.Questions[0].ID }, "repeated id", nil},
		{"truefalse", func(q *AIQuiz) { q.Questions[0].Type = "truefalse" }, "want single or multiple", nil},
		{"no key", func(q *AIQuiz) { q.Questions[0].Options[0].Correct = false }, "0 of 2 options", nil},
		{"no model", func(q *AIQuiz) { q.Questions[0].Provenance.Model = "" }, "provenance lacks", nil},
		{"no lesson hash", func(q *AIQuiz) { q.LessonHash = "" }, "no lesson or lesson hash", nil},
		{"unknown lesson", func(q *AIQuiz) {
			*q = testAIQuiz("lesson-9", "h", 1)
		}, "lesson-9", ErrNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := testAIQuiz("lesson-0", "h-lesson-0", 2)
			tc.change(&q)
			_, err := s.SaveAIQuiz(ctx, q)
			if err == nil || !strings.Contains(err.Error(), tc.want) || (tc.is != nil && !errors.Is(err, tc.is)) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if n := count(t, s, `SELECT count(*) FROM ai_questions`); n != 0 {
				t.Errorf("%d AI questions stored after a refused save", n)
			}
		})
	}
}
