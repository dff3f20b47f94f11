package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/assets"
)

// t0 is the fixed clock of the tests: a Wednesday, so a week has started.
var t0 = time.Date(2026, 3, 4, 9, 30, 0, 0, time.UTC)

func fixedNow() time.Time { return t0 }

// testTaxonomy is a small taxonomy with one hard and one soft skill.
func testTaxonomy() *assets.Taxonomy {
	return &assets.Taxonomy{
		Categories: []assets.Category{
			{ID: "communication", Name: "Communication"},
			{ID: "data-and-analytics", Name: "Data and analytics"},
		},
		Skills: []assets.Skill{
			{ID: "active-listening", Name: "Active listening", Category: "communication", Kind: assets.Soft},
			{ID: "sql-basics", Name: "SQL basics", Category: "data-and-analytics", Kind: assets.Hard},
		},
		Roles: []assets.Role{
			{ID: "data-analyst", Name: "Data analyst", Skills: map[string]int{"sql-basics": 3, "active-listening": 2}},
		},
	}
}

// testLessons builds n lessons of q single-choice questions each; lesson i
// is "lesson-i" and its questions "lesson-i/q<j>". Every lesson after the
// first has the first as a prerequisite.
func testLessons(n, q int) []Lesson {
	ls := make([]Lesson, 0, n)
	for i := range n {
		id := fmt.Sprintf("lesson-%d", i)
		skill := "sql-basics"
		if i%2 == 1 {
			skill = "active-listening"
		}
		l := Lesson{
			ID: id, Title: fmt.Sprintf("Lesson %d", i), Kind: "lesson", Level: 1 + i%5, Minutes: 1 + i%3,
			Body: "Body of " + id, Skills: []string{skill}, SourceFile: id + ".md", ContentHash: "h-" + id,
		}
		if i > 0 {
			l.Prerequisites = []string{"lesson-0"}
		}
		for j := range q {
			l.Questions = append(l.Questions, Question{
				ID: fmt.Sprintf("%s/q%d", id, j), Ord: j, Type: "single", Prompt: fmt.Sprintf("Question %d of %s?", j, id),
				Options: []Option{
					{Text: "Right", Correct: true, Why: "Because it is."},
					{Text: "Wrong", Correct: false, Why: "Because it is not."},
				},
				ContentHash: fmt.Sprintf("qh-%s-%d", id, j),
			})
		}
		ls = append(ls, l)
	}
	return ls
}

// openTest opens a fresh store in a temporary folder.
func openTest(t testing.TB) (*Store, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "tidbit.db")
	s, err := Open(context.Background(), file, Options{Now: fixedNow})
	if err != nil {
		t.Fatalf("Open(%s): %v", file, err)
	}
	t.Cleanup(func() { s.Close() })
	return s, file
}

// seedContent writes the test taxonomy and a pack of n lessons of q
// questions.
func seedContent(t testing.TB, s *Store, n, q int) {
	t.Helper()
	ctx := context.Background()
	if err := s.SyncTaxonomy(ctx, testTaxonomy()); err != nil {
		t.Fatalf("SyncTaxonomy: %v", err)
	}
	p := Pack{ID: "test-pack", Title: "Test pack", Version: "1.0.0", Author: "Tests", Source: "testdata", ContentHash: "pack-hash"}
	if _, err := s.ImportPack(ctx, p, testLessons(n, q)); err != nil {
		t.Fatalf("ImportPack: %v", err)
	}
}

