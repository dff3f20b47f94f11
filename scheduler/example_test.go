package scheduler_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/tidbit-learn/tidbit/scheduler"
	"github.com/tidbit-learn/tidbit/scheduler/calendar"
	"github.com/tidbit-learn/tidbit/scheduler/moments"
	"github.com/tidbit-learn/tidbit/scheduler/presence"
)

// Example shows how a daemon wires the scheduler: probe presence once, read
// the calendar the user configured, restore yesterday's policy state, and
// hand offered moments to the recommender and the UI.
func Example() {
	ctx := context.Background()
	mon := presence.Probe(ctx, presence.Options{})
	defer mon.Close()
	fmt.Print(mon.Describe()) // what `tidbit doctor` prints

	src, err := calendar.SourceFor("work.ics", calendar.SourceOptions{CacheDir: os.TempDir()})
	if err != nil {
		log.Fatal(err)
	}
	var saved *moments.State // e.g. json.Unmarshal of what OnState stored last time
	var sched *scheduler.Scheduler
	sched, err = scheduler.New(scheduler.Options{
		Policy: moments.Config{
			WorkingHours: calendar.WorkingHours{Start: 9 * time.Hour, End: 17 * time.Hour},
			Quiet:        []moments.Span{{Start: 12 * time.Hour, End: 13 * time.Hour}},
		},
		Calendar: src,
		Presence: mon,
		State:    saved,
		Log: moments.LogFunc(func(d moments.Decision) {
			log.Print(d) // or store it: every decision has its reason
		}),
		OnMoment: func(m moments.Moment) {
			// Pick an item that fits m.Minutes, using m.Kind, m.Context,
			// m.RecapOf and m.Released; show it without blocking, then report
			// the answer: sched.Answer(m.ID, moments.Accepted|Dismissed) or
			// sched.Snooze(m.ID, moments.SnoozeShort|SnoozeHour|SnoozeRestOfDay).
			go func() { _ = sched.Answer(m.ID, moments.Accepted) }()
		},
		OnState: func(st moments.State) {
			b, _ := json.Marshal(st)
			_ = os.WriteFile("policy-state.json", b, 0o600)
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := sched.Start(ctx); err != nil {
		log.Fatal(err)
	}
	defer sched.Stop()
	sched.Pause(2 * time.Hour) // "pause for 2 hours" in the tray menu; resumes by itself
}
