package cli

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/learner/storepick"
	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/app/store"
)

// tidbitBin is the real binary, built once for the end-to-end tests.
var tidbitBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tidbit-bin-")
	if err != nil {
		panic(err)
	}
	tidbitBin = filepath.Join(dir, "tidbit")
	build := exec.Command("go", "build", "-o", tidbitBin, "github.com/tidbit-learn/tidbit/cmd/tidbit")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building tidbit:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type run struct {
	code     int
	out, err string
}

// tidbit runs the binary with a private data folder and no desktop.
func tidbit(t testing.TB, home, stdin string, args ...string) run {
	t.Helper()
	cmd := exec.Command(tidbitBin, args...)
	cmd.Env = []string{"TIDBIT_HOME=" + home, "HOME=" + home, "PATH=/usr/bin:/bin", "OLLAMA_HOST=127.0.0.1:1"}
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return run{code, out.String(), errb.String()}
}

func openDB(t testing.TB, home string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(home, "tidbit.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// answerAll builds stdin that starts the quiz and answers every question of
// the lesson the output shows, choosing option 1 (a valid answer, right or
// wrong) for each, then skips any reflection.
func answerAll(n int) string {
	return "\n" + strings.Repeat("1\n", n) + "\n"
}

func TestLearnEndToEnd(t *testing.T) {
	home := t.TempDir()
	r := tidbit(t, home, answerAll(6), "learn")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	for _, want := range []string{"Why this:", "Question 1 of", "You chose 1)", "right.", "Saved."} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
	st := openDB(t, home)
	ctx := context.Background()
	stats, err := st.Stats(ctx, time.Now(), time.Local)
	if err != nil {
		t.Fatal(err)
	}
	if stats.LessonsCompleted != 1 || stats.Answered < 5 {
		t.Fatalf("database after learn: %+v", stats)
	}
	// Every answer in the output is in the database, with the choice typed.
	b, _ := st.Export(ctx)
	for _, a := range b.Tables["answers"] {
		if a["chosen"] != "[0]" {
			t.Errorf("stored choice %v, typed 1", a["chosen"])
		}
	}
	if got := strings.Count(r.out, "You chose 1)"); got != len(b.Tables["answers"]) {
		t.Errorf("%d answers shown, %d stored", got, len(b.Tables["answers"]))
	}
	// The learner model scheduled every answered question for review.
	if n := len(b.Tables["srs_state"]); n != len(b.Tables["answers"]) {
		t.Errorf("%d review cards for %d answers", n, len(b.Tables["answers"]))
	}

	// stats --json agrees.
	r = tidbit(t, home, "", "stats", "--json")
	var js store.Stats
	if err := json.Unmarshal([]byte(r.out), &js); err != nil || js.Answered != stats.Answered || js.LessonsCompleted != 1 {
		t.Fatalf("stats --json: %v %+v\n%s", err, js, r.out)
	}
}

// TestSecondLearnRefused: two `tidbit learn` on one data folder would
// interleave two quizzes; the second is refused with a clear message.
func TestSecondLearnRefused(t *testing.T) {
	home := t.TempDir()
	first := exec.Command(tidbitBin, "learn")
	first.Env = []string{"TIDBIT_HOME=" + home, "HOME=" + home}
	stdin, _ := first.StdinPipe()
	stdout, _ := first.StdoutPipe()
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer first.Process.Kill()
	// Wait until the first one shows its lesson (it holds the lock by then).
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "Press Enter for the quiz") {
			break
		}
	}
	r := tidbit(t, home, "", "learn")
	if r.code != ExitBusy || !strings.Contains(r.err, fmt.Sprintf("another `tidbit learn` (process %d) is already running", first.Process.Pid)) {
		t.Fatalf("second learn: exit %d, %q", r.code, r.err)
	}
	stdin.Write([]byte("q\n"))
	stdin.Close()
	go io.Copy(io.Discard, stdout)
	if err := first.Wait(); err != nil {
		t.Fatalf("first learn: %v", err)
	}
	// Once the first has finished, learning works again.
	if r := tidbit(t, home, "q\n", "learn"); r.code != 0 {
		t.Fatalf("after the first ended: exit %d %s", r.code, r.err)
	}
}

