package terminal

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/learn"
	"github.com/tidbit-learn/tidbit/app/lessonflow"
	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/app/store"
)

// fillHistory adds n completed attempts, each with one answer, spread over
// the last year, straight through SQL in one transaction (the store's own
// API fsyncs every write, which would make setup take minutes).
func fillHistory(tb testing.TB, a *core.App, n int) {
	tb.Helper()
	ctx := context.Background()
	lib, err := a.Store.Library(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	var qs []store.Question
	for _, l := range lib {
		full, _ := a.Store.Lesson(ctx, l.ID)
		qs = append(qs, full.Questions...)
	}
	db, err := sql.Open("sqlite3", "file:"+a.Paths.Database()+"?_busy_timeout=10000&_synchronous=OFF")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Now().Add(-365 * 24 * time.Hour).UnixMilli()
	for i := 0; i < n; i++ {
		q := qs[i%len(qs)]
		at := start + int64(i)*(365*24*3600*1000/int64(n))
		id := fmt.Sprintf("hist-%07d", i)
		if _, err := tx.Exec(`INSERT INTO attempts(id, lesson_id, kind, started_at, source) VALUES (?, ?, 'lesson', ?, 'bench')`, id, q.LessonID, at); err != nil {
			tb.Fatal(err)
		}
		tx.Exec(`INSERT INTO attempt_results(attempt_id, finished_at, outcome, seconds, correct, answered) VALUES (?, ?, 'completed', 150, 1, 1)`, id, at+150000)
		tx.Exec(`INSERT INTO answers(id, attempt_id, question_id, question_hash, chosen, correct, answered_at, duration_ms)
			VALUES (?, ?, ?, ?, '[0]', ?, ?, 9000)`, id+"-a", id, q.ID, q.ContentHash, i%3 != 0, at+60000)
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkLearnStart measures `tidbit learn` in-process from opening the
// data folder to the first lesson on screen, with 100,000 attempts in the
// database: open, pick, load, record the attempt's start (an fsync), render.
// Target: under 150 ms. It reports the median and the 90th percentile.
func BenchmarkLearnStart(b *testing.B) {
	p, err := paths.Resolve(filepath.Join(b.TempDir(), "data"), paths.OS())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	a, err := core.Open(ctx, p, core.Options{})
	if err != nil {
		b.Fatal(err)
	}
	fillHistory(b, a, 100_000)
	a.Close()
	var times []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		var shown time.Duration
		out := &watchWriter{on: "Press Enter for the quiz", hit: func() { shown = time.Since(start) }}
		a, err := core.Open(ctx, p, core.Options{Store: store.Options{SkipCheck: true}})
		if err != nil {
			b.Fatal(err)
		}
		flow := &lessonflow.Flow{Store: a.Store, Taxonomy: a.Taxonomy, Picker: learn.BasicPicker{Store: a.Store, Taxonomy: a.Taxonomy},
			Source: "bench", FullQuiz: true}
		s := &Session{Flow: flow, In: strings.NewReader("q\n"), Out: out}
		if _, err := s.Run(ctx, ""); err != nil {
			b.Fatal(err)
		}
		a.Close()
		if shown == 0 {
			b.Fatal("the lesson was never shown")
		}
		times = append(times, shown)
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median-to-lesson")
	b.ReportMetric(float64(times[len(times)*9/10].Microseconds())/1000, "ms-p90-to-lesson")
}

type watchWriter struct {
	on    string
	hit   func()
	buf   strings.Builder
	fired bool
}

func (w *watchWriter) Write(p []byte) (int, error) {
	if !w.fired {
		w.buf.Write(p)
		if strings.Contains(w.buf.String(), w.on) {
			w.fired = true
			w.hit()
		}
	}
	return len(p), nil
}
