package learner_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/learner/kt"
	"github.com/tidbit-learn/tidbit/assets"
)

func Example() {
	tax, err := assets.LoadTaxonomy()
	if err != nil {
		panic(err)
	}
	prof, err := learner.BuildProfile(tax, learner.ProfileInput{
		Role: "software-engineer", Goals: []string{"team-lead"},
		Notes: "Needs to improve stakeholder updates.",
	})
	if err != nil {
		panic(err)
	}
	// Mastery from the knowledge-tracing model, fed answer by answer.
	st := kt.DefaultModel().NewState()
	for _, right := range []bool{true, false, false, true, false} {
		st.Update("delegation", right)
	}
	lessons := []learner.Lesson{
		{ID: "delegate-outcomes", Title: "Delegate the outcome", Skills: []string{"delegation"}, Level: 2, Minutes: 3},
		{ID: "five-line-update", Title: "The five-line update", Skills: []string{"stakeholder-updates"}, Level: 2, Minutes: 3},
		{ID: "git-small-commits", Title: "Small commits", Skills: []string{"version-control"}, Level: 2, Minutes: 4},
	}
	rec, err := learner.New(learner.Config{Taxonomy: tax, Lessons: lessons, Profile: prof,
		Mastery: learner.KTMastery{State: st}, Rand: rand.New(rand.NewPCG(1, 2))})
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := 0; i < 3; i++ {
		p, err := rec.Next(context.Background(), learner.Moment{Minutes: 5, Time: now})
		if err != nil {
			panic(err)
		}
		rec.Done(p.LessonID)
		fmt.Printf("%s (%s): %s\n", p.LessonID, p.Kind, p.Reason)
	}
	for _, g := range learner.Gaps(prof, learner.KTMastery{State: st}) {
		if g.Skill == "delegation" || g.Skill == "stakeholder-updates" {
			fmt.Printf("%s: target %.2f, mastery %.2f ± %.2f, gap %.2f (%s)\n", g.Skill, g.TargetP, g.Mastery, g.Uncertainty, g.Gap, g.Sources[0].Kind)
		}
	}
	// Output:
	// git-small-commits (new): Because your role is Software engineer and you haven't practised version control yet.
	// five-line-update (new): Because your notes say “Needs to improve stakeholder updates” and you haven't practised stakeholder updates yet.
	// delegate-outcomes (new): Because your goal is Team lead and you missed 3 of 5 on delegation.
	// stakeholder-updates: target 0.85, mastery 0.57 ± 0.35, gap 0.28 (notes)
	// delegation: target 0.75, mastery 0.47 ± 0.19, gap 0.28 (goal-role)
}
