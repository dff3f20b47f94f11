package onboarding

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

func taxonomy(t *testing.T) *assets.Taxonomy {
	t.Helper()
	tax, err := assets.LoadTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	return tax
}

func TestRoles(t *testing.T) {
	rs := Roles(taxonomy(t))
	if len(rs) != 14 {
		t.Fatalf("%d roles, want the 14 of assets/roles.yaml", len(rs))
	}
	for i := 1; i < len(rs); i++ {
		if rs[i-1].Name > rs[i].Name {
			t.Fatalf("not sorted: %q before %q", rs[i-1].Name, rs[i].Name)
		}
	}
	if ex := SkillExamples(taxonomy(t), "software-engineer", 3); len(ex) != 3 {
		t.Fatalf("examples %v", ex)
	}
}

func TestApply(t *testing.T) {
	tax := taxonomy(t)
	cases := []struct {
		name  string
		a     Answers
		check func(t *testing.T, s settings.Settings, p store.Profile)
		probs map[string]string
	}{
		{"everything skipped: defaults, onboarded", Answers{}, func(t *testing.T, s settings.Settings, p store.Profile) {
			if !s.Onboarded || !s.StartsAtLogin() || p.Role != "" || len(p.Goals) != 0 || len(s.Calendars) != 0 {
				t.Fatalf("%+v %+v", s, p)
			}
		}, nil},
		{"all answered", Answers{Role: "software-engineer", GoalRole: "people-manager", Skills: "Active listening, code-review",
			WeeklyGoal: "15", Calendar: "/c/work.ics", Addresses: "me@x.example", ModelHost: "127.0.0.1:11500", Model: "qwen2.5:3b"},
			func(t *testing.T, s settings.Settings, p store.Profile) {
				if p.Role != "software-engineer" || strings.Join(p.Goals, ",") != "people-manager,active-listening,code-review" ||
					s.WeeklyGoal != 15 || s.Calendars[0] != "/c/work.ics" || s.Addresses[0] != "me@x.example" ||
					s.ModelHost != "127.0.0.1:11500" || s.Model != "qwen2.5:3b" {
					t.Fatalf("%+v %+v", s, p)
				}
			}, nil},
		{"no model", Answers{NoAI: true}, func(t *testing.T, s settings.Settings, p store.Profile) {
			if !s.NoAI {
				t.Fatal("no_ai not set")
			}
		}, nil},
		{"problems by key", Answers{Role: "astronaut", Skills: "juggling", WeeklyGoal: "many", ModelHost: "10.0.0.1"}, nil,
			map[string]string{"role": `unknown role "astronaut"`, "goals": `"juggling" is not a skill`, "weekly_goal": "not a whole number",
				"model_host": "another computer"}},
		{"remote allowed", Answers{ModelHost: "10.0.0.1", AllowRemote: true}, nil, nil},
		{"relative calendar file", Answers{Calendar: "work.ics"}, nil, map[string]string{"calendars": "full path"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, p, ps := tc.a.Apply(tax, settings.Settings{}, store.Profile{})
			got := settings.ByKey(ps)
			if len(got) != len(tc.probs) {
				t.Fatalf("problems %v, want %v", ps, tc.probs)
			}
			for k, part := range tc.probs {
				if !strings.Contains(strings.Join(got[k], "; "), part) {
					t.Errorf("%s: %v, want %q", k, got[k], part)
				}
			}
			if tc.check != nil {
				tc.check(t, s, p)
			}
		})
	}
}

func TestStepProblems(t *testing.T) {
	ps := []settings.Problem{{Key: "role", Msg: "a"}, {Key: "weekly_goal", Msg: "b"}, {Key: "model_host", Msg: "c"}}
	for i, want := range []string{"role", "weekly_goal", "", "model_host"} {
		got := StepProblems(i, ps)
		if (want == "") != (len(got) == 0) || (want != "" && got[0].Key != want) {
			t.Errorf("step %d: %v", i, got)
		}
	}
}

func TestFinishInARealStore(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tax := taxonomy(t)
	if err := st.SaveProfile(ctx, store.Profile{Name: "Sam", Notes: "keep", MinutesPerWeek: 45}); err != nil {
		t.Fatal(err)
	}
	if err := settings.Save(ctx, st, settings.Settings{MaxPerDay: 6}); err != nil {
		t.Fatal(err)
	}
	if _, ps, err := Finish(ctx, st, tax, Answers{Role: "nope"}); err != nil || len(ps) != 1 {
		t.Fatalf("bad answers: %v %v", ps, err)
	}
	if s, _ := settings.Load(ctx, st); s.Onboarded {
		t.Fatal("saved despite problems")
	}
	s, ps, err := Finish(ctx, st, tax, Answers{Role: "designer", Calendar: "/c/a.ics"})
	if err != nil || len(ps) != 0 {
		t.Fatalf("%v %v", ps, err)
	}
	got, _ := settings.Load(ctx, st)
	p, _ := st.Profile(ctx)
	if !got.Onboarded || got.MaxPerDay != 6 || len(got.Calendars) != 1 || !s.StartsAtLogin() ||
		p.Role != "designer" || p.Name != "Sam" || p.Notes != "keep" || p.MinutesPerWeek != 45 {
		t.Fatalf("stored %+v %+v", got, p)
	}
}
