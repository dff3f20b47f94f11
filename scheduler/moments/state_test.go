package moments

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestRestore: a restart keeps today's budget, spacing, the held item and
// back-offs; a state from yesterday keeps all but the day's counters.
func TestRestore(t *testing.T) {
	e := engine(t, Config{}, nil)
	active := Sample{Known: true, Idle: 70 * time.Second}
	d := e.Consider(day(9, 30), Moment{Kind: Pause, At: day(9, 30), Minutes: 3}, active)
	if err := e.Answer(day(9, 31), d.Moment.ID, Accepted); err != nil {
		t.Fatal(err)
	}
	e.Consider(day(10, 40), Moment{Kind: Pause, At: day(10, 40), Minutes: 3}, Sample{Known: true, Signals: []string{"fullscreen"}})
	data, err := json.Marshal(e.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		now        time.Time
		wantOffers int
		wantReason string
	}{
		{"same day: spacing still counts", day(10, 0), 1, "spacing"},
		{"same day, later: released", day(10, 50), 1, "releases the pause item held since 10:40"},
		{"next day: counters reset, hold kept", day(10, 50).AddDate(0, 0, 1), 0, "releases the pause item"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := engine(t, Config{}, nil)
			if err := r.Restore(tc.now, st); err != nil {
				t.Fatal(err)
			}
			if got := r.Status(tc.now).Offered; got != tc.wantOffers {
				t.Fatalf("offered today after restore = %d, want %d", got, tc.wantOffers)
			}
			d := r.Consider(tc.now, Moment{Kind: Pause, At: tc.now, Minutes: 3}, active)
			if !strings.Contains(d.Reason, tc.wantReason) {
				t.Fatalf("decision after restore: %s; want %q", d, tc.wantReason)
			}
			if r.Progress(tc.now).Done != 1 && tc.now.Before(day(23, 0)) {
				t.Fatalf("weekly done lost: %+v", r.Progress(tc.now))
			}
		})
	}
	t.Run("bad day", func(t *testing.T) {
		if err := engine(t, Config{}, nil).Restore(day(9, 0), State{Day: "yesterday"}); err == nil {
			t.Fatal("bad day accepted")
		}
	})
}
