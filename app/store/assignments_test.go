package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestAssignmentsWithProgress(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	seedContent(t, s, 6, 1) // lesson-1, -3, -5 train active-listening; 0, 2, 4 sql-basics
	received := t0
	complete := func(id, lesson string, at time.Time) {
		t.Helper()
		if err := s.StartAttempt(ctx, Attempt{ID: id, LessonID: lesson, Kind: "lesson", StartedAt: at.Add(-time.Minute)}); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishAttempt(ctx, AttemptResult{AttemptID: id, FinishedAt: at, Outcome: "completed", Seconds: 60}); err != nil {
			t.Fatal(err)
		}
	}
	// Done before the assignment arrived: does not count.
	complete("before", "lesson-2", received.Add(-time.Hour))
	complete("before-skill", "lesson-1", received.Add(-time.Hour))
	a := Assignment{ID: "a1", From: "Sam", Title: "Offsite prep", Note: "We run the retro", Due: received.Add(48 * time.Hour),
		CreatedAt: received, ImportedFrom: "a1.yaml",
		Items: []AssignmentItem{{LessonID: "lesson-2"}, {LessonID: "lesson-4"}, {SkillID: "active-listening", Lessons: 2, Level: 4}}}
	if err := s.AddAssignment(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := s.AddAssignment(ctx, a); !errors.Is(err, ErrAssignmentExists) {
		t.Fatalf("second AddAssignment: %v, want ErrAssignmentExists", err)
	}
	if at, ok, err := s.AssignmentReceived(ctx, "a1"); err != nil || !ok || !at.Equal(received) {
		t.Fatalf("AssignmentReceived = %v %v %v", at, ok, err)
	}
	complete("c1", "lesson-4", received.Add(time.Hour))
	complete("c2", "lesson-3", received.Add(2*time.Hour))
	complete("c3", "lesson-3", received.Add(3*time.Hour)) // the same lesson again counts once
	complete("c4", "lesson-5", received.Add(4*time.Hour))

	got, err := s.AssignmentsWithProgress(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].Progress) != 3 {
		t.Fatalf("got %+v", got)
	}
	g := got[0]
	if g.From != "Sam" || g.Note != "We run the retro" || !g.Due.Equal(a.Due) || g.Items[2].Level != 4 || g.Items[2].Lessons != 2 {
		t.Errorf("stored assignment %+v", g.Assignment)
	}
	cases := []struct {
		name    string
		item    int
		done    time.Time
		lessons int
	}{
		{"lesson completed only before arrival", 0, time.Time{}, 0},
		{"lesson completed after arrival", 1, received.Add(time.Hour), 1},
		{"skill: second distinct lesson completes it", 2, received.Add(4 * time.Hour), 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := g.Progress[tc.item]
			if !p.Done.Equal(tc.done) || len(p.Lessons) != tc.lessons {
				t.Errorf("item %d: done %v with %d lessons, want %v with %d", tc.item, p.Done, len(p.Lessons), tc.done, tc.lessons)
			}
		})
	}

	if err := s.MarkAssignmentDone(ctx, "a1", received.Add(5*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkAssignmentDone(ctx, "a1", received.Add(9*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.DismissAssignment(ctx, "nope", received); !errors.Is(err, ErrNotFound) {
		t.Errorf("DismissAssignment(unknown) = %v, want ErrNotFound", err)
	}
	as, err := s.Assignments(ctx)
	if err != nil || len(as) != 1 || !as[0].DoneAt.Equal(received.Add(5*time.Hour)) {
		t.Fatalf("after MarkAssignmentDone twice: %+v %v (the first time must stay)", as, err)
	}
}

func TestAddAssignmentRefusesBadItems(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	seedContent(t, s, 2, 1)
	cases := []struct {
		name  string
		items []AssignmentItem
	}{
		{"no items", nil},
		{"unknown lesson", []AssignmentItem{{LessonID: "lesson-0"}, {LessonID: "no-such-lesson"}}},
		{"unknown skill", []AssignmentItem{{SkillID: "juggling", Lessons: 1}}},
		{"level out of range", []AssignmentItem{{SkillID: "sql-basics", Lessons: 1, Level: 9}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := s.AddAssignment(ctx, Assignment{ID: "bad", From: "X", Due: t0, ImportedFrom: "x.yaml", Items: tc.items})
			if err == nil {
				t.Fatal("accepted")
			}
			if n := count(t, s, `SELECT count(*) FROM assignments`); n != 0 {
				t.Fatalf("%d assignments stored after a refused one", n)
			}
		})
	}
}

func TestActivityAndReflectionsBetween(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	seedEverything(t, s)
	act, err := s.ActivityBetween(ctx, t0, t0.Add(time.Hour))
	if err != nil || len(act) != 1 || act[0].LessonID != "lesson-0" || act[0].Seconds != 30 || act[0].Kind != "quiz" {
		t.Fatalf("ActivityBetween = %+v, %v", act, err)
	}
	if act, _ := s.ActivityBetween(ctx, t0.Add(time.Hour), t0.Add(2*time.Hour)); len(act) != 0 {
		t.Errorf("ActivityBetween outside the range = %+v", act)
	}
	refl, err := s.ReflectionsBetween(ctx, t0, t0.Add(time.Hour))
	if err != nil || len(refl) != 1 || refl[0].LessonID != "lesson-1" {
		t.Fatalf("ReflectionsBetween = %+v, %v", refl, err)
	}
}
