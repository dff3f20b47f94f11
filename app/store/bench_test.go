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
// one answer, 80% completed, spread over the past year, in one transaction
// (about 5 s).
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
	att, err := tx.Prepare(`INSERT INTO attempts(id, lesson_id, kind, started_at, source) VALUES (?, ?, 'quiz', ?, 'bench')`)
	if err != nil {
		b.Fatal(err)
	}
	res, err := tx.Prepare(`INSERT INTO attempt_results(attempt_id, finished_at, outcome, seconds, correct, answered) VALUES (?, ?, ?, 150, ?, 1)`)
	if err != nil {
		b.Fatal(err)
	}
	ans, err := tx.Prepare(`INSERT INTO answers(id, attempt_id, question_id, question_hash, chosen, correct, rating, answered_at, duration_ms)
		VALUES (?, ?, ?, 'h', '[0]', ?, 3, ?, 4000)`)
	if err != nil {
		b.Fatal(err)
	}
	year := int64(365 * 24 * time.Hour / time.Millisecond)
	base := ms(t0) - year
	for i := range benchAttempts {
		id := fmt.Sprintf("att-%06d", i)
		lesson := i % benchLessons
		at := base + int64(i)*year/benchAttempts
		correct := i%3 != 0
		if _, err := att.Exec(id, fmt.Sprintf("lesson-%d", lesson), at); err != nil {
			b.Fatal(err)
		}
		if _, err := ans.Exec("ans-"+id, id, fmt.Sprintf("lesson-%d/q%d", lesson, i%5), correct, at+1000); err != nil {
			b.Fatal(err)
		}
		outcome := "completed"
		if (i/benchLessons)%5 == 4 { // every fifth round: every lesson has both outcomes
			outcome = "abandoned"
		}
		if _, err := res.Exec(id, at+150_000, outcome, correct); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
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
