package calendar

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// LastGood wraps a Source (typically a CalDAVSource) so that its last successful
// answer is kept in Dir and returned, with a Warning on each calendar, when a later
// fetch fails: a calendar server that is down must not make Tidbit forget the meetings.
// (HTTPSource keeps its own copy and needs no wrapper.)
type LastGood struct {
	Source Source
	Dir    string
	Now    func() time.Time // nil: time.Now
}

type lastGoodFile struct {
	Name      string        `json:"name"`
	Fetched   time.Time     `json:"fetched"`
	From      time.Time     `json:"from,omitzero"`
	To        time.Time     `json:"to,omitzero"`
	Calendars []RawCalendar `json:"calendars"`
}

// Name is the wrapped source's name.
func (l *LastGood) Name() string { return l.Source.Name() }

// Fetch fetches through the wrapped source, falling back to the kept copy.
func (l *LastGood) Fetch(ctx context.Context) ([]RawCalendar, error) {
	raws, err := l.Source.Fetch(ctx)
	return l.settle(raws, err, time.Time{}, time.Time{})
}

// FetchRange asks the wrapped source for [from, to) when it can, falling back to the
// kept copy (which may cover another range; its warning says from when it is).
func (l *LastGood) FetchRange(ctx context.Context, from, to time.Time) ([]RawCalendar, error) {
	rs, ok := l.Source.(RangeSource)
	if !ok {
		return l.Fetch(ctx)
	}
	raws, err := rs.FetchRange(ctx, from, to)
	return l.settle(raws, err, from, to)
}

func (l *LastGood) path() string {
	sum := sha256.Sum256([]byte(l.Source.Name()))
	return filepath.Join(l.Dir, "lastgood-"+hex.EncodeToString(sum[:8])+".json")
}

func (l *LastGood) settle(raws []RawCalendar, err error, from, to time.Time) ([]RawCalendar, error) {
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	if err == nil {
		if l.Dir != "" {
			data, merr := json.Marshal(lastGoodFile{Name: l.Source.Name(), Fetched: now(), From: from, To: to, Calendars: raws})
			if merr == nil && os.MkdirAll(l.Dir, 0o700) == nil {
				// A copy that cannot be written costs only the fallback.
				_ = writeFileAtomic(l.path(), data)
			}
		}
		return raws, nil
	}
	if l.Dir == "" {
		return nil, err
	}
	data, rerr := os.ReadFile(l.path())
	if rerr != nil {
		return nil, err
	}
	var kept lastGoodFile
	if jerr := json.Unmarshal(data, &kept); jerr != nil || kept.Name != l.Source.Name() {
		return nil, err
	}
	out := make([]RawCalendar, len(kept.Calendars))
	for i, c := range kept.Calendars {
		c.Warning = fmt.Sprintf("calendar %s: fetch failed (%v); using the copy from %s", l.Source.Name(), err, kept.Fetched.Format(time.RFC3339))
		out[i] = c
	}
	return out, nil
}
