package coretest

import (
	"context"
	"fmt"
	"testing"

	"github.com/tidbit-learn/tidbit/app/store"
)

// TestOpen: the store holds the starter library, each test gets its own,
// and the store is closed when the test ends.
func TestOpen(t *testing.T) {
	ctx := context.Background()
	var first, second int
	var closedCheck func() error
	t.Run("two stores", func(t *testing.T) {
		a := Open(t)
		lib, err := a.Store.Library(ctx)
		if err != nil {
			t.Fatal(err)
		}
		first = len(lib)
		if first == 0 || a.Taxonomy == nil {
			t.Fatalf("%d starter lessons, taxonomy %v: want the starter library", first, a.Taxonomy != nil)
		}
		// Another test's store: the same library, a separate file.
		b := Open(t)
		if err := b.Store.SaveProfile(ctx, store.Profile{Role: "only in b"}); err != nil {
			t.Fatal(err)
		}
		if p, _ := a.Store.Profile(ctx); p.Role == "only in b" {
			t.Error("two Opens share one store")
		}
		lib2, _ := b.Store.Library(ctx)
		second = len(lib2)
		closedCheck = func() error { _, err := a.Store.Library(ctx); return err }
	})
	if first != second {
		t.Errorf("%d and %d starter lessons", first, second)
	}
	if closedCheck != nil && closedCheck() == nil {
		t.Error("the store still answers after its test ended")
	}
}

// TestOpenWith: NoStarter gives the taxonomy without lessons; the zero
// Options is Open.
func TestOpenWith(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name        string
		opts        Options
		wantLessons bool
	}{
		{name: "zero options", opts: Options{}, wantLessons: true},
		{name: "no starter", opts: Options{NoStarter: true}, wantLessons: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := OpenWith(t, tc.opts)
			lib, err := a.Store.Library(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if (len(lib) > 0) != tc.wantLessons || a.Taxonomy == nil {
				t.Errorf("%d lessons, taxonomy %v: want lessons %v and the taxonomy", len(lib), a.Taxonomy != nil, tc.wantLessons)
			}
		})
	}
}

// TestAddAIQuestions: the questions come back as the lesson's verified AI
// questions, in order, with the first option right, and only for it.
func TestAddAIQuestions(t *testing.T) {
	ctx := context.Background()
	a := Open(t)
	lib, err := a.Store.Library(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		lesson int // index in the library
		n      int
	}{
		{name: "one question", lesson: 0, n: 1},
		{name: "three questions for another lesson", lesson: 1, n: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, err := a.Store.Lesson(ctx, lib[tc.lesson].ID)
			if err != nil {
				t.Fatal(err)
			}
			AddAIQuestions(t, a.Store, before, tc.n)
			after, err := a.Store.Lesson(ctx, before.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(after.AIQuestions) != tc.n || len(after.Questions) != len(before.Questions) {
				t.Fatalf("%d AI and %d authored questions, want %d and %d", len(after.AIQuestions), len(after.Questions), tc.n, len(before.Questions))
			}
			for i, q := range after.AIQuestions {
				wantID, wantPrompt := fmt.Sprintf("%s/ai-%d", before.ID, i), fmt.Sprintf("Generated question %d?", i)
				if q.ID != wantID || q.Prompt != wantPrompt || len(q.Options) != 2 || !q.Options[0].Correct || q.Options[1].Correct ||
					q.AI == nil || !q.AI.GeneratedAt.Equal(AIGeneratedAt) || q.AI.LessonHash != before.ContentHash {
					t.Errorf("AI question %d: %+v, want %s %q with the first of two options right", i, q, wantID, wantPrompt)
				}
			}
		})
	}
	// Each lesson got only its own.
	for _, tc := range tests {
		l, err := a.Store.Lesson(ctx, lib[tc.lesson].ID)
		if err != nil || len(l.AIQuestions) != tc.n {
			t.Errorf("%s: %d AI questions (%v), want %d", lib[tc.lesson].ID, len(l.AIQuestions), err, tc.n)
		}
	}
}
