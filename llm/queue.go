package llm

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// QuizMaker makes a verified quiz for a lesson; *Generator is one.
type QuizMaker interface {
	Quiz(ctx context.Context, l Lesson) (Quiz, error)
}

// Cache keeps model outputs between runs. Its methods are those of the
// content store's model cache, so the store can be passed as is.
type Cache interface {
	CacheGet(ctx context.Context, key string) (string, bool, error)
	CachePut(ctx context.Context, key, kind, model, value string, ttl time.Duration) error
}

// QuizStore receives every verified quiz; the composition root writes its
// questions to the content store as AI-written questions.
type QuizStore interface {
	SaveQuiz(ctx context.Context, q Quiz) error
}

// QueueStats counts what the queue did.
type QueueStats struct {
	Prepared  int `json:"prepared"`
	Failed    int `json:"failed"`
	Cancelled int `json:"cancelled"` // jobs stopped because the user became active
	Pending   int `json:"pending"`
	Ready     int `json:"ready"`
}

// Queue prepares quizzes ahead of time, one request at a time, only while
// the user is idle. A value on Activity of true (the user is active)
// cancels the running request at once; false (idle) lets work resume.
// Ready never waits for the model.
type Queue struct {
	Maker    QuizMaker
	Model    string // part of the cache key
	Cache    Cache  // optional
	Store    QuizStore
	Activity <-chan bool
	// Idle is the user's state when Run starts.
	Idle bool
	// RetryAfter is how long a lesson whose quiz failed validation or
	// verification waits before another try (default 6h).
	RetryAfter time.Duration
	// Pause is how long the queue waits after a server fault (default 1m).
	Pause time.Duration
	// TTL of cache entries (default 30 days).
	TTL time.Duration
	Now func() time.Time
	Log *slog.Logger

	mu      sync.Mutex
	pending []Lesson
	ready   map[string]Quiz
	failed  map[string]time.Time // lesson id+hash -> when
	stats   QueueStats
	wake    chan struct{}
}

func (q *Queue) init() {
	if q.ready == nil {
		q.ready = map[string]Quiz{}
		q.failed = map[string]time.Time{}
		q.wake = make(chan struct{}, 1)
	}
}

func (q *Queue) now() time.Time {
	if q.Now != nil {
		return q.Now()
	}
	return time.Now()
}

// CacheKey names lesson l's quiz in the cache: a new prompt version,
// model or lesson text means a new quiz.
func (q *Queue) CacheKey(l Lesson) string {
	return "quiz/" + PromptVersion + "/" + q.Model + "/" + l.ID + "/" + l.Hash
}

// Ready returns the prepared quiz for a lesson, without waiting.
func (q *Queue) Ready(lessonID string) (Quiz, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	qz, ok := q.ready[lessonID]
	return qz, ok
}

// Stats returns counters and queue lengths.
func (q *Queue) Stats() QueueStats {
	q.mu.Lock()
	defer q.mu.Unlock()
	s := q.stats
	s.Pending, s.Ready = len(q.pending), len(q.ready)
	return s
}

// Enqueue adds lessons to prepare, loading quizzes already in the cache
// instead. Call it off the pop-up path (at start, after an import).
func (q *Queue) Enqueue(ctx context.Context, lessons ...Lesson) {
	var todo []Lesson
	for _, l := range lessons {
		if q.Cache != nil {
			if v, ok, err := q.Cache.CacheGet(ctx, q.CacheKey(l)); err == nil && ok {
				var qz Quiz
				if json.Unmarshal([]byte(v), &qz) == nil && qz.LessonID == l.ID && len(qz.Questions) > 0 {
					q.mu.Lock()
					q.init()
					q.ready[l.ID] = qz
					q.mu.Unlock()
					continue
				}
			}
		}
		todo = append(todo, l)
	}
	q.mu.Lock()
	q.init()
	now := q.now()
	retry := q.RetryAfter
	if retry <= 0 {
		retry = 6 * time.Hour
	}
outer:
	for _, l := range todo {
		if r, ok := q.ready[l.ID]; ok && r.LessonHash == l.Hash {
			continue
		}
		if t, ok := q.failed[l.ID+"\x00"+l.Hash]; ok && now.Sub(t) < retry {
			continue
		}
		for _, p := range q.pending {
			if p.ID == l.ID && p.Hash == l.Hash {
				continue outer
			}
		}
		q.pending = append(q.pending, l)
	}
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *Queue) next() (Lesson, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) == 0 {
		return Lesson{}, false
	}
	l := q.pending[0]
	q.pending = q.pending[1:]
	return l, true
}

