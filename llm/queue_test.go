package llm

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// memCache is an in-memory Cache with the content store's semantics.
type memCache struct {
	mu sync.Mutex
	m  map[string]string
}

func (c *memCache) CacheGet(_ context.Context, key string) (string, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok, nil
}

func (c *memCache) CachePut(_ context.Context, key, kind, model, value string, ttl time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]string{}
	}
	c.m[key] = value
	return nil
}

type memStore struct {
	mu    sync.Mutex
	saved []Quiz
}

func (s *memStore) SaveQuiz(_ context.Context, q Quiz) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.saved = append(s.saved, q)
	return nil
}

// fakeMaker makes a one-question quiz per lesson. With block set, each
// call waits for a value on release or for its context to end.
type fakeMaker struct {
	block   bool
	release chan struct{}
	started chan string
	fail    map[string]error

	mu        sync.Mutex
	calls     int
	cancelled int
}

func (m *fakeMaker) Quiz(ctx context.Context, l Lesson) (Quiz, error) {
	m.mu.Lock()
	m.calls++
	m.mu.Unlock()
	if m.started != nil {
		m.started <- l.ID
	}
	if m.block {
		select {
		case <-m.release:
		case <-ctx.Done():
			m.mu.Lock()
			m.cancelled++
			m.mu.Unlock()
			return Quiz{}, fmt.Errorf("%w: %w", ErrUseAuthored, ctx.Err())
		}
	}
	if err := m.fail[l.ID]; err != nil {
		return Quiz{}, err
	}
	return Quiz{LessonID: l.ID, LessonHash: l.Hash, Questions: []Question{{ID: l.ID + "/ai-1", Prompt: "q"}}}, nil
}

