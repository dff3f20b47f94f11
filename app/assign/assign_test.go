package assign

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/content"
	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

var update = flag.Bool("update", false, "rewrite golden files")

// now is the tests' clock: Wednesday 4 March 2026, 09:30 in Berlin.
var (
	berlin = mustLoc("Europe/Berlin")
	now    = time.Date(2026, 3, 4, 9, 30, 0, 0, berlin)
)

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

const good = `# From Sam, for the offsite
assignment:
  id: offsite-prep
  from: Sam Lee (team lead)
  title: Before the offsite
  note: We run the retro together; please cover these first.
  due: 2026-03-10
  lessons: [listen-1, sql-1]
  skills:
    - sql-basics
    - skill: active-listening
      lessons: 2
      level: 4
`

var parseCases = []struct {
	name string
	in   string
	want []string // problems as "line: text", in part; none means valid
}{
	{name: "full", in: good},
	{name: "minimal, time with zone", in: "assignment:\n  from: Sam\n  due: 2026-03-10T17:00:00+01:00\n  lessons: [sql-1]\n"},
	{name: "local time", in: "assignment:\n  from: Sam\n  due: 2026-03-10 17:00\n  skills: [sql-basics]\n"},
	{name: "empty", in: "", want: []string{"1: empty file"}},
	{name: "not yaml", in: "assignment:\n  from: [Sam\n  due: x\n", want: []string{"2: YAML"}},
	{name: "tab indentation", in: "assignment:\n\tfrom: Sam\n", want: []string{"2: YAML"}},
	{name: "no assignment key", in: "pack:\n  id: x\n", want: []string{`1: unknown field "pack"`}},
	{name: "assignment is a list", in: "assignment:\n  - a\n", want: []string{"2: assignment must be a mapping"}},
	{name: "missing from and due", in: "assignment:\n  lessons: [a]\n", want: []string{`1: assignment: missing required field "from"`,
		`1: assignment: missing required field "due"`}},
	{name: "bad date", in: "assignment:\n  from: Sam\n  due: 2026-02-30\n  lessons: [a]\n", want: []string{`3: due "2026-02-30" is not a real date`}},
	{name: "words for a date", in: "assignment:\n  from: Sam\n  due: next friday\n  lessons: [a]\n", want: []string{`3: due "next friday": write a date`}},
	{name: "unknown field", in: "assignment:\n  from: Sam\n  due: 2026-03-10\n  lesson: [a]\n", want: []string{`4: unknown field "lesson"`,
		"1: assignment: nothing assigned"}[:1]},
	{name: "nothing assigned", in: "assignment:\n  from: Sam\n  due: 2026-03-10\n", want: []string{"1: assignment: nothing assigned"}},
	{name: "duplicate lesson", in: "assignment:\n  from: Sam\n  due: 2026-03-10\n  lessons:\n    - a\n    - b\n    - a\n",
		want: []string{`7: lesson "a" is listed twice (also line 5)`}},
	{name: "duplicate skill", in: "assignment:\n  from: Sam\n  due: 2026-03-10\n  skills:\n    - s-1\n    - skill: s-1\n      level: 2\n",
		want: []string{`6: skill "s-1" is listed twice (also line 5)`}},
	{name: "bad level and lessons", in: "assignment:\n  from: Sam\n  due: 2026-03-10\n  skills:\n    - skill: s-1\n      level: 7\n      lessons: many\n",
		want: []string{`6: "level" is 7; it must be from 1 to 5`, `7: "lessons" must be a whole number`}},
	{name: "skill entry without skill", in: "assignment:\n  from: Sam\n  due: 2026-03-10\n  skills:\n    - level: 2\n",
		want: []string{`5: a skill entry: missing required field "skill"`}},
	{name: "bad id", in: "assignment:\n  id: Offsite Prep\n  from: Sam\n  due: 2026-03-10\n  lessons: [a]\n", want: []string{`2: id "Offsite Prep"`}},
	{name: "field twice", in: "assignment:\n  from: Sam\n  from: Kim\n  due: 2026-03-10\n  lessons: [a]\n", want: []string{`3: assignment: field "from" given twice`}},
	{name: "from is a list", in: "assignment:\n  from: [Sam]\n  due: 2026-03-10\n  lessons: [a]\n", want: []string{`2: "from" must be text`}},
	{name: "lessons not a list", in: "assignment:\n  from: Sam\n  due: 2026-03-10\n  lessons: a\n", want: []string{`4: "lessons" must be a list`}},
	{name: "note too long", in: "assignment:\n  from: Sam\n  due: 2026-03-10\n  note: " + strings.Repeat("x", 2001) + "\n  lessons: [a]\n",
		want: []string{`4: "note" is 2001 characters; at most 2000`}},
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("a.yaml", []byte(tc.in), berlin)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if f.From == "" || f.Due.IsZero() || len(f.Items) == 0 {
					t.Fatalf("parsed %+v", f)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted; want problems %q", tc.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, "nothing was imported") {
				t.Errorf("error does not say nothing was imported: %s", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, "a.yaml:"+w) {
					t.Errorf("error lacks %q:\n%s", "a.yaml:"+w, msg)
				}
			}
		})
	}
}

