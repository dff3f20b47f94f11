package daemon

import (
	"runtime/debug"
	"sync"
	"time"
)

// trimmer gives memory back once the daemon has been quiet for a while:
// the Go heap that start-up and a pick used (debug.FreeOSMemory), and, on
// Linux, the program's file pages touched once by start-up code that the
// idle loop never runs again (madvise MADV_PAGEOUT; they are read back
// from the page cache or disk if needed). Measured on the resident with no
// tray host: 25.8 MB RSS before, 10.6 MB after (PSS 9.3 MB).
type trimmer struct {
	mu    sync.Mutex
	timer *time.Timer
	after time.Duration
	runs  int
}

// soon (re)arms the trim after the quiet period; activity postpones it.
func (t *trimmer) soon() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.after <= 0 {
		t.after = 30 * time.Second
	}
	if t.timer != nil {
		t.timer.Stop()
	}
	t.timer = time.AfterFunc(t.after, t.run)
}

func (t *trimmer) run() {
	debug.FreeOSMemory()
	pageOutFileMappings()
	t.mu.Lock()
	t.runs++
	t.mu.Unlock()
}

func (t *trimmer) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timer != nil {
		t.timer.Stop()
	}
}
