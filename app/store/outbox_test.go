package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// outboxIDs lists every outbox id, sent or not.
func outboxIDs(t *testing.T, s *Store) []string {
	t.Helper()
	rows, err := s.db.Query(`SELECT id FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

func rowCount(t *testing.T, s *Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func stmt(id string) []OutboxItem {
	return []OutboxItem{{ID: id, Kind: "xapi", Payload: `{"id":"` + id + `"}`}}
}

// TestOutboxWithProgress: statements ride in the same transaction as the
// record they describe, only when the record is new.
func TestOutboxWithProgress(t *testing.T) {
	s, _ := openTest(t)
	seedContent(t, s, 1, 2)
	ctx := context.Background()
	steps := []struct {
		name string
		run  func() error
		want []string
	}{
		{"start", func() error {
			return s.StartAttempt(ctx, Attempt{ID: "a1", LessonID: "lesson-0", Kind: "lesson", StartedAt: t0, Outbox: stmt("s-start")})
		}, []string{"s-start"}},
		{"start again, other statement", func() error {
			return s.StartAttempt(ctx, Attempt{ID: "a1", LessonID: "lesson-0", Kind: "lesson", StartedAt: t0, Outbox: stmt("s-start-2")})
		}, []string{"s-start"}},
		{"answer", func() error {
			return s.RecordAnswer(ctx, Answer{ID: "n1", AttemptID: "a1", QuestionID: "lesson-0/q0", Chosen: []int{0}, Correct: true,
				AnsweredAt: t0, Outbox: stmt("s-ans")})
		}, []string{"s-ans", "s-start"}},
		{"answer without statements", func() error {
			return s.RecordAnswer(ctx, Answer{ID: "n2", AttemptID: "a1", QuestionID: "lesson-0/q1", Chosen: []int{1}, AnsweredAt: t0})
		}, []string{"s-ans", "s-start"}},
		{"finish", func() error {
			return s.FinishAttempt(ctx, AttemptResult{AttemptID: "a1", FinishedAt: t0, Outcome: "completed", Answered: 2, Correct: 1,
				Outbox: append(stmt("s-done"), stmt("s-failed")...)})
		}, []string{"s-ans", "s-done", "s-failed", "s-start"}},
		{"second result is ignored with its statements", func() error {
			return s.FinishAttempt(ctx, AttemptResult{AttemptID: "a1", FinishedAt: t0, Outcome: "abandoned", Outbox: stmt("s-late")})
		}, []string{"s-ans", "s-done", "s-failed", "s-start"}},
	}
	for _, tc := range steps {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); err != nil {
				t.Fatal(err)
			}
			if got := outboxIDs(t, s); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("outbox = %v, want %v", got, tc.want)
			}
		})
	}
	n, _, err := s.OutboxStatus(ctx)
	if err != nil || n != 4 {
		t.Fatalf("OutboxStatus = %d, %v; want 4 pending", n, err)
	}
}

// TestOutboxFailureRollsBack: when the statement cannot be queued, the
// progress it describes is not recorded either (and the reverse holds by
// the same transaction).
func TestOutboxFailureRollsBack(t *testing.T) {
	s, _ := openTest(t)
	seedContent(t, s, 1, 2)
	ctx := context.Background()
	if err := s.StartAttempt(ctx, Attempt{ID: "a1", LessonID: "lesson-0", Kind: "lesson", StartedAt: t0}); err != nil {
		t.Fatal(err)
	}
	card := &SRSCard{State: "review", Due: t0.Add(72 * time.Hour), Stability: 3, Difficulty: 5, Reps: 1, LastReview: t0}
	cases := []struct {
		name    string
		trigger bool // make the outbox insert itself fail in SQLite
		items   []OutboxItem
		wantErr string
	}{
		{"statement without id", false, []OutboxItem{{Kind: "xapi", Payload: "{}"}}, "id and kind are required"},
		{"statement without kind", false, []OutboxItem{{ID: "x", Payload: "{}"}}, "id and kind are required"},
		{"second of two fails", false, []OutboxItem{{ID: "ok", Kind: "xapi", Payload: "{}"}, {ID: "", Kind: "xapi"}}, "id and kind are required"},
		{"database refuses the insert", true, stmt("s1"), "outbox is full"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.trigger {
				if _, err := s.db.Exec(`CREATE TRIGGER outbox_refuse BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'outbox is full'); END`); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.db.Exec(`DROP TRIGGER outbox_refuse`) })
			}
			err := s.RecordAnswer(ctx, Answer{ID: "n1", AttemptID: "a1", QuestionID: "lesson-0/q0", Chosen: []int{0}, Correct: true,
				AnsweredAt: t0, Card: card, Outbox: tc.items})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("RecordAnswer error = %v, want one containing %q", err, tc.wantErr)
			}
			if n := rowCount(t, s, `SELECT count(*) FROM answers WHERE id = 'n1'`); n != 0 {
				t.Errorf("the answer was kept although its statement failed")
			}
			if n := rowCount(t, s, `SELECT count(*) FROM srs_state WHERE question_id = 'lesson-0/q0'`); n != 0 {
				t.Errorf("the review card was kept although the statement failed")
			}
			if ids := outboxIDs(t, s); len(ids) != 0 {
				t.Errorf("outbox = %v, want empty", ids)
			}
			err = s.FinishAttempt(ctx, AttemptResult{AttemptID: "a1", FinishedAt: t0, Outcome: "completed", Outbox: tc.items})
			if err == nil {
				t.Fatalf("FinishAttempt succeeded with a failing statement")
			}
			if n := rowCount(t, s, `SELECT count(*) FROM attempt_results WHERE attempt_id = 'a1'`); n != 0 {
				t.Errorf("the result was kept although its statement failed")
			}
		})
	}
	// With a good statement the same answer goes through.
	if err := s.RecordAnswer(ctx, Answer{ID: "n1", AttemptID: "a1", QuestionID: "lesson-0/q0", Chosen: []int{0}, Correct: true,
		AnsweredAt: t0, Card: card, Outbox: stmt("s-good")}); err != nil {
		t.Fatal(err)
	}
	if ids := outboxIDs(t, s); len(ids) != 1 || ids[0] != "s-good" {
		t.Fatalf("outbox = %v, want [s-good]", ids)
	}
}