func TestLibraryJSON(t *testing.T) {
	home := t.TempDir()
	r := tidbit(t, home, "", "library", "--json")
	if r.code != 0 {
		t.Fatal(r.err)
	}
	var lib []store.LessonSummary
	if err := json.Unmarshal([]byte(r.out), &lib); err != nil {
		t.Fatal(err)
	}
	if len(lib) < 24 {
		t.Fatalf("%d lessons", len(lib))
	}
	for _, l := range lib {
		if l.ID == "" || l.Title == "" || len(l.Skills) == 0 || l.Category == "" || (l.SkillKind != "soft" && l.SkillKind != "hard") ||
			l.Minutes < 1 || l.Questions < 5 {
			t.Errorf("incomplete row: %+v", l)
		}
	}
	if r := tidbit(t, home, "", "library"); !strings.Contains(r.out, "lessons. Start one with") {
		t.Errorf("text library: %s", r.out)
	}
}

// TestBackupRoundTrip: export json, restore into an empty folder, export
// again: the same data.
func TestBackupRoundTrip(t *testing.T) {
	home := t.TempDir()
	if r := tidbit(t, home, answerAll(6), "learn"); r.code != 0 {
		t.Fatal(r.err)
	}
	backup := filepath.Join(t.TempDir(), "backup.json")
	if r := tidbit(t, home, "", "export", "--format", "json", "--out", backup); r.code != 0 {
		t.Fatal(r.err)
	}
	fi, _ := os.Stat(backup)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v", fi.Mode().Perm())
	}
	other := t.TempDir()
	if r := tidbit(t, other, "", "import", backup); r.code != 0 || !strings.Contains(r.out, "Restored") {
		t.Fatalf("restore: %d %s %s", r.code, r.out, r.err)
	}
	// Restoring twice changes nothing.
	if r := tidbit(t, other, "", "import", backup); r.code != 0 {
		t.Fatal(r.err)
	}
	a := tidbit(t, home, "", "export")
	b := tidbit(t, other, "", "export")
	var ba, bb store.Backup
	json.Unmarshal([]byte(a.out), &ba)
	json.Unmarshal([]byte(b.out), &bb)
	for table, rows := range ba.Tables {
		ja, _ := json.Marshal(rows)
		jb, _ := json.Marshal(bb.Tables[table])
		if table == "settings" {
			continue // bootstrap bookkeeping, written with each folder's own times
		}
		if !bytes.Equal(ja, jb) {
			t.Errorf("table %s differs after the round trip", table)
		}
	}
	if len(ba.Tables["answers"]) == 0 {
		t.Fatal("nothing to compare: no answers")
	}
	// CSV: a header and one row per answer.
	r := tidbit(t, home, "", "export", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(r.out)).ReadAll()
	if err != nil || len(rows) != 1+len(ba.Tables["answers"]) || rows[0][0] != "answered_at" {
		t.Fatalf("csv: %v, %d rows", err, len(rows))
	}
}

func TestImportCommand(t *testing.T) {
	home := t.TempDir()
	pack := filepath.Join(t.TempDir(), "team")
	os.MkdirAll(pack, 0o755)
	lesson := "---\nid: team-one\ntitle: One\nskills: [delegation]\nlevel: 1\nminutes: 2\nkind: lesson\nquestions:\n" +
		"  - id: q\n    type: truefalse\n    prompt: Delegate outcomes.\n    options:\n" +
		"      - {text: \"True\", correct: true, why: Outcomes leave room.}\n      - {text: \"False\", correct: false, why: Tasks micromanage.}\n---\nBody.\n"
	os.WriteFile(filepath.Join(pack, "one.md"), []byte(lesson), 0o644)
	r := tidbit(t, home, "", "import", pack)
	if r.code != 0 || !strings.Contains(r.out, "1 new") {
		t.Fatalf("import: %d %s %s", r.code, r.out, r.err)
	}
	r = tidbit(t, home, "", "import", pack)
	if r.code != 0 || !strings.Contains(r.out, "0 new, 0 updated, 1 unchanged") {
		t.Fatalf("re-import: %d %s %s", r.code, r.out, r.err)
	}
	os.WriteFile(filepath.Join(pack, "two.md"), []byte(strings.NewReplacer("skills: [delegation]", "skills: [juggling]", "id: team-one", "id: team-two").Replace(lesson)), 0o644)
	r = tidbit(t, home, "", "import", pack)
	if r.code != 1 || !strings.Contains(r.err, `two.md:4: unknown skill "juggling"`) || !strings.Contains(r.err, "nothing was imported") {
		t.Fatalf("bad pack: %d %s", r.code, r.err)
	}
	if r := tidbit(t, home, "", "import", pack, "--dry-run"); r.code != 1 {
		t.Fatalf("dry run of a bad pack: %d", r.code)
	}
}

