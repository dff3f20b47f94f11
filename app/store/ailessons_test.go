package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// testAILesson is a valid AI-written lesson on active-listening with a
// verified quiz of two questions.
func testAILesson(id string) AILesson {
	hash := "h-" + id
	q := testAIQuiz(id, hash, 2)
	return AILesson{ID: id, Title: "Listening without planning your reply", Body: "Body of " + id + ".\n\n**Takeaway:** listen.",
		Skill: "active-listening", Level: 2, Minutes: 3, Hash: hash,
		Provenance: AIProvenance{Model: "llama3.2:1b", ModelDigest: "sha256:abc", PromptVersion: "personal-v1", GeneratedAt: t0.Add(-time.Hour)},
		Quiz:       q}
}

func TestSaveAILesson(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	seedContent(t, s, 2, 1)
	l := testAILesson("ai-active-listening-0123456789ab")
	if err := s.SaveAILesson(ctx, l); err != nil {
		t.Fatal(err)
	}
	got, err := s.Lesson(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.AIWritten || got.PackID != AILessonPack || got.Title != l.Title || got.ContentHash != l.Hash ||
		len(got.Skills) != 1 || got.Skills[0] != "active-listening" || len(got.AIQuestions) != 2 || len(got.Questions) != 0 {
		t.Fatalf("stored lesson: %+v", got)
	}
	lib, err := s.Library(ctx)
	if err != nil {
		t.Fatal(err)
	}
	marked := 0
	for _, r := range lib {
		if r.AIWritten {
			marked++
			if r.ID != l.ID || r.Questions != 2 {
				t.Errorf("library row %+v", r)
			}
		}
	}
	if marked != 1 {
		t.Errorf("%d library rows marked AI-written, want 1", marked)
	}
	infos, err := s.AILessons(ctx)
	if err != nil || len(infos) != 1 {
		t.Fatalf("AILessons: %+v %v", infos, err)
	}
	if i := infos[0]; i.Skill != "active-listening" || i.Level != 2 || i.Provenance.Model != "llama3.2:1b" ||
		i.Provenance.PromptVersion != "personal-v1" || !i.Provenance.GeneratedAt.Equal(t0.Add(-time.Hour)) || !i.SavedAt.Equal(t0) {
		t.Errorf("provenance %+v", i)
	}
	t.Run("saving again changes nothing", func(t *testing.T) {
		if err := s.SaveAILesson(ctx, l); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT count(*) FROM questions WHERE lesson_id = ?`, l.ID); n != 2 {
			t.Errorf("%d questions after a second save, want 2", n)
		}
	})
}

func TestSaveAILessonRefuses(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		mutate func(l *AILesson)
		want   string
	}{
		{"id outside ai-", func(l *AILesson) { l.ID = "lesson-0"; l.Quiz.LessonID = "lesson-0" }, "must be ai-"},
		{"an authored lesson's id", nil, "used by pack"},
		{"unknown skill", func(l *AILesson) { l.Skill = "juggling" }, "skill \"juggling\""},
		{"level out of range", func(l *AILesson) { l.Level = 6 }, "level 6"},
		{"no provenance", func(l *AILesson) { l.Provenance.Model = "" }, "provenance"},
		{"quiz of another text", func(l *AILesson) { l.Quiz.LessonHash = "other" }, "not this one"},
		{"one question", func(l *AILesson) { l.Quiz.Questions = l.Quiz.Questions[:1] }, "want at least 2"},
		{"unverified question", func(l *AILesson) { l.Quiz.Questions[1].Verified = false }, "not verified"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := openTest(t)
			seedContent(t, s, 1, 1)
			l := testAILesson("ai-active-listening-0123456789ab")
			if tc.mutate != nil {
				tc.mutate(&l)
			} else {
				// An authored lesson already holds the id.
				authored := testLessons(1, 1)
				authored[0].ID, authored[0].Questions = l.ID, nil
				if _, err := s.ImportPack(ctx, Pack{ID: "other", Title: "Other", Version: "1", Source: "x", ContentHash: "o"}, authored); err != nil {
					t.Fatal(err)
				}
			}
			err := s.SaveAILesson(ctx, l)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one saying %q", err, tc.want)
			}
			if n := count(t, s, `SELECT count(*) FROM ai_lessons`); n != 0 {
				t.Errorf("%d ai_lessons rows after a refused save", n)
			}
		})
	}
}
