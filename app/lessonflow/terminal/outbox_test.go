package terminal

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/core/coretest"
	"github.com/tidbit-learn/tidbit/app/learn"
	"github.com/tidbit-learn/tidbit/app/store"
)

// fakeOutbox names one item per record: "started <attempt>", "answered
// <question>", "finished <outcome> <n answered>".
type fakeOutbox struct{ badAnswer bool }

func item(id string) []store.OutboxItem {
	return []store.OutboxItem{{ID: id, Kind: "test", Payload: "{}"}}
}

func (fakeOutbox) Started(l store.Lesson, a store.Attempt) []store.OutboxItem {
	return item("started " + l.ID + " " + a.Kind)
}

func (f fakeOutbox) Answered(l store.Lesson, q store.Question, a store.Answer) []store.OutboxItem {
	if f.badAnswer {
		return []store.OutboxItem{{Kind: "test"}} // no id: the store refuses it
	}
	return item("answered " + q.ID)
}

func (fakeOutbox) Finished(l store.Lesson, a store.Attempt, r store.AttemptResult) []store.OutboxItem {
	return item("finished " + a.ID + " " + r.Outcome)
}

func outboxOf(t *testing.T, st *store.Store) []string {
	t.Helper()
	items, err := st.Pending(context.Background(), "test", time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	return ids
}

// TestSessionOutbox: with an Outbox hook every record of a session queues
// its statements in the same write; a statement that cannot be queued
// fails the answer, which is then not recorded.
func TestSessionOutbox(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		outbox  learn.Outbox
		answer  func(l store.Lesson) string // input after the lesson text
		want    func(l store.Lesson, attempt string) []string
		wantErr string
	}{
		{"completed", fakeOutbox{}, func(l store.Lesson) string { return strings.Join(answersFor(l, true), "\n") + "\n\n" },
			func(l store.Lesson, attempt string) []string {
				out := []string{"started " + l.ID + " lesson"}
				for _, q := range l.Questions {
					out = append(out, "answered "+q.ID)
				}
				return append(out, "finished "+attempt+" completed")
			}, ""},
		{"stopped after one answer", fakeOutbox{}, func(l store.Lesson) string { return answersFor(l, true)[0] + "\nq\n" },
			func(l store.Lesson, attempt string) []string {
				return []string{"started " + l.ID + " lesson", "answered " + l.Questions[0].ID, "finished " + attempt + " abandoned"}
			}, ""},
		{"statement refused", fakeOutbox{badAnswer: true}, func(l store.Lesson) string { return answersFor(l, true)[0] + "\n" },
			func(l store.Lesson, attempt string) []string { return []string{"started " + l.ID + " lesson"} }, "id and kind are required"},
		{"no hook", nil, func(l store.Lesson) string { return strings.Join(answersFor(l, true), "\n") + "\n\n" },
			func(store.Lesson, string) []string { return nil }, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := coretest.Open(t)
			pick, err := (learn.BasicPicker{Store: a.Store, Taxonomy: a.Taxonomy}).Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			l, err := a.Store.Lesson(ctx, pick.LessonID)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			s := newSession(a, "\n"+tc.answer(l), &out)
			if tc.outbox != nil {
				s.Flow.Outbox = tc.outbox
			}
			res, err := s.Run(ctx, l.ID)
			if tc.wantErr == "" && err != nil {
				t.Fatalf("Run: %v\n%s", err, out.String())
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("Run error = %v, want %q", err, tc.wantErr)
			}
			got, want := outboxOf(t, a.Store), tc.want(l, res.AttemptID)
			// The store orders items by time, then id.
			slices.Sort(got)
			slices.Sort(want)
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Fatalf("outbox %q, want %q", got, want)
			}
			if tc.wantErr != "" {
				answers, _ := a.Store.AnswersOf(ctx, res.AttemptID)
				if len(answers) != 0 {
					t.Fatalf("the answer was recorded although its statement was refused: %+v", answers)
				}
			}
		})
	}
}