// TestQuizFileImportExport: a GIFT file imports as its own pack (skipping,
// with a warning naming the line, what Tidbit cannot ask), refuses a bad one
// whole, and the lessons export as GIFT, Aiken and .apkg.
func TestQuizFileImportExport(t *testing.T) {
	home, dir := t.TempDir(), t.TempDir()
	gift := filepath.Join(dir, "geo.gift")
	os.WriteFile(gift, []byte("$CATEGORY: Geography\n\nCapital of France? {=Paris#Yes. ~Lyon#No.}\n\nWrite an essay. {}\n"), 0o644)
	r := tidbit(t, home, "", "import", gift, "--skill", "delegation")
	if r.code != 0 || !strings.Contains(r.out, `pack "geo"`) || !strings.Contains(r.err, "geo.gift:5: essay") {
		t.Fatalf("import: %d %s %s", r.code, r.out, r.err)
	}
	if r = tidbit(t, home, "", "import", gift, "--skill", "delegation"); !strings.Contains(r.out, "0 new, 0 updated, 1 unchanged") {
		t.Fatalf("re-import: %d %s %s", r.code, r.out, r.err)
	}
	bad := filepath.Join(dir, "bad.gift")
	os.WriteFile(bad, []byte("Q? {~a ~b}\n"), 0o644)
	if r = tidbit(t, home, "", "import", bad); r.code != 1 || !strings.Contains(r.err, "bad.gift:1: no correct answer") {
		t.Fatalf("bad file: %d %s", r.code, r.err)
	}
	if r = tidbit(t, home, "", "export", "--format", "gift", "--pack", "geo"); r.code != 0 || !strings.Contains(r.out, "=Paris #Yes.") {
		t.Fatalf("export gift: %d %s %s", r.code, r.out, r.err)
	}
	if r = tidbit(t, home, "", "export", "--format", "aiken", "--pack", "geo"); r.code != 0 || !strings.Contains(r.out, "ANSWER: A") {
		t.Fatalf("export aiken: %d %s %s", r.code, r.out, r.err)
	}
	apkg := filepath.Join(dir, "geo.apkg")
	if r = tidbit(t, home, "", "export", "--format", "apkg", "--pack", "geo", "--out", apkg); r.code != 0 {
		t.Fatalf("export apkg: %d %s", r.code, r.err)
	}
	if r = tidbit(t, home, "", "import", apkg, "--pack-id", "geo-again"); r.code != 0 || !strings.Contains(r.out, "1 new") {
		t.Fatalf("import apkg: %d %s %s", r.code, r.out, r.err)
	}
	if r = tidbit(t, home, "", "export", "--format", "apkg"); r.code != ExitUsage {
		t.Fatalf("apkg to stdout: %d", r.code)
	}
}

func TestUsageAndErrors(t *testing.T) {
	home := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"unknown flag", []string{"learn", "--nope"}, ExitUsage, "unknown flag: --nope"},
		{"unknown command", []string{"dance"}, ExitUsage, `unknown command "dance"`},
		{"missing argument", []string{"import"}, ExitUsage, "accepts 1 arg(s)"},
		{"bad export format", []string{"export", "--format", "xml"}, ExitUsage, "--format must be json, csv, gift, aiken or apkg"},
		{"unknown lesson", []string{"learn", "--lesson", "nope"}, ExitError, `lesson "nope": not found`},
		{"missing pack", []string{"import", "/nonexistent/pack"}, ExitError, "no such file or directory"},
		{"not a backup", []string{"import", "/dev/null/x.json"}, ExitError, "x.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tidbit(t, home, "", tc.args...)
			if r.code != tc.code || !strings.Contains(r.err, tc.err) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", r.code, r.err, tc.code, tc.err)
			}
		})
	}
	for _, cmd := range []string{"learn", "import", "export", "library", "stats", "doctor", "version", "skills", "calendar", "profile", "assignments", "report", "xapi"} {
		if r := tidbit(t, home, "", cmd, "--help"); r.code != 0 || !strings.Contains(r.out, "Usage:") {
			t.Errorf("%s --help: %d %s", cmd, r.code, r.out)
		}
	}
}

func fileHash(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return fmt.Sprintf("%x", s)
}

