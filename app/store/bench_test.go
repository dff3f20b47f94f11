package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkRecordAnswer is one answer written durably: its own BEGIN
// IMMEDIATE transaction, committed with synchronous=FULL (an fsync of the
// WAL) before the call returns.
func BenchmarkRecordAnswer(b *testing.B) {
	ctx := context.Background()
	s, _ := openTest(b)
	seedContent(b, s, 1, 1)
	var sync int
	if err := s.db.QueryRow(`PRAGMA synchronous`).Scan(&sync); err != nil || sync != 2 {
		b.Fatalf("synchronous = %d (%v), want 2 (FULL)", sync, err)
	}
	if err := s.StartAttempt(ctx, Attempt{ID: "att", LessonID: "lesson-0", Kind: "quiz", StartedAt: t0}); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		if err := s.RecordAnswer(ctx, Answer{ID: fmt.Sprintf("ans-%d", i), AttemptID: "att", QuestionID: "lesson-0/q0",
			QuestionHash: "qh-lesson-0-0", Chosen: []int{0}, Correct: true, Rating: 3, AnsweredAt: t0, Duration: time.Second}); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.StopTimer()
	if n := count(b, s, `SELECT count(*) FROM answers`); n != i {
		b.Fatalf("%d answers stored, want %d", n, i)
	}
}

const (
	benchLessons  = 200
	benchAttempts = 100_000
)

// bigStore builds a store with 200 lessons and 100,000 attempts, each with
// one answer, 80% completed, spread over the past year. The rows are
// generated inside SQLite (a recursive CTE, one statement a table), in one
// transaction: about a second.
func bigStore(b *testing.B) *Store {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	s, _ := openTest(b)
	seedContent(b, s, benchLessons, 5)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	year := int64(365 * 24 * time.Hour / time.Millisecond)
	const rows = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 - 1) `
	for _, q := range []string{
		`INSERT INTO attempts(id, lesson_id, kind, started_at, source) ` + rows +
			`SELECT printf('att-%06d', i), 'lesson-' || (i % ?2), 'quiz', ?3 + i * ?4 / ?1, 'bench' FROM n`,
		`INSERT INTO answers(id, attempt_id, question_id, question_hash, chosen, correct, rating, answered_at, duration_ms) ` + rows +
			`SELECT printf('ans-%06d', i), printf('att-%06d', i), 'lesson-' || (i % ?2) || '/q' || (i % 5), 'h', '[0]',
			  i % 3 != 0, 3, ?3 + i * ?4 / ?1 + 1000, 4000 FROM n`,
		// Every fifth round over the lessons is abandoned, so that every
		// lesson has both outcomes.
		`INSERT INTO attempt_results(attempt_id, finished_at, outcome, seconds, correct, answered) ` + rows +
			`SELECT printf('att-%06d', i), ?3 + i * ?4 / ?1 + 150000,
			  CASE WHEN (i / ?2) % 5 = 4 THEN 'abandoned' ELSE 'completed' END, 150, i % 3 != 0, 1 FROM n`,
	} {
		if _, err := tx.ExecContext(ctx, q, benchAttempts, benchLessons, ms(t0)-year, year); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if n := count(b, s, `SELECT count(*) FROM answers`); n != benchAttempts {
		b.Fatalf("%d answers, want %d", n, benchAttempts)
	}
	b.Logf("built %d attempts and answers in %v", benchAttempts, time.Since(start).Round(time.Millisecond))
	return s
}

// BenchmarkLibrary is `tidbit library` on a store with 100,000 attempts.
func BenchmarkLibrary(b *testing.B) {
	ctx := context.Background()
	s := bigStore(b)
	var lib []LessonSummary
	for b.Loop() {
		var err error
		if lib, err = s.Library(ctx); err != nil {
			b.Fatal(err)
		}
	}
	if len(lib) != benchLessons {
		b.Fatalf("%d lessons, want %d", len(lib), benchLessons)
	}
	total := 0
	for _, l := range lib {
		total += l.Completed
	}
	if want := benchAttempts * 4 / 5; total != want {
		b.Fatalf("%d completions, want %d", total, want)
	}
}

// BenchmarkStats is `tidbit stats` on a store with 100,000 attempts.
func BenchmarkStats(b *testing.B) {
	ctx := context.Background()
	s := bigStore(b)
	var st Stats
	for b.Loop() {
		var err error
		if st, err = s.Stats(ctx, t0, time.UTC); err != nil {
			b.Fatal(err)
		}
	}
	if st.Answered != benchAttempts || st.Sessions != benchAttempts*4/5 || st.LessonsCompleted != benchLessons {
		b.Fatalf("stats %+v", st)
	}
}

// BenchmarkOpen is opening a store with 100,000 attempts, with SQLite's
// quick check (the daemon) and without (`tidbit learn`).
func BenchmarkOpen(b *testing.B) {
	ctx := context.Background()
	s := bigStore(b)
	file := s.Path()
	s.Close()
	for _, tc := range []struct {
		name string
		opts Options
	}{{"check", Options{}}, {"skip-check", Options{SkipCheck: true}}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				s, err := Open(ctx, file, tc.opts)
				if err != nil {
					b.Fatal(err)
				}
				s.Close()
			}
		})
	}
}
