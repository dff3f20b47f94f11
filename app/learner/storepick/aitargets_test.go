package storepick

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/core/coretest"
	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/store"
)

// TestAITargetsInPick: the model's reading of the profile adds targets
// while it is of the stored profile; the reason says the target came from
// it; a changed profile drops it (keyword matching stays).
func TestAITargetsInPick(t *testing.T) {
	a := coretest.Open(t)
	ctx := context.Background()
	lib, err := a.Store.Library(ctx)
	if err != nil || len(lib) == 0 {
		t.Fatalf("library: %d lessons, %v", len(lib), err)
	}
	skill := lib[len(lib)-1].Skills[0]
	prof := store.Profile{Role: "Ward nurse on a surgical ward", Notes: "Runs the morning handover.", MinutesPerWeek: 60}
	if err := a.Store.SaveProfile(ctx, prof); err != nil {
		t.Fatal(err)
	}
	stored, _ := a.Store.Profile(ctx)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	p := Picker{Store: a.Store, Taxonomy: a.Taxonomy, Now: func() time.Time { return now }, Seed: 7}

	cases := []struct {
		name    string
		hash    string
		wantAI  bool
		targets []learner.AITarget
	}{
		{name: "no reading yet"},
		{name: "a reading of this profile", hash: ProfileHash(stored), wantAI: true,
			targets: []learner.AITarget{{Skill: skill, Level: 5, Why: "The handover needs it."}}},
		{name: "a reading of an older profile", hash: "stale", targets: []learner.AITarget{{Skill: skill, Level: 5}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.hash != "" {
				if err := a.Store.SetSetting(ctx, SettingAITargets, AITargets{ProfileHash: tc.hash, Model: "tiny", Targets: tc.targets}); err != nil {
					t.Fatal(err)
				}
			}
			pk, err := p.Pick(ctx)
			if err != nil {
				t.Fatal(err)
			}
			gotAI := strings.Contains(pk.Reason, "AI reading of your profile")
			if gotAI != tc.wantAI || (tc.wantAI && pk.Skill != skill) {
				t.Errorf("pick %s on %s (%q): AI reason %v, want %v on %s", pk.LessonID, pk.Skill, pk.Reason, gotAI, tc.wantAI, skill)
			}
		})
	}
	if h := ProfileHash(store.Profile{Role: "a", Notes: "b"}); h == ProfileHash(store.Profile{Role: "ab"}) || h == ProfileHash(store.Profile{Role: "a", Goals: []string{"b"}}) {
		t.Errorf("ProfileHash does not tell the fields apart")
	}
}