func TestParseFull(t *testing.T) {
	f, err := Parse("a.yaml", []byte(good), berlin)
	if err != nil {
		t.Fatal(err)
	}
	wantDue := time.Date(2026, 3, 10, 23, 59, 59, 999e6, berlin)
	if !f.Due.Equal(wantDue) || !f.DateOnly {
		t.Errorf("due %v (date only %v), want the end of 10 March in Berlin %v", f.Due, f.DateOnly, wantDue)
	}
	want := []store.AssignmentItem{{LessonID: "listen-1"}, {LessonID: "sql-1"}, {SkillID: "sql-basics", Lessons: DefaultSkillLessons},
		{SkillID: "active-listening", Lessons: 2, Level: 4}}
	if fmt.Sprint(f.Items) != fmt.Sprint(want) {
		t.Errorf("items %+v, want %+v", f.Items, want)
	}
	if f.ID != "offsite-prep" || f.From != "Sam Lee (team lead)" || f.Title != "Before the offsite" || !strings.HasPrefix(f.Note, "We run") {
		t.Errorf("parsed %+v", f)
	}
	if !IsAssignment([]byte(good)) || IsAssignment([]byte("id: x\nassignment: y\n")) {
		t.Error("IsAssignment")
	}
}

func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		file, err := Parse("f.yaml", []byte(in), time.UTC)
		if err != nil {
			var ce *content.Error
			if !asContentError(err, &ce) || len(ce.Problems) == 0 {
				t.Fatalf("error %v is not a content.Error with problems", err)
			}
			return
		}
		if file.From == "" || file.Due.IsZero() || len(file.Items) == 0 || len(file.Items) > MaxItems {
			t.Fatalf("accepted an incomplete assignment: %+v", file)
		}
		for _, it := range file.Items {
			if (it.LessonID == "") == (it.SkillID == "") {
				t.Fatalf("item %+v is neither a lesson nor a skill", it)
			}
		}
	})
}

func asContentError(err error, out **content.Error) bool {
	ce, ok := err.(*content.Error)
	*out = ce
	return ok
}

