package daemon

import (
	"context"
	"sync"
	"time"

	"github.com/tidbit-learn/tidbit/scheduler/moments"
)

// StateKey is the settings-table key of the resident's saved state.
const StateKey = "daemon.state"

// State is what the resident keeps across restarts: the scheduler's policy
// state (today's budget, spacing, a held item, pause, snooze, back-offs,
// the weekly goal) and the item picked for each moment still open, so a
// held moment comes back with the same lesson.
type State struct {
	Policy *moments.State     `json:"policy,omitempty"`
	Items  map[string]Offered `json:"items,omitempty"` // by moment ID
}

// Offered is the item shown for a moment.
type Offered struct {
	LessonID string `json:"lesson_id"`
	Why      string `json:"why,omitempty"`
	Review   bool   `json:"review,omitempty"`
	Minutes  int    `json:"minutes,omitempty"` // the item's length
	// Row is the moment's row in the store's moments log (its outcome is
	// set when the window reports back).
	Row int64     `json:"row,omitempty"`
	At  time.Time `json:"at"` // when it was offered
}

// Settings is what state needs of the store.
type Settings interface {
	Setting(ctx context.Context, key string, v any) (bool, error)
	SetSetting(ctx context.Context, key string, v any) error
}

// items is the open moments' items, safe for concurrent use.
type items struct {
	mu sync.Mutex
	m  map[string]Offered
}

func (it *items) get(id string) (Offered, bool) {
	it.mu.Lock()
	defer it.mu.Unlock()
	o, ok := it.m[id]
	return o, ok
}

func (it *items) put(id string, o Offered) {
	it.mu.Lock()
	defer it.mu.Unlock()
	if it.m == nil {
		it.m = map[string]Offered{}
	}
	it.m[id] = o
}

// prune drops items offered before since, except the held one, so the map
// does not grow.
func (it *items) prune(held string, since time.Time) {
	it.mu.Lock()
	defer it.mu.Unlock()
	for id, o := range it.m {
		if id != held && o.At.Before(since) {
			delete(it.m, id)
		}
	}
}

func (it *items) snapshot() map[string]Offered {
	it.mu.Lock()
	defer it.mu.Unlock()
	out := make(map[string]Offered, len(it.m))
	for k, v := range it.m {
		out[k] = v
	}
	return out
}
