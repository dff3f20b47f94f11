package calendar

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// The differential test compares occurrence sets with Debian's
// python3-recurring-ical-events over a fixed window. Files where the two disagree must
// be listed with a reason in testdata/differential_known.txt.

var (
	diffFrom = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	diffTo   = time.Date(2038, 1, 1, 0, 0, 0, 0, time.UTC)
)

func goInstances(t *testing.T, path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := ParseBytes(data, filepath.Base(path), Limits{})
	if err != nil {
		return nil, err
	}
	insts, _, _ := expandDocument(doc, diffFrom, diffTo, Options{Location: time.UTC})
	set := map[string]bool{}
	for _, in := range insts {
		var s, e string
		if in.allDay {
			s, e = in.start.Format("2006-01-02"), in.end.Format("2006-01-02")
		} else {
			s, e = in.start.UTC().Format("2006-01-02T15:04:05Z"), in.end.UTC().Format("2006-01-02T15:04:05Z")
		}
		set[s+" "+e] = true
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out, nil
}

func readKnown(t *testing.T) map[string]string {
	f, err := os.Open(filepath.Join("testdata", "differential_known.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	known := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(reason) == "" {
			t.Fatalf("differential_known.txt: %q needs the form 'file.ics: reason'", line)
		}
		known[strings.TrimSpace(name)] = strings.TrimSpace(reason)
	}
	return known
}

func diffSets(a, b []string) (onlyA, onlyB []string) {
	for _, x := range a {
		if !slices.Contains(b, x) {
			onlyA = append(onlyA, x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			onlyB = append(onlyB, x)
		}
	}
	return
}

func TestDifferentialAgainstPythonReference(t *testing.T) {
	if testing.Short() {
		t.Skip("differential test runs the python reference over the whole corpus")
	}
	dir := filepath.Join(sharedICSDir(t), "recurring-ical-events")
	requireTool(t, havePythonReference(), "python3-recurring-ical-events for /usr/bin/python3", "apt-get install python3-recurring-ical-events")
	files, err := filepath.Glob(filepath.Join(dir, "*.ics"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .ics files in %s (%v)", dir, err)
	}
	args := append([]string{filepath.Join("testdata", "reference_instances.py"), diffFrom.Format("20060102"), diffTo.Format("20060102")}, files...)
	out, err := exec.Command("/usr/bin/python3", args...).Output()
	if err != nil {
		t.Fatalf("python reference: %v", err)
	}
	var ref map[string]struct {
		Instances [][2]string `json:"instances"`
		Error     string      `json:"error"`
	}
	if err := json.Unmarshal(out, &ref); err != nil {
		t.Fatalf("python reference output: %v", err)
	}
	known := readKnown(t)
	agree, comparable, refBugs := 0, 0, 0
	var disagreements []string
	for _, path := range files {
		name := filepath.Base(path)
		r, ok := ref[path]
		if !ok {
			t.Fatalf("reference printed nothing for %s", name)
		}
		mine, myErr := goInstances(t, path)
		var theirs []string
		for _, p := range r.Instances {
			theirs = append(theirs, p[0]+" "+p[1])
		}
		sort.Strings(theirs)
		var problem string
		switch {
		case r.Error != "":
			problem = "reference failed: " + r.Error
		case myErr != nil:
			comparable++
			problem = "Go failed: " + myErr.Error()
		default:
			comparable++
			onlyGo, onlyRef := diffSets(mine, theirs)
			if len(onlyGo) == 0 && len(onlyRef) == 0 {
				agree++
			} else {
				problem = "only Go: " + strings.Join(head(onlyGo, 4), ", ") + "; only reference: " + strings.Join(head(onlyRef, 4), ", ")
			}
		}
		if problem == "" {
			if reason, listed := known[name]; listed {
				t.Errorf("%s agrees now but is listed in differential_known.txt (%s): remove it", name, reason)
			}
			continue
		}
		disagreements = append(disagreements, name)
		if strings.HasPrefix(known[name], "[reference-bug]") && r.Error == "" {
			refBugs++
		}
		if _, listed := known[name]; !listed {
			t.Errorf("%s: unlisted disagreement: %s", name, problem)
		} else {
			t.Logf("%s (known): %s", name, problem)
		}
	}
	t.Logf("%d of %d files agree with the reference (%d more the reference cannot read, %d disagree where the reference contradicts RFC 5545); disagreements: %v",
		agree, comparable, len(files)-comparable, refBugs, disagreements)
	judged := comparable - refBugs
	if judged <= 0 || float64(agree) < 0.95*float64(judged) {
		t.Errorf("only %d of %d files (comparable, not reference bugs) agree; need 95%%", agree, judged)
	}
}

func head(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], "...")
	}
	return s
}
