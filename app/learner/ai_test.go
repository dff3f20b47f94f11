package learner

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestAIHints: skills a local model read into the profile or a meeting's
// title steer the pick like keyword matches do, and the reason says so.
func TestAIHints(t *testing.T) {
	tax := testTaxonomy(t)
	lessons := []Lesson{
		{ID: "delegate-1", Title: "Delegating", Skills: []string{"delegation"}, Level: 1, Minutes: 3},
		{ID: "coach-1", Title: "Coaching", Skills: []string{"coaching"}, Level: 1, Minutes: 3},
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name       string
		in         ProfileInput
		moment     Moment
		wantLesson string
		wantReason string
		notReason  string
	}{
		{name: "AI target named in the reason",
			in:         ProfileInput{AITargets: []AITarget{{Skill: "coaching", Level: 4, Why: "The goals say grow the juniors."}}},
			moment:     Moment{Minutes: 5, Time: now},
			wantLesson: "coach-1", wantReason: "AI reading of your profile"},
		{name: "meeting skill from the model",
			in:         ProfileInput{Goals: []string{"delegation"}},
			moment:     Moment{Minutes: 5, Time: now, MeetingTitle: "Thursday with Sam", MeetingSkills: []string{"coaching", "no-such-skill"}},
			wantLesson: "coach-1", wantReason: "Thursday with Sam"},
		{name: "meeting skills without a title are ignored",
			in:         ProfileInput{Goals: []string{"delegation"}},
			moment:     Moment{Minutes: 5, Time: now, MeetingSkills: []string{"coaching"}},
			wantLesson: "delegate-1", notReason: "meeting"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prof, err := BuildProfile(tax, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := New(Config{Taxonomy: tax, Lessons: lessons, Profile: prof, Mastery: NewBetaMastery(),
				Rand: rand.New(rand.NewPCG(1, 1)), Epsilon: -1})
			if err != nil {
				t.Fatal(err)
			}
			p, err := rec.Next(context.Background(), tc.moment)
			if err != nil {
				t.Fatal(err)
			}
			if p.LessonID != tc.wantLesson || !strings.Contains(p.Reason, tc.wantReason) ||
				(tc.notReason != "" && strings.Contains(p.Reason, tc.notReason)) {
				t.Errorf("pick %s (%q), want %s with a reason saying %q", p.LessonID, p.Reason, tc.wantLesson, tc.wantReason)
			}
		})
	}
}
