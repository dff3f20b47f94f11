package report

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/assign"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

var update = flag.Bool("update", false, "rewrite golden files")

var (
	berlin = mustLoc("Europe/Berlin")
	// now is the tests' clock: Wednesday 4 March 2026, 18:00 in Berlin.
	now = time.Date(2026, 3, 4, 18, 0, 0, 0, berlin)
)

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// seeded builds a store with the real taxonomy, eight lessons on four
// skills, ten weeks of deterministic activity, a profile, two
// assignments (one done) and two reflections.
func seeded(t testing.TB) (*store.Store, *assets.Taxonomy) {
	t.Helper()
	ctx := context.Background()
	clock := now.AddDate(0, 0, -70)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "tidbit.db"), store.Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tax, err := assets.LoadTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SyncTaxonomy(ctx, tax); err != nil {
		t.Fatal(err)
	}
	skills := []string{"sql-basics", "data-visualisation", "active-listening", "giving-feedback"}
	for _, s := range skills {
		if _, ok := tax.Skill(s); !ok {
			t.Fatalf("the taxonomy lost skill %s", s)
		}
	}
	var lessons []store.Lesson
	for i := range 8 {
		id := fmt.Sprintf("%s-%d", skills[i%4], i/4+1)
		l := store.Lesson{ID: id, Title: fmt.Sprintf("Lesson %d on %s", i/4+1, skills[i%4]), Kind: "lesson", Level: 1 + i/4, Minutes: 3,
			Body: "Body", Skills: []string{skills[i%4]}, SourceFile: id + ".md", ContentHash: "h-" + id}
		if i%4 == 2 {
			l.Kind = "reflection"
			l.Reflection = &store.Reflection{Prompt: "What would you ask?", ModelAnswer: "Ask an open question."}
		}
		for q := range 3 {
			l.Questions = append(l.Questions, store.Question{ID: fmt.Sprintf("%s/q%d", id, q), Ord: q, Type: "single", Prompt: "Which?",
				ContentHash: fmt.Sprintf("qh-%s-%d", id, q),
				Options:     []store.Option{{Text: "A", Correct: true, Why: "Yes."}, {Text: "B", Why: "No."}}})
		}
		lessons = append(lessons, l)
	}
	if _, err := st.ImportPack(ctx, store.Pack{ID: "test", Title: "Test", Version: "1", Source: "test", ContentHash: "h"}, lessons); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveProfile(ctx, store.Profile{Name: "Ada Example", Role: "data-analyst", Goals: []string{"giving-feedback"}, MinutesPerWeek: 30}); err != nil {
		t.Fatal(err)
	}
	// Assignments arrive at the start: Sam's is done in week 3, Kim's is open.
	sam := "assignment:\n  id: sam-sql\n  from: Sam Lee (team lead)\n  title: SQL before the data course\n  note: The course assumes you can write a JOIN.\n  due: 2026-01-31\n  lessons: [sql-basics-1, sql-basics-2]\n"
	kim := "assignment:\n  id: kim-feedback\n  from: Kim (mentor)\n  note: Practise before the review cycle.\n  due: 2026-03-20\n  skills:\n    - skill: giving-feedback\n      lessons: 2\n      level: 5\n    - active-listening\n"
	// Kim's arrives two days before the report: little of it is done.
	for i, src := range []string{sam, kim} {
		f, err := assign.Parse("a.yaml", []byte(src), berlin)
		if err != nil {
			t.Fatal(err)
		}
		at := clock
		if i == 1 {
			at = now.AddDate(0, 0, -2)
		}
		if _, err := assign.Import(ctx, st, f, at); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(7, 7))
	n := 0
	for day := 0; day < 70; day++ {
		d := now.AddDate(0, 0, -70+day)
		// Busy weeks and quiet ones: roughly 60 % of days, none in week 5.
		// The last four days are all active: a current streak.
		if day < 66 && (rng.Float64() > 0.6 || day/7 == 5) {
			continue
		}
		for k := 0; k < 1+rng.IntN(2); k++ {
			n++
			l := lessons[(n*3+day)%len(lessons)]
			at := time.Date(d.Year(), d.Month(), d.Day(), 9+k*3, 15, 0, 0, berlin)
			if day < 20 && n%2 == 0 {
				l = lessons[n/2%2*4] // early on, the SQL lessons Sam assigned
			}
			id := fmt.Sprintf("att-%d", n)
			if err := st.StartAttempt(ctx, store.Attempt{ID: id, LessonID: l.ID, Kind: "quiz", StartedAt: at}); err != nil {
				t.Fatal(err)
			}
			right := 0
			for qi, q := range l.Questions {
				ok := rng.Float64() < 0.45+0.5*float64(day)/70
				if ok {
					right++
				}
				if err := st.RecordAnswer(ctx, store.Answer{ID: fmt.Sprintf("%s-%d", id, qi), AttemptID: id, QuestionID: q.ID,
					QuestionHash: q.ContentHash, Chosen: []int{0}, Correct: ok, AnsweredAt: at.Add(time.Duration(qi+1) * 20 * time.Second)}); err != nil {
					t.Fatal(err)
				}
			}
			if l.Reflection != nil && n%3 == 0 {
				if err := st.RecordReflection(ctx, store.ReflectionAnswer{ID: id + "-r", AttemptID: id, LessonID: l.ID,
					Text: "I would ask what they need <first>, then summarise.", AnsweredAt: at.Add(90 * time.Second)}); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.FinishAttempt(ctx, store.AttemptResult{AttemptID: id, FinishedAt: at.Add(2 * time.Minute), Outcome: "completed",
				Seconds: 100 + rng.IntN(140), Correct: right, Answered: len(l.Questions)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return st, tax
}

func build(t testing.TB, opts Options) *Report {
	t.Helper()
	st, tax := seeded(t)
	opts.Taxonomy, opts.Now, opts.Loc = tax, now, berlin
	r, err := Build(context.Background(), st, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestGolden(t *testing.T) {
	cases := []struct {
		name      string
		opts      Options
		samListed bool // due and done before February
	}{
		{"default", Options{}, true},
		{"with-reflections", Options{IncludeReflections: true, From: time.Date(2026, 2, 1, 0, 0, 0, 0, berlin)}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := build(t, tc.opts)
			var h, c, s bytes.Buffer
			if err := r.HTML(&h); err != nil {
				t.Fatal(err)
			}
			if err := r.CSV(&c); err != nil {
				t.Fatal(err)
			}
			if err := r.Summary(&s); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name+".html", h.Bytes())
			golden(t, tc.name+".csv", c.Bytes())
			golden(t, tc.name+".txt", s.Bytes())
			// The figures behind the goldens, checked directly.
			if r.Sessions == 0 || r.Minutes <= 0 || r.Answered == 0 || r.ActiveDays == 0 || r.Longest == 0 || len(r.Skills) != 4 {
				t.Errorf("empty figures: %+v", r)
			}
			states := map[string]bool{}
			for _, a := range r.Assignments {
				states[a.ID] = a.Done
			}
			if done, listed := states["sam-sql"]; listed != tc.samListed || listed && !done {
				t.Errorf("Sam's assignment (done in January): listed %v done %v, want listed %v and done", listed, done, tc.samListed)
			}
			if done, listed := states["kim-feedback"]; !listed || done {
				t.Errorf("Kim's assignment (open): listed %v done %v", listed, done)
			}
			reflection := "I would ask what they need &lt;first&gt;"
			if got := strings.Contains(h.String(), reflection); got != tc.opts.IncludeReflections {
				t.Errorf("reflection text in the HTML: %v, want %v", got, tc.opts.IncludeReflections)
			}
			if got := strings.Contains(c.String(), "I would ask"); got != tc.opts.IncludeReflections {
				t.Errorf("reflection text in the CSV: %v, want %v", got, tc.opts.IncludeReflections)
			}
			if strings.Contains(h.String(), "<first>") {
				t.Error("learner text reached the HTML unescaped")
			}
		})
	}
}

func TestPeriod(t *testing.T) {
	cases := []struct {
		name       string
		from, to   time.Time
		wantErr    string
		weeks      int
		firstWeek  string
		sessions0  bool
		streakZero bool
	}{
		{name: "default: twelve weeks to today", weeks: 12, firstWeek: "2025-12-15"},
		{name: "one week", from: time.Date(2026, 2, 23, 0, 0, 0, 0, berlin), to: time.Date(2026, 3, 2, 0, 0, 0, 0, berlin), weeks: 1, firstWeek: "2026-02-23"},
		{name: "before any activity", from: time.Date(2025, 1, 1, 0, 0, 0, 0, berlin), to: time.Date(2025, 2, 1, 0, 0, 0, 0, berlin),
			weeks: 5, firstWeek: "2024-12-30", sessions0: true, streakZero: true},
		{name: "empty", from: now, to: now, wantErr: "the report period is empty"},
		{name: "too long", from: time.Date(2000, 1, 1, 0, 0, 0, 0, berlin), to: now, wantErr: "longer than"},
	}
	st, tax := seeded(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Build(context.Background(), st, Options{From: tc.from, To: tc.to, Now: now, Loc: berlin, Taxonomy: tax})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Weeks) != tc.weeks || r.Weeks[0].Start.Format(time.DateOnly) != tc.firstWeek {
				t.Errorf("%d weeks from %s, want %d from %s", len(r.Weeks), r.Weeks[0].Start.Format(time.DateOnly), tc.weeks, tc.firstWeek)
			}
			if (r.Sessions == 0) != tc.sessions0 || (r.Streak == 0) != tc.streakZero {
				t.Errorf("sessions %d, streak %d", r.Sessions, r.Streak)
			}
			total := 0.0
			for _, w := range r.Weeks {
				total += w.Minutes
			}
			if d := total - r.Minutes; d > 1e-6 || d < -1e-6 {
				t.Errorf("weeks add up to %.2f min, the total is %.2f", total, r.Minutes)
			}
		})
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "report.html")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	failing := func(w interface{ Write([]byte) (int, error) }) error {
		w.Write([]byte("half"))
		return fmt.Errorf("disk full")
	}
	if err := WriteFile(p, func(w io.Writer) error { return failing(w) }); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("a failed write returned %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("a failed write changed the file: %q", b)
	}
	if err := WriteFile(p, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" || fi.Mode().Perm() != 0o600 {
		t.Errorf("wrote %q with mode %v, want \"new\" with 0600", b, fi.Mode().Perm())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temporary files left behind: %v", ents)
	}
	if err := WriteFile(filepath.Join(dir, "no-such-dir", "r.html"), func(io.Writer) error { return nil }); err == nil {
		t.Error("writing into a missing folder succeeded")
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (rerun with -update if intended); got:\n%s", p, got)
	}
}

// BenchmarkBuild measures a report over ten weeks of daily use (about 90
// sessions and 270 answers), rendered to HTML and CSV.
func BenchmarkBuild(b *testing.B) {
	st, tax := seeded(b)
	ctx := context.Background()
	for b.Loop() {
		r, err := Build(ctx, st, Options{Now: now, Loc: berlin, Taxonomy: tax})
		if err != nil {
			b.Fatal(err)
		}
		if err := r.HTML(io.Discard); err != nil {
			b.Fatal(err)
		}
		if err := r.CSV(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
