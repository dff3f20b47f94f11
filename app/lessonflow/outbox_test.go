package lessonflow

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/core/coretest"
	"github.com/tidbit-learn/tidbit/app/learn"
	"github.com/tidbit-learn/tidbit/app/xapi"
)

// TestRunOutbox: a window's run with app/xapi's Recorder as the outbox
// queues experienced, one answered per first answer (retries are not
// recorded, so they send nothing), completed and passed or failed — each in
// the write of its record.
func TestRunOutbox(t *testing.T) {
	ctx := context.Background()
	rec, err := xapi.NewRecorder(xapi.Config{Endpoint: "https://lrs.example.com/xAPI/", Username: "u", Password: "p",
		ActorMbox: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		outbox  learn.Outbox
		right   bool
		outcome string
		want    []string // verbs, sorted
	}{
		{"passed", rec, true, Completed, []string{"answered", "answered", "completed", "experienced", "passed"}},
		{"failed", rec, false, Completed, []string{"answered", "answered", "completed", "experienced", "failed"}},
		{"later", rec, true, Later, []string{"answered", "answered", "experienced"}},
		{"no LRS configured", (*xapi.Recorder)(nil), true, Completed, nil},
		{"no hook", nil, true, Completed, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := coretest.Open(t)
			l := firstWithQuestions(t, a, false)
			f := newFlow(t, a, fixedPicker{learn.Pick{LessonID: l.ID}})
			f.Outbox = tc.outbox
			r, err := f.Start(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range r.Questions[:2] {
				choice := rightChoice(q)
				if !tc.right {
					choice = wrongChoice(q)
				}
				if _, err := r.Answer(ctx, q.ID, choice, 1); err != nil {
					t.Fatal(err)
				}
				if _, err := r.Answer(ctx, q.ID, rightChoice(q), 2); err != nil { // a retry: not recorded
					t.Fatal(err)
				}
			}
			if err := r.Finish(ctx, tc.outcome); err != nil {
				t.Fatal(err)
			}
			if err := r.Finish(ctx, Abandoned); err != nil { // ignored
				t.Fatal(err)
			}
			items, err := a.Store.Pending(ctx, xapi.OutboxKind, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 100)
			if err != nil {
				t.Fatal(err)
			}
			var verbs []string
			for _, it := range items {
				var s xapi.Statement
				if err := json.Unmarshal([]byte(it.Payload), &s); err != nil {
					t.Fatal(err)
				}
				if s.Context == nil || s.Context.Registration != "" && s.Context.Registration != r.AttemptID {
					t.Errorf("statement %s: context %+v", s.ID, s.Context)
				}
				verbs = append(verbs, s.Verb.Display["en-US"])
			}
			slices.Sort(verbs)
			if strings.Join(verbs, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("queued %v, want %v", verbs, tc.want)
			}
		})
	}
}