// openStore opens a store with two skills and five lessons: listen-1..3
// train active-listening (listen-3 also sql-basics), sql-1 and sql-2
// train sql-basics; "feedback" has no lessons; old-1 is retired.
func openStore(t *testing.T, clock *time.Time) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "tidbit.db"), store.Options{Now: func() time.Time { return *clock }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tax := &assets.Taxonomy{
		Categories: []assets.Category{{ID: "communication", Name: "Communication"}, {ID: "data", Name: "Data"}},
		Skills: []assets.Skill{{ID: "active-listening", Name: "Active listening", Category: "communication", Kind: assets.Soft},
			{ID: "sql-basics", Name: "SQL basics", Category: "data", Kind: assets.Hard},
			{ID: "feedback", Name: "Giving feedback", Category: "communication", Kind: assets.Soft}},
	}
	if err := st.SyncTaxonomy(ctx, tax); err != nil {
		t.Fatal(err)
	}
	lesson := func(id, title string, level int, skills ...string) store.Lesson {
		return store.Lesson{ID: id, Title: title, Kind: "lesson", Level: level, Minutes: 3, Body: "Body", Skills: skills,
			SourceFile: id + ".md", ContentHash: "h-" + id,
			Questions: []store.Question{{ID: id + "/q1", Type: "truefalse", Prompt: "True?", ContentHash: "qh-" + id,
				Options: []store.Option{{Text: "True", Correct: true, Why: "Yes."}, {Text: "False", Why: "No."}}}}}
	}
	p := store.Pack{ID: "p", Title: "P", Version: "1", Source: "test", ContentHash: "v1"}
	all := []store.Lesson{lesson("listen-1", "Listen first", 2, "active-listening"), lesson("listen-2", "Summarise back", 1, "active-listening"),
		lesson("listen-3", "Listening to data people", 1, "sql-basics", "active-listening"), lesson("sql-1", "SELECT basics", 1, "sql-basics"),
		lesson("sql-2", "JOINs", 2, "sql-basics"), lesson("old-1", "Old lesson", 1, "sql-basics")}
	if _, err := st.ImportPack(ctx, p, all); err != nil {
		t.Fatal(err)
	}
	p.ContentHash = "v2"
	if _, err := st.ImportPack(ctx, p, all[:5]); err != nil { // retires old-1
		t.Fatal(err)
	}
	return st
}

