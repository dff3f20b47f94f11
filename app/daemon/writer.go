package daemon

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"
)

// writer runs the daemon's store writes one at a time, in order, off the
// scheduler's and the tray's goroutines: a slow disk never holds a lock.
type writer struct {
	ctx  context.Context
	log  io.Writer
	jobs chan job
	wg   sync.WaitGroup
	once sync.Once
	mu   sync.Mutex
	done bool
}

type job struct {
	what string
	f    func(ctx context.Context) error
	sync chan struct{}
}

func newWriter(ctx context.Context, log io.Writer) *writer {
	w := &writer{ctx: ctx, log: log, jobs: make(chan job, 1024)}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		for j := range w.jobs {
			if j.sync != nil {
				close(j.sync)
				continue
			}
			ctx, cancel := context.WithTimeout(w.ctx, 30*time.Second)
			if err := j.f(ctx); err != nil {
				fmt.Fprintf(w.log, "tidbit: %s: %v\n", j.what, err)
			}
			cancel()
		}
	}()
	return w
}

// do queues f; it never blocks (a full queue drops the write and says so).
func (w *writer) do(what string, f func(ctx context.Context) error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return
	}
	select {
	case w.jobs <- job{what: what, f: f}:
	default:
		fmt.Fprintf(w.log, "tidbit: %s: too many writes queued; dropped\n", what)
	}
}

// wait returns once every write queued before it is done.
func (w *writer) wait() {
	ch := make(chan struct{})
	w.mu.Lock()
	if w.done {
		w.mu.Unlock()
		return
	}
	w.jobs <- job{sync: ch}
	w.mu.Unlock()
	<-ch
}

// close finishes the queued writes.
func (w *writer) close() {
	w.once.Do(func() {
		w.mu.Lock()
		w.done = true
		close(w.jobs)
		w.mu.Unlock()
		w.wg.Wait()
	})
}
