package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/paths"
)

// inproc runs the CLI in this process with a fixed clock.
func inproc(t *testing.T, home string, now time.Time, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	vars := map[string]string{"TIDBIT_HOME": home, "HOME": home, "OLLAMA_HOST": "127.0.0.1:1"}
	env := paths.Env{Getenv: func(k string) string { return vars[k] }, HomeDir: func() (string, error) { return home, nil }, GOOS: "linux"}
	code := Main(args, Deps{In: strings.NewReader(""), Out: &out, Err: &errb, Env: env, Now: func() time.Time { return now },
		Loc: time.UTC, Version: "test"})
	return code, out.String(), errb.String()
}

func TestAssignmentsAndReportCommands(t *testing.T) {
	home := t.TempDir()
	now := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	file := filepath.Join(home, "from-sam.yaml")
	os.WriteFile(file, []byte("assignment:\n  from: Sam Lee\n  note: Before the offsite.\n  due: 2026-03-10\n  lessons: [feedback-situation-behaviour-impact]\n  skills: [active-listening]\n"), 0o600)
	bad := filepath.Join(home, "bad.yaml")
	os.WriteFile(bad, []byte("assignment:\n  from: Sam\n  due: 2026-03-01\n  lessons: [no-such-lesson]\n"), 0o600)

	if code, _, errs := inproc(t, home, now, "import", bad); code != 1 || !strings.Contains(errs, "bad.yaml:4: unknown lesson \"no-such-lesson\"") ||
		!strings.Contains(errs, "warning: "+bad+":3: due") {
		t.Fatalf("bad import: %d %s", code, errs)
	}
	if code, out, errs := inproc(t, home, now, "import", file); code != 0 || !strings.Contains(out, "Imported assignment") {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	if code, _, errs := inproc(t, home, now, "import", file); code != 1 || !strings.Contains(errs, "already imported") {
		t.Fatalf("second import: %d %s", code, errs)
	}
	code, out, errs := inproc(t, home, now, "assignments")
	if code != 0 || !strings.Contains(out, "from Sam Lee") || !strings.Contains(out, "“Before the offsite.”") || !strings.Contains(out, "[ ]") {
		t.Fatalf("assignments: %d %s %s", code, out, errs)
	}
	t.Log(out)
	if code, out, _ := inproc(t, home, now, "library"); code != 0 || !strings.Contains(out, "Sam Lee, due Tue 10 Mar") {
		t.Errorf("library does not show the assignment: %d\n%s", code, out)
	}
	if code, out, _ := inproc(t, home, now, "assignments", "--json"); code != 0 || !strings.Contains(out, `"from": "Sam Lee"`) {
		t.Fatalf("assignments --json: %d %s", code, out)
	}
	// The assigned lesson comes first in `tidbit learn` as the due date nears.
	code, out, errs = inproc(t, home, now.Add(5*24*time.Hour), "learn")
	if !strings.Contains(out, "Assigned by Sam Lee") {
		t.Errorf("learn did not offer the assignment first: %d\n%s\n%s", code, out, errs)
	}
	html, csvf := filepath.Join(home, "r.html"), filepath.Join(home, "r.csv")
	code, out, errs = inproc(t, home, now, "report", "--out", html, "--csv", csvf, "--from", "2026-02-01", "--to", "2026-03-04")
	if code != 0 || !strings.Contains(out, "Progress report for you, 1 Feb 2026 – 4 Mar 2026") || !strings.Contains(out, "Wrote "+html) {
		t.Fatalf("report: %d %s %s", code, out, errs)
	}
	t.Log(out)
	for _, p := range []string{html, csvf} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm() != 0o600 || fi.Size() < 100 {
			t.Errorf("%s: %v %v", p, fi, err)
		}
	}
	if code, _, errs := inproc(t, home, now, "report", "--out", html); code != 1 || !strings.Contains(errs, "exists; pass --yes") {
		t.Errorf("report over an existing file: %d %s", code, errs)
	}
	if code, _, errs := inproc(t, home, now, "report", "--out", html, "--from", "March"); code != 2 || !strings.Contains(errs, "--from") {
		t.Errorf("report --from March: %d %s", code, errs)
	}
}