// TestDatabaseProblems: a newer or damaged database is refused with words
// that say what to do, and never changed.
func TestDatabaseProblems(t *testing.T) {
	t.Run("newer schema", func(t *testing.T) {
		home := t.TempDir()
		tidbit(t, home, "", "stats")
		db, err := sql.Open("sqlite3", filepath.Join(home, "tidbit.db"))
		if err != nil {
			t.Fatal(err)
		}
		db.Exec(fmt.Sprintf("PRAGMA user_version = %d", store.SchemaVersion()+1))
		db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		db.Close()
		before := fileHash(t, filepath.Join(home, "tidbit.db"))
		r := tidbit(t, home, "", "stats")
		if r.code != 1 || !strings.Contains(r.err, "newer version of Tidbit") || !strings.Contains(r.err, "not changed") {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
		if fileHash(t, filepath.Join(home, "tidbit.db")) != before {
			t.Fatal("the newer database was modified")
		}
	})
	t.Run("not a database", func(t *testing.T) {
		home := t.TempDir()
		junk := filepath.Join(home, "tidbit.db")
		os.WriteFile(junk, []byte("these are my notes, not a database\n"), 0o600)
		before := fileHash(t, junk)
		for _, cmd := range []string{"stats", "learn", "doctor"} {
			r := tidbit(t, home, "", cmd)
			if r.code == 0 || !strings.Contains(r.out+r.err, "not a Tidbit database") {
				t.Fatalf("%s: exit %d: %s%s", cmd, r.code, r.out, r.err)
			}
		}
		if fileHash(t, junk) != before {
			t.Fatal("the file was modified")
		}
	})
	t.Run("unwritable data folder", func(t *testing.T) {
		// A data folder below a regular file cannot be created, even by root.
		parent := filepath.Join(t.TempDir(), "file")
		os.WriteFile(parent, nil, 0o600)
		r := tidbit(t, filepath.Join(parent, "data"), "", "learn")
		if r.code != 1 || !strings.Contains(r.err, "creating folder") {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
	})
}

func TestDoctorJSON(t *testing.T) {
	home := filepath.Join(t.TempDir(), "new") // created by tidbit, so 0700
	r := tidbit(t, home, "", "doctor", "--json")
	var rep struct {
		OK     bool `json:"ok"`
		Checks []struct {
			Name, Status, Detail, Fix string
		} `json:"checks"`
	}
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, r.out)
	}
	names := map[string]string{}
	for _, c := range rep.Checks {
		names[c.Name] = c.Status
		if c.Status != "ok" && c.Fix == "" {
			t.Errorf("check %s is %s but says nothing to do", c.Name, c.Status)
		}
	}
	for _, want := range []string{"data folder", "database", "display", "tray host", "idle source", "calendars", "moments", "model server"} {
		if _, ok := names[want]; !ok {
			t.Errorf("doctor lacks %q", want)
		}
	}
	if names["data folder"] != "ok" || names["database"] != "ok" || !rep.OK || r.code != 0 {
		t.Errorf("fresh folder: %+v (exit %d)", rep, r.code)
	}
	// No model server at OLLAMA_HOST=127.0.0.1:1: a warning that says what to do.
	if names["model server"] != "warn" {
		t.Errorf("model server: %s", names["model server"])
	}
	// The data folder is private.
	fi, _ := os.Stat(filepath.Join(home, "tidbit.db"))
	if fi.Mode().Perm() != paths.FileMode {
		t.Errorf("database mode %v", fi.Mode().Perm())
	}
	if fi, _ := os.Stat(home); fi.Mode().Perm() != paths.DirMode {
		t.Errorf("data folder mode %v", fi.Mode().Perm())
	}
	// A folder others can read is a warning with the fix.
	os.Chmod(home, 0o755)
	r = tidbit(t, home, "", "doctor")
	if !strings.Contains(r.out, "readable by other users") || !strings.Contains(r.out, "chmod 700 "+home) {
		t.Errorf("doctor on a 0755 folder:\n%s", r.out)
	}
}

