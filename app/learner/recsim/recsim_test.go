package recsim

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestTargets runs a small simulation and checks the targets:
// the recommender gains at least 1.3x random per minute and at least 0.95x
// greedy-gap, keeps category entropy at 0.8 of the maximum, and greedy
// collapses below it.
func TestTargets(t *testing.T) {
	rep, err := Run(Config{Learners: 20, Days: 30, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + b.String())
	if len(rep.Checks) != 4 {
		t.Fatalf("%d checks", len(rep.Checks))
	}
	for _, c := range rep.Checks {
		if !c.Pass {
			t.Errorf("%s: %s", c.Name, c.Detail)
		}
	}
	for _, p := range rep.Policies {
		for name, v := range map[string]float64{"gain/min": p.GainPerMinute, "coverage": p.Coverage, "entropy": p.Entropy,
			"novelty": p.Novelty, "soft": p.SoftShare, "minutes": p.Minutes} {
			if math.IsNaN(v) || v < 0 && name != "gain/min" {
				t.Errorf("%s %s = %v", p.Policy, name, v)
			}
		}
		for name, v := range map[string]float64{"coverage": p.Coverage, "entropy": p.Entropy, "novelty": p.Novelty, "soft": p.SoftShare} {
			if v > 1 {
				t.Errorf("%s %s = %v > 1", p.Policy, name, v)
			}
		}
		if p.Minutes < 0.9*15*5*30/7 {
			t.Errorf("%s studied only %.0f minutes", p.Policy, p.Minutes)
		}
	}
	if g := rep.Policy(Greedy); g.TargetShare < 0.9 {
		t.Errorf("greedy-gap target share %.2f: it should chase targets only", g.TargetShare)
	}
	if !strings.Contains(b.String(), "PASS  category entropy") {
		t.Errorf("table lacks the checks:\n%s", b.String())
	}
}

func TestDeterministic(t *testing.T) {
	run := func(seed uint64) string {
		rep, err := Run(Config{Learners: 4, Days: 10, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	if a, b := run(7), run(7); a != b {
		t.Error("same seed, different reports")
	}
	if run(7) == run(8) {
		t.Error("different seeds, identical reports")
	}
}

func TestBadConfig(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"negative learners", Config{Learners: -1}, "learners"},
		{"too many days", Config{Days: MaxDays + 1}, "days"},
		{"NaN eta", Config{Eta: math.NaN()}, "eta"},
		{"tiny budget", Config{MinutesPerDay: 1}, "minutes per day"},
		{"too many lessons per skill", Config{LessonsPerSkill: 9}, "lessons per skill"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want mention of %q", err, tc.want)
			}
		})
	}
}

func BenchmarkRun(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := Run(Config{Learners: 5, Days: 30, Seed: uint64(i)}); err != nil {
			b.Fatal(err)
		}
	}
}
