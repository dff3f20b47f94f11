package xapi

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/learner/kt"
)

// TestMasteredSkillsOnce: a skill the knowledge-tracing model rates over the
// thresholds is reported once, ever; one below them is not.
func TestMasteredSkillsOnce(t *testing.T) {
	st := openStore(t, nil)
	rec, err := NewRecorder(testConfig("https://lrs.example.com/data/xAPI"))
	if err != nil {
		t.Fatal(err)
	}
	state := kt.DefaultModel().NewState()
	for i := 0; i < 12; i++ {
		state.Update("delegation", true) // a long run of right answers
	}
	state.Update("negotiation-basics", true) // one answer: not enough evidence
	m := learner.KTMastery{State: state}
	if e := m.Estimate("delegation"); e.P < MasteredP {
		t.Fatalf("12 right answers give p=%.2f: the test needs a mastered skill", e.P)
	}
	ctx := context.Background()
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	name := func(id string) string { return "Skill " + id }
	for round := 0; round < 2; round++ {
		n, err := rec.EnqueueMasteredSkills(ctx, st, m, []string{"delegation", "negotiation-basics"}, name, at.Add(time.Duration(round)*time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("round %d: %d, %v", round, n, err)
		}
	}
	items := pending(t, st)
	if len(items) != 1 {
		t.Fatalf("%d statements queued, want one mastered statement: %+v", len(items), items)
	}
	if got := items[0].Payload; !strings.Contains(got, "http://adlnet.gov/expapi/verbs/mastered") || !strings.Contains(got, "delegation") {
		t.Fatalf("payload: %s", got)
	}
	var nilRec *Recorder
	if n, err := nilRec.EnqueueMasteredSkills(ctx, st, m, []string{"delegation"}, name, at); n != 0 || err != nil {
		t.Fatalf("no LRS configured: %d %v", n, err)
	}
}
