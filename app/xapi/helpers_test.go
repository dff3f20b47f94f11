package xapi

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// t0 is the tests' fixed time.
var t0 = time.Date(2026, 3, 4, 9, 30, 0, 0, time.UTC)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testConfig is a valid configuration for endpoint.
func testConfig(endpoint string) Config {
	return Config{Endpoint: endpoint, Username: "learner-key", Password: "s3cret-pa55", ActorName: "Ada Lovelace",
		ActorMbox: "ada@example.com"}
}

// testLesson is one lesson with a single-choice and a multiple-choice
// question.
func testLesson() store.Lesson {
	return store.Lesson{
		ID: "listening-basics", Title: "Listening basics", Kind: "lesson", Level: 1, Minutes: 2, Body: "Listen first.",
		Skills: []string{"active-listening"}, SourceFile: "listening.md", ContentHash: "h-lesson",
		Questions: []store.Question{
			{ID: "listening-basics/q1", Ord: 0, Type: "single", Prompt: "What do you do first?", ContentHash: "qh1",
				Options: []store.Option{{Text: "Listen", Correct: true, Why: "yes"}, {Text: "Talk", Why: "no"}, {Text: "Leave", Why: "no"}}},
			{ID: "listening-basics/q2", Ord: 1, Type: "multiple", Prompt: "Which help?", ContentHash: "qh2",
				Options: []store.Option{{Text: "Nodding", Correct: true}, {Text: "Phone", Why: "no"}, {Text: "Summaries", Correct: true}}},
		},
	}
}

// openStore opens a fresh store with the test lesson imported.
func openStore(t testing.TB, now func() time.Time) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "tidbit.db"), store.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tax := &assets.Taxonomy{
		Categories: []assets.Category{{ID: "communication", Name: "Communication"}},
		Skills:     []assets.Skill{{ID: "active-listening", Name: "Active listening", Category: "communication", Kind: assets.Soft}},
	}
	if err := st.SyncTaxonomy(ctx, tax); err != nil {
		t.Fatal(err)
	}
	p := store.Pack{ID: "test", Title: "Test", Version: "1.0.0", ContentHash: "p"}
	if _, err := st.ImportPack(ctx, p, []store.Lesson{testLesson()}); err != nil {
		t.Fatal(err)
	}
	return st
}

// recordAttempt writes one completed attempt at the test lesson through
// the store as a session does, with rec's statements (experienced, two
// answered, completed, passed or failed), and returns their ids.
func recordAttempt(t testing.TB, st *store.Store, rec *Recorder, attemptID string, at time.Time, correct bool) []string {
	t.Helper()
	ctx := context.Background()
	l := testLesson()
	a := store.Attempt{ID: attemptID, LessonID: l.ID, Kind: "lesson", StartedAt: at, Source: "test"}
	a.Outbox = rec.Started(l, a)
	if err := st.StartAttempt(ctx, a); err != nil {
		t.Fatal(err)
	}
	ids := outboxItemIDs(a.Outbox)
	right := 0
	for i, q := range l.Questions {
		chosen := []int{0}
		if q.Type == "multiple" {
			chosen = []int{0, 2}
		}
		if !correct {
			chosen = []int{1}
		} else {
			right++
		}
		ans := store.Answer{ID: fmt.Sprintf("%s-ans-%d", attemptID, i), AttemptID: attemptID, QuestionID: q.ID, QuestionHash: q.ContentHash,
			Chosen: chosen, Correct: correct, AnsweredAt: at.Add(time.Duration(i+1) * 10 * time.Second), Duration: 8250 * time.Millisecond}
		ans.Outbox = rec.Answered(l, q, ans)
		if err := st.RecordAnswer(ctx, ans); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, outboxItemIDs(ans.Outbox)...)
	}
	res := store.AttemptResult{AttemptID: attemptID, FinishedAt: at.Add(time.Minute), Outcome: "completed", Seconds: 60,
		Correct: right, Answered: len(l.Questions)}
	res.Outbox = rec.Finished(l, a, res)
	if err := st.FinishAttempt(ctx, res); err != nil {
		t.Fatal(err)
	}
	return append(ids, outboxItemIDs(res.Outbox)...)
}

// recordReview stores a spaced-repetition review of the lesson's first
// question that the learner graded themselves (rating 1-4, no option
// chosen), with its statements queued.
func recordReview(t testing.TB, st *store.Store, rec *Recorder, attemptID string, at time.Time, rating int) {
	t.Helper()
	ctx := context.Background()
	l := testLesson()
	a := store.Attempt{ID: attemptID, LessonID: l.ID, Kind: "review", StartedAt: at, Source: "test"}
	a.Outbox = rec.Started(l, a)
	if err := st.StartAttempt(ctx, a); err != nil {
		t.Fatal(err)
	}
	q := l.Questions[0]
	ans := store.Answer{ID: attemptID + "-ans", AttemptID: attemptID, QuestionID: q.ID, QuestionHash: q.ContentHash,
		Chosen: []int{}, Correct: rating >= 2, Rating: rating, AnsweredAt: at.Add(5 * time.Second), Duration: 4 * time.Second}
	ans.Outbox = rec.Answered(l, q, ans)
	if err := st.RecordAnswer(ctx, ans); err != nil {
		t.Fatal(err)
	}
	res := store.AttemptResult{AttemptID: attemptID, FinishedAt: at.Add(10 * time.Second), Outcome: "completed", Seconds: 10,
		Correct: map[bool]int{true: 1}[rating >= 2], Answered: 1}
	res.Outbox = rec.Finished(l, a, res)
	if err := st.FinishAttempt(ctx, res); err != nil {
		t.Fatal(err)
	}
}

func outboxItemIDs(items []store.OutboxItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

// pending lists the unsent statements regardless of their next try.
func pending(t testing.TB, st *store.Store) []store.OutboxItem {
	t.Helper()
	items, err := st.Pending(context.Background(), OutboxKind, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 100000)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// needProgram skips (or, in CI, fails) a test that needs an external
// program or folder.
func needProgram(t *testing.T, what, install string, ok bool) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing; CI must provide it: %s", what, install)
	}
	t.Skipf("%s is missing: %s", what, install)
}

func lookPath(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}

func storeItem(id, payload string) store.OutboxItem {
	return store.OutboxItem{ID: id, Kind: OutboxKind, Payload: payload}
}
