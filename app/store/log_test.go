package store

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestLogsAreAppendOnly: the database itself refuses to change or remove
// what the learner did, whoever writes to it.
func TestLogsAreAppendOnly(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	seedEverything(t, s)
	before, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		sql  string
	}{
		{"update answer", `UPDATE answers SET correct = 1 - correct WHERE id = 'ans-1'`},
		{"update all answers", `UPDATE answers SET rating = NULL`},
		{"delete answer", `DELETE FROM answers WHERE id = 'ans-2'`},
		{"delete all answers", `DELETE FROM answers`},
		{"update attempt", `UPDATE attempts SET lesson_id = 'lesson-2' WHERE id = 'att-1'`},
		{"delete attempt", `DELETE FROM attempts WHERE id = 'att-2'`},
		{"update attempt result", `UPDATE attempt_results SET outcome = 'abandoned' WHERE attempt_id = 'att-1'`},
		{"delete attempt result", `DELETE FROM attempt_results`},
		{"replace answer", `INSERT OR REPLACE INTO answers(id, attempt_id, question_id, question_hash, chosen, correct, answered_at)
			VALUES ('ans-1', 'att-1', 'lesson-0/q0', 'x', '[1]', 0, 1)`},
		{"delete reflection", `DELETE FROM reflections WHERE id = 'refl-1'`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.db.ExecContext(ctx, tc.sql)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("%s: error %v, want an append-only refusal", tc.sql, err)
			}
		})
	}
	after, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before.Tables, after.Tables) {
		t.Fatal("a refused statement changed the store")
	}
}

// TestRetriedWritesDoNotDuplicate: every log write is keyed by a UUID the
// caller chose, so a retry (after a timeout, say) stores one row and keeps
// the first version.
func TestRetriedWritesDoNotDuplicate(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	seedContent(t, s, 2, 2)
	att := Attempt{ID: "att", LessonID: "lesson-0", Kind: "quiz", StartedAt: t0, Source: "cli"}
	first := Answer{ID: "ans", AttemptID: "att", QuestionID: "lesson-0/q0", QuestionHash: "qh-lesson-0-0", Chosen: []int{0},
		Correct: true, Rating: 3, AnsweredAt: t0.Add(time.Second), Duration: 1500 * time.Millisecond}
	second := first
	second.Chosen, second.Correct, second.Rating = []int{1}, false, 1
	res1 := AttemptResult{AttemptID: "att", FinishedAt: t0.Add(time.Minute), Outcome: "completed", Seconds: 60, Correct: 1, Answered: 1}
	res2 := AttemptResult{AttemptID: "att", FinishedAt: t0.Add(2 * time.Minute), Outcome: "abandoned", Seconds: 120}

	steps := []struct {
		name string
		run  func() error
	}{
		{"start attempt", func() error { return s.StartAttempt(ctx, att) }},
		{"start attempt again", func() error {
			a := att
			a.LessonID = "lesson-1"
			return s.StartAttempt(ctx, a)
		}},
		{"record answer", func() error { return s.RecordAnswer(ctx, first) }},
		{"record answer again", func() error { return s.RecordAnswer(ctx, first) }},
		{"record a different answer with the same id", func() error { return s.RecordAnswer(ctx, second) }},
		{"finish attempt", func() error { return s.FinishAttempt(ctx, res1) }},
		{"finish attempt again", func() error { return s.FinishAttempt(ctx, res2) }},
		{"reflection", func() error {
			return s.RecordReflection(ctx, ReflectionAnswer{ID: "r", AttemptID: "att", LessonID: "lesson-0", Text: "first", AnsweredAt: t0})
		}},
		{"reflection again", func() error {
			return s.RecordReflection(ctx, ReflectionAnswer{ID: "r", AttemptID: "att", LessonID: "lesson-0", Text: "second", AnsweredAt: t0})
		}},
		{"enqueue", func() error { return s.Enqueue(ctx, OutboxItem{ID: "st", Kind: "xapi", Payload: "first"}) }},
		{"enqueue again", func() error { return s.Enqueue(ctx, OutboxItem{ID: "st", Kind: "xapi", Payload: "second"}) }},
	}
	for _, st := range steps {
		if err := st.run(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
	}
	checks := []struct {
		name  string
		query string
		want  int
	}{
		{"one attempt, on the first lesson", `SELECT count(*) FROM attempts WHERE id = 'att' AND lesson_id = 'lesson-0'`, 1},
		{"attempts", `SELECT count(*) FROM attempts`, 1},
		{"answers", `SELECT count(*) FROM answers`, 1},
		{"one result, the first", `SELECT count(*) FROM attempt_results WHERE outcome = 'completed' AND seconds = 60`, 1},
		{"results", `SELECT count(*) FROM attempt_results`, 1},
		{"one reflection, the first", `SELECT count(*) FROM reflections WHERE text = 'first'`, 1},
		{"one statement, the first", `SELECT count(*) FROM outbox WHERE payload = 'first'`, 1},
		{"statements", `SELECT count(*) FROM outbox`, 1},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if n := count(t, s, c.query); n != c.want {
				t.Errorf("%s = %d, want %d", c.query, n, c.want)
			}
		})
	}
	got, err := s.AnswersOf(ctx, "att")
	if err != nil {
		t.Fatal(err)
	}
	first.AnsweredAt = first.AnsweredAt.UTC()
	if len(got) != 1 || !reflect.DeepEqual(got[0], first) {
		t.Fatalf("AnswersOf = %+v, want only %+v", got, first)
	}
	p, err := s.Progress(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if lp := p["lesson-0"]; lp.Completed != 1 || lp.Answered != 1 || lp.Correct != 1 || !lp.LastCompleted.Equal(res1.FinishedAt) {
		t.Errorf("progress %+v, want the first result only", lp)
	}
}

// TestCheckReportsBrokenReferences: Check lists rows that point at nothing
// (written by a tool with foreign keys off, say).
func TestCheckReportsBrokenReferences(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	seedContent(t, s, 1, 1)
	if problems, err := s.Check(ctx); err != nil || len(problems) != 0 {
		t.Fatalf("Check on a healthy store: %v %v", problems, err)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO attempts(id, lesson_id, kind, started_at) VALUES ('orphan', 'no-such-lesson', 'quiz', 0)`); err != nil {
		t.Fatal(err)
	}
	conn.ExecContext(ctx, `PRAGMA foreign_keys = ON`)
	conn.Close()
	problems, err := s.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || !strings.Contains(problems[0], "attempts row") || !strings.Contains(problems[0], "missing lessons") {
		t.Fatalf("Check = %q, want one problem about attempts referring to a missing lesson", problems)
	}
}