// TestCalendarCommand reads a small .ics through the real binary.
func TestCalendarCommand(t *testing.T) {
	home := t.TempDir()
	ics := filepath.Join(t.TempDir(), "work.ics")
	os.WriteFile(ics, []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"+
		"BEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261125T100000Z\r\nDTEND:20261125T110000Z\r\nSUMMARY:Standup\r\nEND:VEVENT\r\n"+
		"BEGIN:VEVENT\r\nUID:2\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261125T130000Z\r\nDTEND:20261125T140000Z\r\nSUMMARY:Lunch\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n"+
		"END:VCALENDAR\r\n"), 0o600)
	cmd := exec.Command(tidbitBin, "calendar", ics, "--from", "2026-11-25", "--to", "2026-11-26", "--json")
	cmd.Env = []string{"TIDBIT_HOME=" + home, "TZ=UTC"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var res struct {
		Busy    []struct{ Start, End time.Time }
		Skipped []struct{ Reason string }
		Gaps    []struct{ Start, End time.Time }
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(res.Busy) != 1 || res.Busy[0].Start.UTC().Hour() != 10 || len(res.Skipped) != 1 || len(res.Gaps) == 0 {
		t.Fatalf("calendar --json: %s", out)
	}
	if r := tidbit(t, home, "", "calendar", ics, "--from", "tomorrow"); r.code != ExitUsage || !strings.Contains(r.err, "use YYYY-MM-DD") {
		t.Fatalf("bad --from: %d %s", r.code, r.err)
	}
	if r := tidbit(t, home, "", "calendar", filepath.Join(home, "missing.ics")); r.code != ExitError {
		t.Fatalf("missing file: %d %s", r.code, r.err)
	}
}

func TestProfileCommand(t *testing.T) {
	home := t.TempDir()
	r := tidbit(t, home, "", "profile", "--role", "software-engineer", "--goal", "team-lead",
		"--notes", "Needs to improve stakeholder updates.", "--rate", "delegation=2", "--minutes", "45")
	if r.code != 0 || !strings.Contains(r.out, "Software engineer") || !strings.Contains(r.out, "Biggest gaps") {
		t.Fatalf("set profile: %d\n%s\n%s", r.code, r.out, r.err)
	}
	r = tidbit(t, home, "", "profile", "--json")
	var js struct {
		Profile struct {
			Role           string
			Goals          []string
			MinutesPerWeek int `json:"minutes_per_week"`
		}
		Gaps []struct {
			Skill string
			Gap   float64
		}
	}
	if err := json.Unmarshal([]byte(r.out), &js); err != nil {
		t.Fatalf("%v\n%s", err, r.out)
	}
	if js.Profile.Role != "software-engineer" || len(js.Profile.Goals) != 1 || js.Profile.MinutesPerWeek != 45 || len(js.Gaps) == 0 {
		t.Fatalf("stored profile: %+v", js)
	}
	found := false
	for _, g := range js.Gaps {
		found = found || g.Skill == "stakeholder-updates" || g.Skill == "delegation"
	}
	if !found {
		t.Errorf("notes and goals did not become targets: %+v", js.Gaps)
	}
	if r := tidbit(t, home, "", "profile", "--rate", "juggling=3"); r.code != ExitUsage || !strings.Contains(r.err, "unknown skill") {
		t.Fatalf("bad --rate: %d %s", r.code, r.err)
	}

	// The local model's reading of this profile (written by the resident's
	// worker) is shown, labelled, and its skills are targets like the
	// picker's; a reading of an older profile is not.
	st := openDB(t, home)
	ctx := context.Background()
	prof, err := st.Profile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	reading := storepick.AITargets{ProfileHash: storepick.ProfileHash(prof), Model: "tiny", MappedAt: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC),
		Targets: []learner.AITarget{{Skill: "negotiation-basics", Level: 4, Why: "Stakeholder updates often need a trade."}}}
	if err := st.SetSetting(ctx, storepick.SettingAITargets, reading); err != nil {
		t.Fatal(err)
	}
	r = tidbit(t, home, "", "profile")
	if r.code != 0 || !strings.Contains(r.out, "AI reading Negotiation") || !strings.Contains(r.out, "AI-written: tiny read your role, goals and notes on 25 Nov") ||
		!strings.Contains(r.out, "(the AI reading of your profile)") {
		t.Fatalf("the AI reading is not shown:\n%s", r.out)
	}
	r = tidbit(t, home, "", "profile", "--json")
	var withAI struct {
		AIReading *storepick.AITargets `json:"ai_reading"`
	}
	if err := json.Unmarshal([]byte(r.out), &withAI); err != nil || withAI.AIReading == nil || withAI.AIReading.Targets[0].Skill != "negotiation-basics" {
		t.Fatalf("JSON: %v %+v\n%s", err, withAI, r.out)
	}
	r = tidbit(t, home, "", "profile", "--notes", "Wants to coach juniors.")
	if r.code != 0 || strings.Contains(r.out, "AI reading") || strings.Contains(r.out, "AI reading of your profile") {
		t.Fatalf("a reading of the old notes is still shown:\n%s", r.out)
	}
}

