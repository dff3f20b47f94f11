package daemon

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"time"

	"github.com/tidbit-learn/tidbit/scheduler/moments"
)

// prepicked is the next item picked ahead of time, so a moment's pop-up
// does not wait for the recommender (150-200 ms on a loaded machine). It
// is valid while nothing the pick depends on has changed: the answers in
// the store, the profile and the day. A moment with a meeting (the pick
// matches the meeting) or fewer minutes than the item needs picks afresh.
type prepicked struct {
	mu    sync.Mutex
	key   string
	item  Offered
	valid bool
	busy  bool
}

// usualMinutes is the moment length picked ahead for: a natural pause or
// a return offers the usual item (moments.Config.ItemMinutes).
var usualMinutes = moments.DefaultConfig().ItemMinutes

// pickKey fingerprints what a pick depends on.
func (d *Daemon) pickKey(ctx context.Context) (string, error) {
	n, err := d.app.Store.AnswerCount(ctx)
	if err != nil {
		return "", err
	}
	prof, err := d.app.Store.Profile(ctx)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256([]byte(fmt.Sprintf("%d\x00%s\x00%q\x00%q\x00%v", n, d.Now().In(d.Loc).Format(time.DateOnly),
		prof.Role, prof.Notes, prof.Goals)))
	return fmt.Sprintf("%x", h[:8]), nil
}

// prepick picks the next usual item in the background when the one kept
// is stale; it never runs twice at once.
func (d *Daemon) prepick() {
	pp := &d.pre
	pp.mu.Lock()
	if pp.busy || d.app == nil {
		pp.mu.Unlock()
		return
	}
	pp.busy = true
	pp.mu.Unlock()
	go func() {
		defer func() { pp.mu.Lock(); pp.busy = false; pp.mu.Unlock() }()
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		key, err := d.pickKey(ctx)
		if err != nil {
			return
		}
		pp.mu.Lock()
		fresh := pp.valid && pp.key == key
		pp.mu.Unlock()
		if fresh {
			return
		}
		it, err := d.pick(ctx, moments.Moment{Minutes: usualMinutes})
		if err != nil {
			return
		}
		pp.mu.Lock()
		pp.key, pp.item, pp.valid = key, it, true
		pp.mu.Unlock()
		d.trim.soon()
	}()
}

// takePrepicked returns the item picked ahead for m when it still holds,
// and forgets it (the next one is picked after this offer).
func (d *Daemon) takePrepicked(ctx context.Context, m moments.Moment) (Offered, bool) {
	if m.Meeting != "" {
		return Offered{}, false
	}
	pp := &d.pre
	pp.mu.Lock()
	it, valid, key := pp.item, pp.valid, pp.key
	pp.mu.Unlock()
	if !valid || (it.Minutes > 0 && it.Minutes > m.Minutes) {
		return Offered{}, false
	}
	now, err := d.pickKey(ctx)
	if err != nil || now != key {
		return Offered{}, false
	}
	pp.mu.Lock()
	pp.valid = false
	pp.mu.Unlock()
	return it, true
}