func (q *Queue) requeueFront(l Lesson) {
	q.mu.Lock()
	q.pending = append([]Lesson{l}, q.pending...)
	q.mu.Unlock()
}

type result struct {
	quiz Quiz
	err  error
}

// Run works through the queue until ctx ends. Run it in its own goroutine.
func (q *Queue) Run(ctx context.Context) {
	q.mu.Lock()
	q.init()
	wake := q.wake
	q.mu.Unlock()
	idle := q.Idle
	pause := q.Pause
	if pause <= 0 {
		pause = time.Minute
	}
	var pausedUntil <-chan time.Time
	for {
		if idle && pausedUntil == nil {
			if l, ok := q.next(); ok {
				var stop bool
				idle, pausedUntil, stop = q.job(ctx, l, pause)
				if stop {
					return
				}
				continue
			}
		}
		select {
		case <-ctx.Done():
			return
		case a, ok := <-q.Activity:
			if !ok {
				q.Activity = nil
				continue
			}
			idle = !a
		case <-wake:
		case <-pausedUntil:
			pausedUntil = nil
		}
	}
}

// job runs one request, cancelling it if the user becomes active.
func (q *Queue) job(ctx context.Context, l Lesson, pause time.Duration) (idle bool, pausedUntil <-chan time.Time, stop bool) {
	jctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan result, 1)
	go func() {
		qz, err := q.Maker.Quiz(jctx, l)
		done <- result{qz, err}
	}()
	idle = true
	for {
		select {
		case r := <-done:
			return idle, q.finish(ctx, l, r, pause), false
		case a, ok := <-q.Activity:
			if !ok {
				q.Activity = nil
				continue
			}
			if !a {
				continue
			}
			cancel()
			<-done
			q.requeueFront(l)
			q.mu.Lock()
			q.stats.Cancelled++
			q.mu.Unlock()
			return false, nil, false
		case <-ctx.Done():
			cancel()
			<-done
			q.requeueFront(l)
			return idle, nil, true
		}
	}
}

func (q *Queue) finish(ctx context.Context, l Lesson, r result, pause time.Duration) <-chan time.Time {
	if r.err != nil {
		if q.Log != nil {
			q.Log.Info("quiz not prepared", "lesson", l.ID, "err", r.err)
		}
		if errors.Is(r.err, ErrServer) || ctx.Err() != nil {
			q.requeueFront(l)
			return time.After(pause)
		}
		q.mu.Lock()
		q.init()
		q.failed[l.ID+"\x00"+l.Hash] = q.now()
		q.stats.Failed++
		q.mu.Unlock()
		return nil
	}
	if q.Store != nil {
		if err := q.Store.SaveQuiz(ctx, r.quiz); err != nil && q.Log != nil {
			q.Log.Warn("saving quiz", "lesson", l.ID, "err", err)
		}
	}
	if q.Cache != nil {
		ttl := q.TTL
		if ttl <= 0 {
			ttl = 30 * 24 * time.Hour
		}
		b, _ := json.Marshal(r.quiz)
		if err := q.Cache.CachePut(ctx, q.CacheKey(l), "quiz", q.Model, string(b), ttl); err != nil && q.Log != nil {
			q.Log.Warn("caching quiz", "lesson", l.ID, "err", err)
		}
	}
	q.mu.Lock()
	q.init()
	q.ready[l.ID] = r.quiz
	q.stats.Prepared++
	q.mu.Unlock()
	return nil
}