func complete(t *testing.T, st *store.Store, id, lesson string, at time.Time) {
	t.Helper()
	ctx := context.Background()
	if err := st.StartAttempt(ctx, store.Attempt{ID: id, LessonID: lesson, Kind: "lesson", StartedAt: at.Add(-3 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishAttempt(ctx, store.AttemptResult{AttemptID: id, FinishedAt: at, Outcome: "completed", Seconds: 180}); err != nil {
		t.Fatal(err)
	}
}

func TestImportValidates(t *testing.T) {
	clock := now
	st := openStore(t, &clock)
	ctx := context.Background()
	if _, err := Import(ctx, st, mustParse(t, "first.yaml", "assignment:\n  id: taken\n  from: Kim\n  due: 2026-03-20\n  lessons: [sql-1]\n"), now); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		in       string
		problems []string
		warnings []string
	}{
		{name: "valid", in: good},
		{name: "unknown lesson", in: "assignment:\n  from: Sam\n  due: 2026-03-10\n  lessons:\n    - sql-1\n    - sql-9\n",
			problems: []string{`6: unknown lesson "sql-9"`}},
		{name: "retired lesson", in: "assignment:\n  from: Sam\n  due: 2026-03-10\n  lessons: [old-1]\n", problems: []string{`4: lesson "old-1" is retired`}},
		{name: "unknown skill", in: "assignment:\n  from: Sam\n  due: 2026-03-10\n  skills: [juggling]\n", problems: []string{`4: unknown skill "juggling"`}},
		{name: "skill without lessons", in: "assignment:\n  from: Sam\n  due: 2026-03-10\n  skills: [feedback]\n",
			problems: []string{`4: no lesson in the library trains skill "feedback"`}},
		{name: "due in the past is a warning", in: "assignment:\n  from: Sam\n  due: 2026-03-01\n  lessons: [sql-2]\n",
			warnings: []string{"3: due Sun 1 Mar 2026 23:59 is in the past"}},
		{name: "more lessons than the skill has", in: "assignment:\n  from: Sam\n  due: 2026-03-11\n  skills:\n    - skill: sql-basics\n      lessons: 9\n",
			warnings: []string{`5: skill "sql-basics": 9 lessons asked, the library has 3`}},
		{name: "id already imported", in: "assignment:\n  id: taken\n  from: Sam\n  due: 2026-03-10\n  lessons: [sql-2]\n",
			problems: []string{`2: assignment "taken" was already imported on Wed 4 Mar 2026`}},
		{name: "same content imported twice", in: good, problems: []string{`3: assignment "offsite-prep" was already imported`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := st.Assignments(ctx)
			res, err := Import(ctx, st, mustParse(t, "a.yaml", tc.in), now)
			after, _ := st.Assignments(ctx)
			if len(tc.problems) == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if len(after) != len(before)+1 {
					t.Errorf("%d assignments after import, want %d", len(after), len(before)+1)
				}
			} else {
				if err == nil {
					t.Fatal("accepted")
				}
				for _, p := range tc.problems {
					if !strings.Contains(err.Error(), "a.yaml:"+p) {
						t.Errorf("error lacks %q:\n%v", p, err)
					}
				}
				if len(after) != len(before) {
					t.Errorf("a refused import stored something: %d -> %d assignments", len(before), len(after))
				}
			}
			var ws []string
			for _, w := range res.Warnings {
				ws = append(ws, w.String())
			}
			if len(ws) != len(tc.warnings) {
				t.Fatalf("warnings %q, want %q", ws, tc.warnings)
			}
			for i, w := range tc.warnings {
				if !strings.Contains(ws[i], "a.yaml:"+w) {
					t.Errorf("warning %q lacks %q", ws[i], w)
				}
			}
		})
	}
}

func mustParse(t *testing.T, name, in string) *File {
	t.Helper()
	f, err := Parse(name, []byte(in), berlin)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// fixedMastery reports P per skill.
type fixedMastery map[string]float64

func (m fixedMastery) Estimate(skill string) learner.Estimate {
	return learner.Estimate{P: m[skill], Uncertainty: 0.1}
}

func TestListProgressAndPicker(t *testing.T) {
	clock := now
	st := openStore(t, &clock)
	ctx := context.Background()
	complete(t, st, "early", "listen-1", now.Add(-24*time.Hour)) // before: does not count
	if _, err := Import(ctx, st, mustParse(t, "sam.yaml", good), now); err != nil {
		t.Fatal(err)
	}
	kim := "assignment:\n  from: Kim (mentor)\n  note: Warm-up for the data course.\n  due: 2026-03-05T12:00:00+01:00\n  lessons: [sql-2]\n"
	if _, err := Import(ctx, st, mustParse(t, "kim.yaml", kim), now); err != nil {
		t.Fatal(err)
	}
	lib, err := st.Library(ctx)
	if err != nil {
		t.Fatal(err)
	}
	names := Names{Lesson: func(id string) string {
		for _, l := range lib {
			if l.ID == id {
				return l.Title
			}
		}
		return id
	}, Skill: func(id string) string {
		return map[string]string{"sql-basics": "SQL basics", "active-listening": "Active listening"}[id]
	}}
	mast := fixedMastery{"active-listening": 0.6, "sql-basics": 0.7}

	sts, err := List(ctx, st, mast, names, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(sts) != 2 || sts[0].From != "Kim (mentor)" || sts[1].ID != "offsite-prep" {
		t.Fatalf("List order: %+v", sts)
	}
	// Nothing done yet: listen-1 was completed before the assignment arrived.
	picks := ForPicker(sts, lib)
	got := []string{}
	for _, p := range picks {
		got = append(got, p.LessonID+"@"+p.From)
	}
	want := []string{"sql-2@Kim (mentor)", "listen-1@Sam Lee (team lead)", "sql-1@Sam Lee (team lead)",
		// sql-basics: 2 lessons, main skill first, lowest level (sql-1 is already listed), then listen-3 (sql-basics is its main skill)
		"listen-3@Sam Lee (team lead)",
		// active-listening: 2 lessons; listen-2 (level 1, main skill)
		"listen-2@Sam Lee (team lead)"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ForPicker:\n got %v\nwant %v", got, want)
	}
	if direct, err := PickerAssignments(ctx, st, nil, mast, now); err != nil || fmt.Sprint(direct) != fmt.Sprint(picks) {
		t.Errorf("PickerAssignments = %v (%v), want ForPicker's %v", direct, err, picks)
	}
	for _, p := range picks {
		if p.Due.IsZero() {
			t.Errorf("%s has no due date", p.LessonID)
		}
	}

	// Work through Sam's assignment; mastery of active-listening reaches level 4 (0.85).
	complete(t, st, "c1", "listen-1", now.Add(time.Hour))
	complete(t, st, "c2", "sql-1", now.Add(2*time.Hour))
	complete(t, st, "c3", "sql-2", now.Add(3*time.Hour))
	later := now.Add(26 * time.Hour)
	sts, err = List(ctx, st, mast, names, later)
	if err != nil {
		t.Fatal(err)
	}
	if !sts[0].Done || !sts[0].DoneAt.Equal(now.Add(3*time.Hour)) {
		t.Errorf("Kim's assignment: done %v at %v, want done at sql-2's completion", sts[0].Done, sts[0].DoneAt)
	}
	sam := sts[1]
	if sam.Done || sam.ItemsDone != 3 {
		t.Errorf("Sam's: done %v with %d items, want 3 items done (active-listening has 1 of 2 lessons, mastery 0.6 < 0.85)", sam.Done, sam.ItemsDone)
	}
	var text bytes.Buffer
	if err := WriteText(&text, sts, later, berlin); err != nil {
		t.Fatal(err)
	}
	text.WriteString("---\n" + ProgressLine(sts, later, berlin) + "\n---\n")
	mast["active-listening"] = 0.86
	sts, err = List(ctx, st, mast, names, later)
	if err != nil {
		t.Fatal(err)
	}
	if !sts[1].Done || !sts[1].DoneAt.Equal(later) {
		t.Errorf("Sam's after mastery: done %v at %v, want done now", sts[1].Done, sts[1].DoneAt)
	}
	stored, _ := st.Assignments(ctx)
	if !stored[1].DoneAt.Equal(later) {
		t.Errorf("stored done_at %v, want %v", stored[1].DoneAt, later)
	}
	if picks, err := PickerAssignments(ctx, st, nil, mast, later); err != nil || len(picks) != 0 {
		t.Errorf("PickerAssignments after everything is done: %+v %v", picks, err)
	}
	if picks := ForPicker(sts, lib); len(picks) != 0 {
		t.Errorf("picks after everything is done: %+v", picks)
	}
	if err := WriteText(&text, sts, later, berlin); err != nil {
		t.Fatal(err)
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, sts); err != nil {
		t.Fatal(err)
	}
	var back []map[string]any
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back) != 2 || back[1]["from"] != "Sam Lee (team lead)" || back[1]["done"] != true {
		t.Errorf("JSON: %v %s", err, js.String())
	}
	golden(t, "list.txt", text.Bytes())
}

func TestProgressLine(t *testing.T) {
	due := now.Add(50 * time.Hour)
	open := Status{From: "Sam", Due: due, ItemsDone: 1, Items: make([]Item, 3)}
	cases := []struct {
		name string
		sts  []Status
		want string
	}{
		{"none", nil, ""},
		{"all done", []Status{{From: "Sam", Done: true, DoneAt: now}}, ""},
		{"one open", []Status{open}, "1 assignment open; next: Sam, due Fri 6 Mar (1 of 3 done)"},
		{"overdue first", []Status{{From: "Kim", Due: now.Add(-time.Hour), Items: make([]Item, 1)}, open},
			"2 assignments open; next: Kim, overdue since Wed 4 Mar (0 of 1 done)"},
		{"due today", []Status{{From: "Kim", Due: now.Add(time.Hour), Items: make([]Item, 2)}}, "1 assignment open; next: Kim, due today (0 of 2 done)"},
		{"set aside", []Status{{From: "Kim", Due: due, Dismissed: true}}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ProgressLine(tc.sts, now, berlin); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (rerun with -update if intended):\n%s", p, got)
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, path, want string
	}{
		{"good", write("good.yaml", good), ""},
		{"too big", write("big.yaml", "assignment:\n  note: "+strings.Repeat("x", MaxFileBytes)+"\n"), "big.yaml: larger than 65536 bytes"},
		{"missing", filepath.Join(dir, "nope.yaml"), "reading assignment " + filepath.Join(dir, "nope.yaml")},
		{"a folder", dir, "reading assignment"},
		{"problems name the path", write("bad.yaml", "assignment:\n  from: Sam\n  due: soon\n  lessons: [a]\n"), "bad.yaml:3: due \"soon\""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ReadFile(tc.path, berlin)
			if tc.want == "" {
				if err != nil || f.Source != tc.path {
					t.Fatalf("ReadFile = %+v, %v", f, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