// seedEverything fills every table of the schema with at least one row,
// through the store's own methods where it has them.
func seedEverything(t testing.TB, s *Store) {
	t.Helper()
	ctx := context.Background()
	seedContent(t, s, 3, 2)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	mid, err := s.LogMoment(ctx, Moment{At: t0, Kind: "calendar-gap", Reason: "a 20-minute gap", Item: "lesson-0", Outcome: "offered",
		Detail: `{"gap_minutes":20}`})
	must("LogMoment", err)
	must("SetMomentOutcome", s.SetMomentOutcome(ctx, mid, "done"))
	_, err = s.LogMoment(ctx, Moment{At: t0.Add(time.Hour), Kind: "pause", Reason: "in a meeting", Outcome: "withheld"})
	must("LogMoment", err)
	must("StartAttempt", s.StartAttempt(ctx, Attempt{ID: "att-1", LessonID: "lesson-0", Kind: "quiz", StartedAt: t0, Source: "cli",
		MomentID: mid}))
	must("StartAttempt", s.StartAttempt(ctx, Attempt{ID: "att-2", LessonID: "lesson-1", Kind: "reflection", StartedAt: t0.Add(time.Minute)}))
	must("RecordAnswer", s.RecordAnswer(ctx, Answer{ID: "ans-1", AttemptID: "att-1", QuestionID: "lesson-0/q0", QuestionHash: "qh-lesson-0-0",
		Chosen: []int{0}, Correct: true, Rating: 3, AnsweredAt: t0.Add(10 * time.Second), Duration: 4200 * time.Millisecond}))
	must("RecordAnswer", s.RecordAnswer(ctx, Answer{ID: "ans-2", AttemptID: "att-1", QuestionID: "lesson-0/q1", QuestionHash: "qh-lesson-0-1",
		Chosen: []int{1}, AnsweredAt: t0.Add(20 * time.Second)}))
	must("FinishAttempt", s.FinishAttempt(ctx, AttemptResult{AttemptID: "att-1", FinishedAt: t0.Add(30 * time.Second), Outcome: "completed",
		Seconds: 30, Correct: 1, Answered: 2}))
	must("RecordReflection", s.RecordReflection(ctx, ReflectionAnswer{ID: "refl-1", AttemptID: "att-2", LessonID: "lesson-1",
		Text: "I would ask \"what else?\" first.\nThen summarise.", AnsweredAt: t0.Add(2 * time.Minute)}))
	_, err = s.db.ExecContext(ctx, `INSERT INTO srs_state(question_id, state, due, stability, difficulty, reps, lapses, step, last_review, updated_at)
		VALUES ('lesson-0/q0', 'review', ?, 3.25, 5.5, 1, 0, 0, ?, ?), ('lesson-0/q1', 'learning', ?, 0.4, 7, 1, 1, 1, NULL, ?)`,
		ms(t0.Add(72*time.Hour)), ms(t0), ms(t0), ms(t0.Add(10*time.Minute)), ms(t0))
	must("srs_state", err)
	must("SetSetting", s.SetSetting(ctx, "ui.theme", map[string]any{"name": "dark", "scale": 1.25}))
	must("SaveProfile", s.SaveProfile(ctx, Profile{Name: "Ada", Role: "data-analyst", Seniority: "senior", Goals: []string{"people-manager"},
		Notes: "Wants to run better meetings.", SelfRatings: map[string]int{"sql-basics": 4}, MinutesPerWeek: 45}))
	must("CachePut", s.CachePut(ctx, "k1", "explain", "qwen3:0.6b", "An explanation.", 0))
	must("CachePut", s.CachePut(ctx, "k2", "question", "qwen3:0.6b", `{"q":"?"}`, time.Hour))
	must("Enqueue", s.Enqueue(ctx, OutboxItem{ID: "stmt-1", Kind: "xapi", Payload: `{"verb":"answered"}`}))
	must("Enqueue", s.Enqueue(ctx, OutboxItem{ID: "stmt-2", Kind: "xapi", Payload: `{"verb":"completed"}`}))
	must("MarkFailed", s.MarkFailed(ctx, []string{"stmt-1"}, "connection refused", t0.Add(time.Minute)))
	must("MarkSent", s.MarkSent(ctx, []string{"stmt-2"}, t0.Add(time.Second)))
	must("AddAssignment", s.AddAssignment(ctx, Assignment{ID: "asg-1", From: "Sam", Note: "Before the offsite", Due: t0.Add(72 * time.Hour),
		CreatedAt: t0.Add(-time.Hour), ImportedFrom: "sam.yaml", Items: []AssignmentItem{{LessonID: "lesson-0"}, {SkillID: "active-listening", Lessons: 1, Level: 3}}}))
	must("MarkAssignmentDone", s.MarkAssignmentDone(ctx, "asg-1", t0.Add(time.Minute)))
	_, err = s.SaveAIQuiz(ctx, testAIQuiz("lesson-2", "h-lesson-2", 1))
	must("SaveAIQuiz", err)
	must("SaveAILesson", s.SaveAILesson(ctx, testAILesson("ai-active-listening-0123456789ab")))
}

// testAIQuiz is a verified quiz of n questions for lesson, written from
// the text hashed hash.
func testAIQuiz(lesson, hash string, n int) AIQuiz {
	q := AIQuiz{LessonID: lesson, LessonHash: hash}
	for i := range n {
		q.Questions = append(q.Questions, AIQuestion{
			ID: fmt.Sprintf("%s/ai-%02x", lesson, i), Type: "single", Prompt: fmt.Sprintf("AI question %d about %s?", i, lesson),
			Options: []Option{
				{Text: "Right", Correct: true, Why: "The lesson says so."},
				{Text: "Wrong", Correct: false, Why: "The lesson says otherwise."},
			},
			Verified: true,
			Provenance: AIProvenance{Model: "llama3.2:1b", ModelDigest: "sha256:abc", PromptVersion: "quiz-v1",
				GeneratedAt: t0.Add(-time.Hour), Skill: "sql-basics", Difficulty: 2},
		})
	}
	return q
}

// fileState is what a test compares to prove that a file was not touched.
type fileState struct {
	Hash      string
	WAL, SHM  bool
	Size      int64
	FileMode  os.FileMode
	ModTimeNS int64
}

func stateOf(t testing.TB, file string) fileState {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("reading %s: %v", file, err)
	}
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return fileState{
		Hash: hex.EncodeToString(sum[:]), WAL: exists(file + "-wal"), SHM: exists(file + "-shm"),
		Size: fi.Size(), FileMode: fi.Mode(), ModTimeNS: fi.ModTime().UnixNano(),
	}
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return !errors.Is(err, os.ErrNotExist)
}

// count runs a count(*) query.
func count(t testing.TB, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
