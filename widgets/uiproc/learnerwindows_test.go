package uiproc

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tidbit-learn/tidbit/app/store"
	wins "github.com/tidbit-learn/tidbit/widgets/windows"
)

// start opens a window process on a fresh data folder with the starter
// library, its clock pinned at noon local time on a Wednesday.
func start(t *testing.T, command string) (*Process, fyne.App, time.Time) {
	t.Helper()
	fa := test.NewTempApp(t)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.Local)
	d := deps(t.TempDir())
	d.Now = func() time.Time { return now }
	pr, err := Start(context.Background(), fa, Config{Command: command, Linger: time.Hour}, d, func() {})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pr.Close)
	return pr, fa, now
}

func windowTitled(t *testing.T, fa fyne.App, title string) fyne.Window {
	t.Helper()
	var titles []string
	for _, w := range fa.Driver().AllWindows() {
		if w.Title() == title {
			return w
		}
		titles = append(titles, w.Title())
	}
	t.Fatalf("no window %q among %q", title, titles)
	return nil
}

// texts lists the text a window shows.
func texts(w fyne.Window) []string {
	var out []string
	for _, o := range test.LaidOutObjects(w.Canvas().Content()) {
		switch o := o.(type) {
		case *widget.Label:
			out = append(out, o.Text)
		case *canvas.Text:
			out = append(out, o.Text)
		}
	}
	return out
}

func typeKey(c fyne.Canvas, name fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: name}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	c.OnTypedKey()(ev)
}

func TestProgressWindow(t *testing.T) {
	pr, fa, now := start(t, "progress")
	w := windowTitled(t, fa, "Tidbit — Progress")
	if got := texts(w); !slices.Contains(got, "0 of 4 done today") || !slices.Contains(got, "No answers yet: each skill appears after its first quiz.") {
		t.Fatalf("empty progress shows %q", got)
	}
	typeKey(w.Canvas(), fyne.KeyEscape)

	// Two lessons done this morning, one question answered.
	ctx := context.Background()
	st := pr.App.Store
	lib, err := st.Library(ctx)
	if err != nil || len(lib) < 2 {
		t.Fatalf("library: %d lessons, %v", len(lib), err)
	}
	for i, l := range lib[:2] {
		id := fmt.Sprintf("att-%d", i)
		at := now.Add(-time.Duration(2-i) * time.Hour)
		if err := st.StartAttempt(ctx, store.Attempt{ID: id, LessonID: l.ID, Kind: "lesson", StartedAt: at}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			les, err := st.Lesson(ctx, l.ID)
			if err != nil || len(les.Questions) == 0 {
				t.Fatalf("lesson %s: %v", l.ID, err)
			}
			q := les.Questions[0]
			if err := st.RecordAnswer(ctx, store.Answer{ID: "ans-1", AttemptID: id, QuestionID: q.ID, QuestionHash: q.ContentHash,
				Chosen: []int{0}, Correct: true, AnsweredAt: at.Add(time.Minute)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.FinishAttempt(ctx, store.AttemptResult{AttemptID: id, FinishedAt: at.Add(3 * time.Minute), Outcome: "completed",
			Seconds: 180}); err != nil {
			t.Fatal(err)
		}
	}
	if err := pr.Open(ctx, fa, Config{Command: "progress"}); err != nil {
		t.Fatal(err)
	}
	w = windowTitled(t, fa, "Tidbit — Progress")
	got := texts(w)
	for _, want := range []string{"1-day streak", "2 of 4 done today", "2 of 10 done this week", "6"} {
		if !slices.Contains(got, want) {
			t.Errorf("progress does not show %q: %q", want, got)
		}
	}
	if !slices.ContainsFunc(got, func(s string) bool { return strings.HasSuffix(s, "· 1 answer") }) {
		t.Errorf("no mastery bar for the answered skill: %q", got)
	}
}

func TestLibraryWindowStartsALesson(t *testing.T) {
	pr, fa, _ := start(t, "library")
	lib, err := pr.App.Store.Library(context.Background())
	if err != nil || len(lib) == 0 {
		t.Fatalf("library: %v", err)
	}
	target := lib[len(lib)-1]
	w := windowTitled(t, fa, "Tidbit — Library")
	c := w.Canvas()
	search, ok := c.Focused().(fyne.Focusable)
	if !ok || search == nil {
		t.Fatal("nothing focused on open: the search field should be")
	}
	test.Type(search, target.Title)
	if got := texts(w); !slices.Contains(got, target.Title) || slices.Contains(got, fmt.Sprintf("%d lessons", len(lib))) {
		t.Fatalf("filtered for %q, shows %q", target.Title, got)
	}
	typeKey(c, fyne.KeyReturn)
	if pr.Run == nil || pr.Run.LessonID != target.ID {
		t.Fatalf("Enter opened %+v, want %s", pr.Run, target.ID)
	}
	windowTitled(t, fa, "Tidbit — "+target.Title)
	typeKey(c, fyne.KeyEscape)
	for _, o := range fa.Driver().AllWindows() {
		if o == w {
			t.Fatal("Escape left the library window open beside the lesson")
		}
	}
}

func TestProfileWindowSaves(t *testing.T) {
	pr, fa, _ := start(t, "profile")
	w := windowTitled(t, fa, "Tidbit — Profile")
	c := w.Canvas()
	typeKey(c, fyne.KeyRight) // Role: the first role by name
	c.FocusNext()             // Seniority
	typeKey(c, fyne.KeyRight) // junior
	c.FocusNext()             // Goals
	test.Type(c.Focused(), "Active listening, speak up more")
	c.Focused().(fyne.Shortcutable).TypedShortcut(wins.SaveShortcut)
	pr.Writer.Close() // waits for the save

	got, err := pr.App.Store.Profile(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	roles := pr.App.Taxonomy.Roles
	first := roles[0]
	for _, r := range roles {
		if r.Name < first.Name {
			first = r
		}
	}
	if got.Role != first.ID || got.Seniority != "junior" || !slices.Equal(got.Goals, []string{"active-listening", "speak up more"}) ||
		got.MinutesPerWeek != 30 {
		t.Fatalf("saved %+v; want role %s, junior, two goals, 30 min", got, first.ID)
	}
	if !slices.Contains(texts(w), "Saved.") {
		t.Fatalf("no confirmation: %q", texts(w))
	}
}
