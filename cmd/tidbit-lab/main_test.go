package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidbit-learn/tidbit/app/learner/kt"
)

// writeData writes generated train and test files in the 3-line format.
func writeData(t *testing.T) (train, test string) {
	t.Helper()
	dir := t.TempDir()
	data := kt.Generate(kt.SynthConfig{Seed: 3, Students: 200, Skills: 15})
	tr, te := kt.SplitStudents(data.Sequences, 0.25)
	for path, seqs := range map[string][]kt.Sequence{filepath.Join(dir, "train.txt"): tr, filepath.Join(dir, "test.txt"): te} {
		var buf bytes.Buffer
		if err := kt.Write(&buf, seqs); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "train.txt"), filepath.Join(dir, "test.txt")
}

func TestKT(t *testing.T) {
	train, test := writeData(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("2\n1,2\n1,x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	modelPath := filepath.Join(dir, "model.json")
	for _, tc := range []struct {
		name       string
		args       []string
		code       int
		stdoutHas  []string
		stderrHas  string
		checkModel bool
	}{
		{name: "table", args: []string{"kt", "--train", train, "--test", test},
			stdoutHas: []string{"baseline: per-skill prior", "baseline: prior + running record", "logistic (counts+recency)", "AUC", "test: 50 students"}},
		{name: "json and model", args: []string{"kt", "--train", train, "--test", test, "--json", "--model-out", modelPath},
			stdoutHas: []string{`"rows"`, `"auc"`}, checkModel: true},
		{name: "synthetic", args: []string{"kt", "--synthetic", "1", "--students", "120", "--synthetic-out", filepath.Join(dir, "syn")},
			stdoutHas: []string{"train: 90 students"}},
		{name: "bad file names file and line", args: []string{"kt", "--train", bad, "--test", test}, code: 1,
			stderrHas: bad + ":3: value 2: correctness \"x\""},
		{name: "missing file", args: []string{"kt", "--train", filepath.Join(dir, "absent"), "--test", test}, code: 1, stderrHas: "absent"},
		{name: "missing flags", args: []string{"kt", "--train", train}, code: 2, stderrHas: "--train and --test are required"},
		{name: "bad policy", args: []string{"kt", "--train", train, "--test", test, "--missing-skill", "maybe"}, code: 2, stderrHas: "drop, keep or error"},
		{name: "both modes", args: []string{"kt", "--synthetic", "1", "--train", train}, code: 2, stderrHas: "either --synthetic"},
		{name: "unknown command", args: []string{"bkt"}, code: 2, stderrHas: `unknown command "bkt"`},
		{name: "no command", args: nil, code: 2, stderrHas: "usage: tidbit-lab"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tc.args, &out, &errb)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, errb.String())
			}
			for _, want := range tc.stdoutHas {
				if !strings.Contains(out.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, out.String())
				}
			}
			if tc.stderrHas != "" && !strings.Contains(errb.String(), tc.stderrHas) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderrHas, errb.String())
			}
			if tc.checkModel {
				var rep kt.Report
				if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
					t.Fatalf("stdout is not a report: %v", err)
				}
				if len(rep.Rows) != 3 || rep.Rows[2].AUC <= rep.Rows[0].AUC {
					t.Errorf("model does not beat the prior: %+v", rep.Rows)
				}
				f, err := os.Open(modelPath)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				m, err := kt.LoadModel(f)
				if err != nil {
					t.Fatalf("written model does not load: %v", err)
				}
				if len(m.SkillIDs()) != 15 {
					t.Errorf("model has %d skills, want 15", len(m.SkillIDs()))
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "syn", "test.txt")); err != nil {
		t.Errorf("--synthetic-out did not write test.txt: %v", err)
	}
}
