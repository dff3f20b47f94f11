package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/daemon"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/scheduler/moments"
)

// TestMomentsCommand: the day's log and the policy state the tray saved,
// as text and JSON; a bad --day is a usage error.
func TestMomentsCommand(t *testing.T) {
	home := filepath.Join(t.TempDir(), "h")
	if r := tidbit(t, home, "", "moments"); r.code != 0 || !strings.Contains(r.out, "No moments logged") {
		t.Fatalf("empty: exit %d\n%s%s", r.code, r.out, r.err)
	}
	now := time.Now()
	st := openDB(t, home)
	ctx := context.Background()
	for _, m := range []store.Moment{
		{At: now, Kind: "pause", Reason: "no input for 1m10s", Item: "listening-basics", Outcome: "done"},
		{At: now, Kind: "before-meeting", Reason: "spacing: last offer at 10:00", Outcome: "withheld"},
	} {
		if _, err := st.LogMoment(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	snooze := now.Add(time.Hour)
	if err := st.SetSetting(ctx, daemon.StateKey, daemon.State{Policy: &moments.State{
		Day: now.Format(time.DateOnly), Offered: 2, Minutes: 6, SnoozeUntil: snooze}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	r := tidbit(t, home, "", "moments")
	for _, want := range []string{"pause          done      no input for 1m10s → listening-basics", "withheld  spacing",
		"Policy: today: 2 pop-ups, 6 min", "snoozed until"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
	r = tidbit(t, home, "", "moments", "--json")
	var out struct {
		Moments []store.Moment `json:"moments"`
		Policy  moments.Status `json:"policy"`
	}
	if err := json.Unmarshal([]byte(r.out), &out); err != nil || len(out.Moments) != 2 || out.Policy.Offered != 2 {
		t.Fatalf("json %v: %s", err, r.out)
	}
	if r := tidbit(t, home, "", "moments", "--day", "yesterday"); r.code != 2 || !strings.Contains(r.err, "want YYYY-MM-DD") {
		t.Fatalf("bad day: exit %d %s", r.code, r.err)
	}
	r = tidbit(t, home, "", "doctor")
	if !strings.Contains(r.out, "moments") || !strings.Contains(r.out, "today: 2 pop-ups") {
		t.Fatalf("doctor:\n%s", r.out)
	}
}

func TestUICommandChecksTheWindow(t *testing.T) {
	home := filepath.Join(t.TempDir(), "h")
	for _, tc := range []struct {
		name, want string
		args       []string
	}{
		{"unknown window", `unknown window "sittings": use one of lesson, progress`, []string{"ui", "sittings"}},
		{"lesson flag elsewhere", "--lesson goes with the lesson window only", []string{"ui", "progress", "--lesson", "x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tidbit(t, home, "", tc.args...)
			if r.code != 2 || !strings.Contains(r.err, tc.want) {
				t.Fatalf("exit %d, stderr %q; want 2 and %q", r.code, r.err, tc.want)
			}
		})
	}
}
