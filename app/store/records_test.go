package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

func openTemp(t *testing.T, now func() time.Time) *Store {
	t.Helper()
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestProfileAndSettings(t *testing.T) {
	st := openTemp(t, nil)
	ctx := context.Background()
	p, err := st.Profile(ctx)
	if err != nil || p.MinutesPerWeek != 30 || len(p.Goals) != 0 {
		t.Fatalf("empty profile: %+v %v", p, err)
	}
	want := Profile{Name: "Ada", Role: "team-lead", Seniority: "senior", Goals: []string{"people-manager", "delegation"},
		Notes: "needs to improve stakeholder updates", SelfRatings: map[string]int{"delegation": 2}, MinutesPerWeek: 45}
	if err := st.SaveProfile(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := st.Profile(ctx)
	if err != nil || got.Name != "Ada" || got.Goals[1] != "delegation" || got.SelfRatings["delegation"] != 2 || got.MinutesPerWeek != 45 {
		t.Fatalf("profile: %+v %v", got, err)
	}

	var hours struct{ Start, End string }
	if ok, err := st.Setting(ctx, "hours", &hours); ok || err != nil {
		t.Fatalf("unset setting: %v %v", ok, err)
	}
	if err := st.SetSetting(ctx, "hours", map[string]string{"Start": "09:00", "End": "17:30"}); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.Setting(ctx, "hours", &hours); !ok || err != nil || hours.End != "17:30" {
		t.Fatalf("setting: %v %v %+v", ok, err, hours)
	}
	var wrong int
	if _, err := st.Setting(ctx, "hours", &wrong); err == nil {
		t.Fatal("reading a setting into the wrong type must fail, not zero it")
	}
}

func TestMomentsLog(t *testing.T) {
	st := openTemp(t, nil)
	ctx := context.Background()
	at := time.Date(2026, 11, 25, 9, 55, 0, 0, time.UTC)
	id, err := st.LogMoment(ctx, Moment{At: at, Kind: "calendar-gap", Reason: "10 min before Standup", Item: "lesson:x", Outcome: "offered"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.LogMoment(ctx, Moment{At: at.Add(time.Hour), Kind: "pause", Reason: "in a meeting", Outcome: "held"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.LogMoment(ctx, Moment{At: at, Kind: "pause", Reason: "x", Outcome: "maybe"}); err == nil {
		t.Fatal("an unknown outcome must be refused")
	}
	if err := st.SetMomentOutcome(ctx, id, "done"); err != nil {
		t.Fatal(err)
	}
	if err := st.SetMomentOutcome(ctx, 999, "done"); err == nil {
		t.Fatal("outcome of a missing moment must fail")
	}
	ms, err := st.Moments(ctx, at, at.Add(2*time.Hour))
	if err != nil || len(ms) != 2 || ms[0].Outcome != "done" || ms[1].Reason != "in a meeting" || !ms[0].At.Equal(at) {
		t.Fatalf("moments: %+v %v", ms, err)
	}
}

func TestModelCache(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	st := openTemp(t, func() time.Time { return now })
	ctx := context.Background()
	if _, ok, err := st.CacheGet(ctx, "k"); ok || err != nil {
		t.Fatalf("empty cache: %v %v", ok, err)
	}
	if err := st.CachePut(ctx, "k", "quiz", "tiny", `{"q":1}`, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := st.CachePut(ctx, "forever", "quiz", "tiny", "v", 0); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := st.CacheGet(ctx, "k"); !ok || err != nil || v != `{"q":1}` {
		t.Fatalf("cache hit: %q %v %v", v, ok, err)
	}
	now = now.Add(2 * time.Hour)
	if _, ok, _ := st.CacheGet(ctx, "k"); ok {
		t.Fatal("an expired entry was returned")
	}
	if _, ok, _ := st.CacheGet(ctx, "forever"); !ok {
		t.Fatal("an entry without expiry expired")
	}
}

func TestOutbox(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	st := openTemp(t, func() time.Time { return now })
	ctx := context.Background()
	for _, id := range []string{"s1", "s2", "s1"} { // s1 twice: one item
		if err := st.Enqueue(ctx, OutboxItem{ID: id, Kind: "xapi", Payload: `{"id":"` + id + `"}`}); err != nil {
			t.Fatal(err)
		}
	}
	items, err := st.Pending(ctx, "xapi", now, 10)
	if err != nil || len(items) != 2 {
		t.Fatalf("pending: %d %v", len(items), err)
	}
	if err := st.MarkFailed(ctx, []string{"s2"}, "LRS answered 500", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkSent(ctx, []string{"s1"}, now); err != nil {
		t.Fatal(err)
	}
	n, last, err := st.OutboxStatus(ctx)
	if err != nil || n != 1 || last != "LRS answered 500" {
		t.Fatalf("status: %d %q %v", n, last, err)
	}
	if items, _ := st.Pending(ctx, "xapi", now, 10); len(items) != 0 {
		t.Fatalf("a failed item was retried before its time: %+v", items)
	}
	items, _ = st.Pending(ctx, "xapi", now.Add(2*time.Minute), 10)
	if len(items) != 1 || items[0].ID != "s2" || items[0].Tries != 1 {
		t.Fatalf("retry: %+v", items)
	}
}
