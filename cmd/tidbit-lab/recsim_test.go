package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tidbit-learn/tidbit/app/learner/recsim"
)

func TestRecsim(t *testing.T) {
	t.Run("table meets the targets", func(t *testing.T) {
		var out, errb bytes.Buffer
		code := run([]string{"recsim", "--learners", "12", "--days", "30", "--seed", "2"}, &out, &errb)
		if code != 0 {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
		}
		for _, want := range []string{"recommender", "random", "greedy-gap", "entropy", "PASS  gain/min >= 1.3 x random"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, out.String())
			}
		}
	})
	t.Run("json", func(t *testing.T) {
		var out, errb bytes.Buffer
		if code := run([]string{"recsim", "--learners", "4", "--days", "20", "--seed", "3", "--json"}, &out, &errb); code != 0 && code != 1 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		var rep recsim.Report
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out.String())
		}
		if len(rep.Policies) != len(recsim.Policies) || rep.Config.Learners != 4 || rep.Config.Seed != 3 {
			t.Errorf("report %+v", rep)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"zero learners", []string{"recsim", "--learners", "0"}},
		{"too many days", []string{"recsim", "--days", "100000"}},
		{"stray argument", []string{"recsim", "extra"}},
		{"bad flag", []string{"recsim", "--nope"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(tc.args, &out, &errb); code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, errb.String())
			}
			if errb.Len() == 0 {
				t.Error("no message on stderr")
			}
		})
	}
}