func lessons(n int) []Lesson {
	var out []Lesson
	for i := range n {
		out = append(out, Lesson{ID: fmt.Sprintf("l%d", i), Hash: "h", Body: "b"})
	}
	return out
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func runQueue(t *testing.T, q *Queue) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { q.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func TestQueuePreparesWhileIdle(t *testing.T) {
	cache, store := &memCache{}, &memStore{}
	act := make(chan bool)
	q := &Queue{Maker: &fakeMaker{}, Model: "tiny", Cache: cache, Store: store, Activity: act}
	q.Enqueue(context.Background(), lessons(3)...)
	runQueue(t, q)
	time.Sleep(20 * time.Millisecond)
	if s := q.Stats(); s.Prepared != 0 {
		t.Fatalf("worked while the user was active: %+v", s)
	}
	act <- false
	waitFor(t, "three quizzes", func() bool { return q.Stats().Prepared == 3 })
	for _, l := range lessons(3) {
		qz, ok := q.Ready(l.ID)
		if !ok || qz.LessonID != l.ID {
			t.Errorf("Ready(%s) = %v, %v", l.ID, qz, ok)
		}
		if _, ok, _ := cache.CacheGet(context.Background(), q.CacheKey(l)); !ok {
			t.Errorf("%s not cached", l.ID)
		}
	}
	if len(store.saved) != 3 {
		t.Errorf("stored %d quizzes", len(store.saved))
	}
	if _, ok := q.Ready("nope"); ok {
		t.Error("Ready for an unknown lesson")
	}

	// A second queue (next start of the app) finds them in the cache
	// without asking the model.
	m2 := &fakeMaker{}
	q2 := &Queue{Maker: m2, Model: "tiny", Cache: cache, Idle: true}
	q2.Enqueue(context.Background(), lessons(3)...)
	if s := q2.Stats(); s.Ready != 3 || s.Pending != 0 {
		t.Errorf("from cache: %+v", s)
	}
	// A new model or lesson text means a new quiz.
	q3 := &Queue{Maker: m2, Model: "other", Cache: cache}
	q3.Enqueue(context.Background(), lessons(3)...)
	if s := q3.Stats(); s.Ready != 0 || s.Pending != 3 {
		t.Errorf("other model: %+v", s)
	}
}

func TestQueueCancelledByActivity(t *testing.T) {
	m := &fakeMaker{block: true, release: make(chan struct{}), started: make(chan string, 10)}
	act := make(chan bool)
	q := &Queue{Maker: m, Model: "tiny", Activity: act, Idle: true}
	q.Enqueue(context.Background(), lessons(2)...)
	runQueue(t, q)
	if id := <-m.started; id != "l0" {
		t.Fatalf("started %s", id)
	}
	// The pop-up path never waits for the model, even mid-request.
	got := make(chan bool)
	go func() { _, ok := q.Ready("l0"); got <- ok }()
	select {
	case ok := <-got:
		if ok {
			t.Error("l0 ready before it was made")
		}
	case <-time.After(time.Second):
		t.Fatal("Ready blocked while the model was working")
	}

	start := time.Now()
	act <- true // the user is back
	waitFor(t, "cancellation", func() bool { return q.Stats().Cancelled == 1 })
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancellation took %v", d)
	}
	m.mu.Lock()
	if m.cancelled != 1 {
		t.Errorf("maker saw %d cancellations", m.cancelled)
	}
	m.mu.Unlock()
	select {
	case id := <-m.started:
		t.Fatalf("started %s while the user was active", id)
	case <-time.After(30 * time.Millisecond):
	}
	if s := q.Stats(); s.Pending != 2 || s.Failed != 0 {
		t.Errorf("cancelled lesson not back in the queue: %+v", s)
	}

	act <- false // idle again: the cancelled lesson comes first
	if id := <-m.started; id != "l0" {
		t.Fatalf("resumed with %s", id)
	}
	m.release <- struct{}{}
	if id := <-m.started; id != "l1" {
		t.Fatalf("then %s", id)
	}
	m.release <- struct{}{}
	waitFor(t, "both ready", func() bool { return q.Stats().Prepared == 2 })
}

func TestQueueFailures(t *testing.T) {
	m := &fakeMaker{fail: map[string]error{
		"l0": fmt.Errorf("%w: %w", ErrUseAuthored, errNothingUsable),
		"l1": fmt.Errorf("%w: %w", ErrUseAuthored, ErrServer),
	}}
	q := &Queue{Maker: m, Model: "tiny", Idle: true, Pause: time.Hour}
	q.Enqueue(context.Background(), lessons(3)...)
	runQueue(t, q)
	waitFor(t, "l0 failed and l1 paused the queue", func() bool {
		s := q.Stats()
		return s.Failed == 1 && s.Pending == 2
	})
	time.Sleep(30 * time.Millisecond)
	m.mu.Lock()
	calls := m.calls
	m.mu.Unlock()
	if calls != 2 {
		t.Errorf("%d calls: the queue did not pause after a server fault", calls)
	}
	// A lesson that failed validation is not retried soon.
	q.Enqueue(context.Background(), lessons(1)...)
	if s := q.Stats(); s.Pending != 2 {
		t.Errorf("failed lesson re-queued at once: %+v", s)
	}
	if !errors.Is(m.fail["l1"], ErrServer) {
		t.Fatal("fixture")
	}
}

// BenchmarkPipelineOverhead measures what Tidbit adds per quiz around the
// model: validating its output, checking the verifier's answers, provenance,
// and storing the quiz (in-memory fakes). Target: under 5 ms.
func BenchmarkPipelineOverhead(b *testing.B) {
	raw := []byte(quizJSON(goodQuestions()))
	sheet := []byte(`{"q1":["A"],"q2":["A"],"q3":["A","B"]}`)
	cache, store := &memCache{}, &memStore{}
	q := &Queue{Model: "tiny", Cache: cache, Store: store}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		qs, _, err := ValidateQuiz(testLesson, raw)
		if err != nil || len(qs) != 3 {
			b.Fatal(err)
		}
		ans, err := parseAnswers(sheet, len(qs))
		if err != nil {
			b.Fatal(err)
		}
		var kept []Question
		for i, x := range qs {
			if sameKey(x.Options, []int{0, 1, 2, 3}, ans[i+1]) {
				x.Provenance = Provenance{AIWritten: true, Model: "tiny", PromptVersion: PromptVersion, Verified: true}
				kept = append(kept, x)
			}
		}
		if len(kept) != 3 {
			b.Fatalf("kept %d", len(kept))
		}
		q.finish(ctx, testLesson, result{quiz: Quiz{LessonID: testLesson.ID, Questions: kept}}, time.Minute)
		store.saved = store.saved[:0]
	}
}