// TestXAPIThroughTheCLI: set up an LRS (a stand-in on loopback; the real
// LRS is exercised in app/xapi), learn, and the statements arrive.
func TestXAPIThroughTheCLI(t *testing.T) {
	var mu sync.Mutex
	var got []map[string]any
	lrs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/statements") {
			var batch []map[string]any
			if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
				http.Error(w, err.Error(), 400)
				return
			}
			if u, p, ok := r.BasicAuth(); !ok || u != "key" || p != "s3cret" {
				http.Error(w, "bad credentials", 401)
				return
			}
			mu.Lock()
			got = append(got, batch...)
			mu.Unlock()
			w.Write([]byte("[]"))
			return
		}
		w.Write([]byte(`{"version":["1.0.3"]}`))
	}))
	defer lrs.Close()
	home := t.TempDir()
	if r := tidbit(t, home, "s3cret\n", "xapi", "set", "--endpoint", lrs.URL+"/xAPI/", "--user", "key", "--name", "Ada",
		"--mbox", "ada@example.com"); r.code != 0 {
		t.Fatalf("xapi set: %d %s", r.code, r.err)
	}
	if r := tidbit(t, home, "", "xapi", "set", "--endpoint", "http://lrs.example.com/xAPI/", "--user", "k"); r.code == 0 {
		t.Fatal("plain http to another machine must be refused")
	}
	r := tidbit(t, home, answerAll(6), "learn")
	if r.code != 0 {
		t.Fatalf("learn: %d %s", r.code, r.err)
	}
	mu.Lock()
	verbs := map[string]int{}
	for _, st := range got {
		v, _ := st["verb"].(map[string]any)
		verbs[fmt.Sprint(v["id"])]++
	}
	mu.Unlock()
	if verbs["http://adlnet.gov/expapi/verbs/answered"] < 5 || verbs["http://adlnet.gov/expapi/verbs/completed"] != 1 {
		t.Fatalf("statements received: %v", verbs)
	}
	if strings.Contains(r.out+r.err, "s3cret") {
		t.Fatal("the password was printed")
	}
	r = tidbit(t, home, "", "xapi", "status")
	if !strings.Contains(r.out, "Outbox: 0 statement(s) waiting") {
		t.Fatalf("status: %s", r.out)
	}
	if r := tidbit(t, home, "", "doctor"); !strings.Contains(r.out, lrs.URL) || strings.Contains(r.out, "s3cret") {
		t.Fatalf("doctor: %s", r.out)
	}
}

// TestTrayStartHandoverAndStop: `tidbit` runs the tray (here with no session
// bus, as over SSH: it keeps running without a host), a second `tidbit`
// hands over to it and exits 0, and SIGTERM stops the first cleanly.
func TestTrayStartHandoverAndStop(t *testing.T) {
	home := t.TempDir()
	env := []string{"TIDBIT_HOME=" + home, "HOME=" + home, "PATH=/usr/bin:/bin",
		// A bus address that does not exist: no autolaunched session bus.
		"DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(home, "no-bus")}
	first := exec.Command(tidbitBin)
	first.Env = env
	var out1 bytes.Buffer
	first.Stdout, first.Stderr = &out1, &out1
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer first.Process.Kill()
	// Wait until the first holds the single-instance lock (its pid is in
	// the lock file), so the second cannot become the tray itself.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(filepath.Join(home, "tray.lock"))
		if strings.TrimSpace(string(b)) == fmt.Sprint(first.Process.Pid) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	var r run
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		second := exec.CommandContext(ctx, tidbitBin)
		second.Env = env
		var o bytes.Buffer
		second.Stdout, second.Stderr = &o, &o
		err := second.Run()
		cancel()
		if err == nil {
			r = run{0, o.String(), ""}
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if r.out == "" {
		t.Fatalf("a second tidbit never handed over; first said:\n%s", out1.String())
	}
	if first.ProcessState != nil {
		t.Fatalf("the first tidbit exited: %s", out1.String())
	}
	if err := first.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- first.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("SIGTERM: %v\n%s", err, out1.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the tray did not stop on SIGTERM:\n%s", out1.String())
	}
}
