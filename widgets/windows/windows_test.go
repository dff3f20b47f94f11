package windows

import (
	"errors"
	"github.com/tidbit-learn/tidbit/widgets/internal/fynetest"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
	"github.com/tidbit-learn/tidbit/widgets/formkit"
	"github.com/tidbit-learn/tidbit/widgets/windows/view"
)

func TestMain(m *testing.M) { fynetest.Main(m) }

var now = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }

func taxonomy(t *testing.T) *assets.Taxonomy {
	t.Helper()
	tax, err := assets.LoadTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	return tax
}

// press types a key as the driver does: to the focused widget, else to
// the canvas.
func press(c fyne.Canvas, name fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: name}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	c.OnTypedKey()(ev)
}

type closeCount struct{ n int }

func (c *closeCount) closed() { c.n++ }

type mastery map[string]float64

func (m mastery) Estimate(s string) learner.Estimate {
	return learner.Estimate{P: m[s], Uncertainty: 0.1}
}

func someProgress(t *testing.T) view.Progress {
	tax := taxonomy(t)
	built, err := learner.BuildProfile(tax, learner.ProfileInput{Goals: []string{"active-listening"}})
	if err != nil {
		t.Fatal(err)
	}
	return view.NewProgress(view.ProgressInput{Now: now, Loc: time.UTC, Taxonomy: tax, Profile: built,
		Days: []store.DayActivity{{Day: day(10, 14), Completed: 1, Seconds: 200}, {Day: day(11, 10), Completed: 4, Seconds: 900},
			{Day: day(11, 23), Completed: 1, Seconds: 120}, {Day: day(11, 24), Completed: 3, Seconds: 600},
			{Day: day(11, 25), Completed: 2, Seconds: 300}},
		Skills: []store.SkillStat{
			{Skill: "spreadsheet-basics", Name: "Spreadsheet basics", Category: "data", Answered: 10, Correct: 7},
			{Skill: "active-listening", Name: "Active listening", Category: "communication", Answered: 3, Correct: 2}},
		Mastery: mastery{"spreadsheet-basics": 0.72, "active-listening": 0.61},
		Stats:   store.Stats{Sessions: 11, StreakDays: 3, TodayCompleted: 2}, DailyGoal: 4, WeeklyGoal: 10, MinutesGoal: 30})
}

func TestProgressMarkup(t *testing.T) {
	cases := []struct {
		name string
		p    func(t *testing.T) view.Progress
	}{
		{"empty", func(*testing.T) view.Progress {
			return view.NewProgress(view.ProgressInput{Now: now, Loc: time.UTC, DailyGoal: 4, WeeklyGoal: 10, MinutesGoal: 30})
		}},
		{"some", someProgress},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			test.NewTempApp(t)
			w := ShowProgress(test.NewTempApp(t), tc.p(t), nil)
			test.AssertRendersToMarkup(t, "progress/"+tc.name+".xml", w.win.Canvas())
		})
	}
}

func TestProgressKeys(t *testing.T) {
	cases := []struct {
		name   string
		keys   []fyne.KeyName
		tab    bool
		closed int
		scroll bool
	}{
		{"escape with nothing focused", []fyne.KeyName{fyne.KeyEscape}, false, 1, false},
		{"escape twice closes once", []fyne.KeyName{fyne.KeyEscape, fyne.KeyEscape}, false, 1, false},
		{"tab then enter on close", []fyne.KeyName{fyne.KeyReturn}, true, 1, false},
		{"tab then space on close", []fyne.KeyName{fyne.KeySpace}, true, 1, false},
		{"page down scrolls", []fyne.KeyName{fyne.KeyPageDown}, false, 0, true},
		{"down scrolls from the button", []fyne.KeyName{fyne.KeyDown}, true, 0, true},
		{"other key", []fyne.KeyName{fyne.KeyX}, false, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c closeCount
			w := ShowProgress(test.NewTempApp(t), someProgress(t), c.closed)
			w.win.Resize(fyne.NewSize(560, 300)) // so there is something to scroll
			cv := w.win.Canvas()
			if tc.tab {
				cv.FocusNext()
				if cv.Focused() != w.Close {
					t.Fatalf("Tab focused %T, want the Close button", cv.Focused())
				}
			}
			for _, k := range tc.keys {
				press(cv, k)
			}
			if c.n != tc.closed {
				t.Fatalf("closed %d times, want %d", c.n, tc.closed)
			}
			if scrolled := w.scroll.Offset.Y > 0; scrolled != tc.scroll {
				t.Fatalf("scrolled to %v, want scrolled %v", w.scroll.Offset.Y, tc.scroll)
			}
		})
	}
}

var lessons = []store.LessonSummary{
	{ID: "listen", Title: "Three moves of active listening", Minutes: 3, Skills: []string{"active-listening"},
		Category: "communication", Kind: "lesson", Completed: 2},
	{ID: "present", Title: "Open with the ask", Minutes: 4, Skills: []string{"presenting"}, Category: "communication", Kind: "lesson"},
	{ID: "sheets", Title: "Spreadsheet lookups", Minutes: 2, Skills: []string{"spreadsheet-basics"}, Category: "data",
		Kind: "quiz", Completed: 1},
}

func showLibrary(t *testing.T, ls []store.LessonSummary, start func(string) error) (*Library, *closeCount) {
	t.Helper()
	var c closeCount
	w := ShowLibrary(test.NewTempApp(t), view.NewLibrary(ls, taxonomy(t)), LibraryOptions{OnStart: start, OnClosed: c.closed})
	return w, &c
}

func TestLibraryMarkup(t *testing.T) {
	w, _ := showLibrary(t, nil, nil)
	test.AssertRendersToMarkup(t, "library/empty.xml", w.win.Canvas())
	w, _ = showLibrary(t, lessons, nil)
	test.AssertRendersToMarkup(t, "library/all.xml", w.win.Canvas())
	test.Type(w.Search, "comm")
	test.AssertRendersToMarkup(t, "library/filtered.xml", w.win.Canvas())
	test.Type(w.Search, "zz")
	test.AssertRendersToMarkup(t, "library/no_match.xml", w.win.Canvas())
}

func TestLibraryKeys(t *testing.T) {
	cases := []struct {
		name    string
		typed   string
		keys    []fyne.KeyName
		started []string
		closed  int
		status  string
	}{
		{"enter starts the first", "", []fyne.KeyName{fyne.KeyReturn}, []string{"listen"}, 0, "Opened “Three moves of active listening”."},
		{"down then enter", "", []fyne.KeyName{fyne.KeyDown, fyne.KeyEnter}, []string{"present"}, 0, ""},
		{"down stops at the end", "", []fyne.KeyName{fyne.KeyPageDown, fyne.KeyDown, fyne.KeyReturn}, []string{"sheets"}, 0, ""},
		{"up stops at the top", "", []fyne.KeyName{fyne.KeyUp, fyne.KeyPageUp, fyne.KeyReturn}, []string{"listen"}, 0, ""},
		{"typing filters, enter starts the match", "spread", []fyne.KeyName{fyne.KeyReturn}, []string{"sheets"}, 0, ""},
		{"typing a skill name", "presenting", []fyne.KeyName{fyne.KeyReturn}, []string{"present"}, 0, ""},
		{"no match: enter does nothing", "zzz", []fyne.KeyName{fyne.KeyReturn, fyne.KeyDown}, nil, 0, "No lesson matches “zzz”."},
		{"escape closes", "", []fyne.KeyName{fyne.KeyEscape}, nil, 1, ""},
		{"escape while searching closes", "comm", []fyne.KeyName{fyne.KeyEscape}, nil, 1, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var started []string
			w, c := showLibrary(t, lessons, func(id string) error { started = append(started, id); return nil })
			cv := w.win.Canvas()
			if cv.Focused() != w.Search {
				t.Fatalf("focus on open: %T, want the search field", cv.Focused())
			}
			test.Type(w.Search, tc.typed)
			for _, k := range tc.keys {
				press(cv, k)
			}
			if !equal(started, tc.started) || c.n != tc.closed {
				t.Fatalf("started %q, closed %d; want %q, %d", started, c.n, tc.started, tc.closed)
			}
			if tc.status != "" && w.Status.Text != tc.status {
				t.Fatalf("status %q, want %q", w.Status.Text, tc.status)
			}
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLibraryTabOrderAndButtons(t *testing.T) {
	var started []string
	fail := false
	w, c := showLibrary(t, lessons, func(id string) error {
		started = append(started, id)
		if fail {
			return errors.New("lesson gone")
		}
		return nil
	})
	cv := w.win.Canvas()
	want := []fyne.Focusable{w.Start, w.Close, w.Search}
	for i, f := range want {
		cv.FocusNext()
		if cv.Focused() != f {
			t.Fatalf("Tab %d focused %T, want %T (the list is skipped)", i+1, cv.Focused(), f)
		}
	}
	w.List.Select(2)
	cv.Focus(w.Start)
	press(cv, fyne.KeyReturn)
	fail = true
	test.Tap(w.Start)
	if !equal(started, []string{"sheets", "sheets"}) || w.Status.Text != "Could not open that lesson: lesson gone" {
		t.Fatalf("started %q, status %q", started, w.Status.Text)
	}
	cv.Focus(w.Close)
	press(cv, fyne.KeyReturn)
	if c.n != 1 {
		t.Fatalf("Close: closed %d times", c.n)
	}
}

func profileForm(t *testing.T) view.ProfileForm {
	return view.NewProfileForm(store.Profile{Role: "data-analyst", Seniority: "mid", Goals: []string{"active-listening"},
		Notes: "needs to improve stakeholder updates", SelfRatings: map[string]int{"sql-basics": 3}, MinutesPerWeek: 45}, taxonomy(t))
}

type saves struct {
	forms []view.ProfileForm
	err   error
}

func (s *saves) save(f view.ProfileForm, done func(error)) {
	s.forms = append(s.forms, f)
	done(s.err)
}

func showProfile(t *testing.T, f view.ProfileForm) (*Profile, *saves, *closeCount) {
	t.Helper()
	var c closeCount
	s := &saves{}
	w := ShowProfile(test.NewTempApp(t), f, ProfileOptions{Taxonomy: taxonomy(t), Save: s.save, OnClosed: c.closed})
	return w, s, &c
}

func TestProfileMarkup(t *testing.T) {
	w, _, _ := showProfile(t, view.NewProfileForm(store.Profile{MinutesPerWeek: 30}, taxonomy(t)))
	test.AssertRendersToMarkup(t, "profile/empty.xml", w.win.Canvas())
	w, _, _ = showProfile(t, profileForm(t))
	test.AssertRendersToMarkup(t, "profile/filled.xml", w.win.Canvas())
}

// TestProfileShowsAIReading: the model's reading is named, labelled
// AI-written, and set aside once the notes change.
func TestProfileShowsAIReading(t *testing.T) {
	f := profileForm(t).WithAI([]learner.AITarget{{Skill: "negotiation-basics", Level: 4, Why: "Updates need trades."}})
	w, _, _ := showProfile(t, f)
	if !strings.Contains(w.Check.Text, "AI-written: the local model also read Negotiation basics into your role, goals and notes.") {
		t.Fatalf("check text %q", w.Check.Text)
	}
	w.Notes.SetText("wants to coach")
	if !strings.Contains(w.Check.Text, "set aside") || strings.Contains(w.Check.Text, "Negotiation basics") {
		t.Fatalf("after editing the notes: %q", w.Check.Text)
	}
}

func TestProfileTabOrder(t *testing.T) {
	w, _, _ := showProfile(t, profileForm(t))
	cv := w.win.Canvas()
	want := []fyne.Focusable{w.Role, w.Seniority, w.Goals, w.Notes, w.Minutes}
	for _, r := range w.Ratings {
		want = append(want, r)
	}
	want = append(want, w.Save, w.Close)
	if cv.Focused() != w.Role {
		t.Fatalf("focus on open: %T", cv.Focused())
	}
	for i, f := range want[1:] {
		cv.FocusNext()
		if cv.Focused() != f {
			t.Fatalf("Tab %d focused %T %p, want %T %p", i+1, cv.Focused(), cv.Focused(), f, f)
		}
	}
}

func TestProfileEditAndSave(t *testing.T) {
	w, s, c := showProfile(t, profileForm(t))
	cv := w.win.Canvas()
	before := len(w.Ratings)

	// Role: Right steps to the next role by name; the skills to rate follow.
	press(cv, fyne.KeyRight)
	if w.Form().Role == "data-analyst" || w.Role.Selected == "Data analyst" {
		t.Fatalf("Right did not change the role: %q", w.Form().Role)
	}
	press(cv, fyne.KeyLeft)
	if w.Form().Role != "data-analyst" || len(w.Ratings) != before {
		t.Fatalf("Left: role %q, %d ratings (want %d)", w.Form().Role, len(w.Ratings), before)
	}

	cv.Focus(w.Goals)
	w.Goals.SetText(w.Goals.Text + ", Presenting")
	if len(w.Ratings) != before+1 {
		t.Fatalf("a skill goal adds a rating: %d, want %d", len(w.Ratings), before+1)
	}
	var presenting *formkit.Select
	for i, r := range w.rows {
		if r.Skill == "presenting" {
			presenting = w.Ratings[i]
		}
	}
	if presenting == nil {
		t.Fatal("no rating for the new goal")
	}
	cv.Focus(presenting)
	press(cv, fyne.KeyRight)
	press(cv, fyne.KeyRight)

	cv.Focus(w.Minutes)
	w.Minutes.SetText("")
	test.Type(w.Minutes, "lots")
	press(cv, fyne.KeyReturn)
	if len(s.forms) != 0 || w.Status.Text != "minutes a week: enter a whole number from 5 to 1200" || cv.Focused() != w.Minutes {
		t.Fatalf("bad minutes: saved %d, status %q", len(s.forms), w.Status.Text)
	}
	w.Minutes.SetText("60")
	press(cv, fyne.KeyReturn)
	if len(s.forms) != 1 || w.Status.Text != "Saved." {
		t.Fatalf("Enter: saved %d, status %q", len(s.forms), w.Status.Text)
	}
	got := s.forms[0]
	if got.Goals != "Active listening, Presenting" || got.Minutes != "60" || got.Ratings["presenting"] != 2 || got.Ratings["sql-basics"] != 3 {
		t.Fatalf("saved %+v", got)
	}

	// Ctrl+S from the notes (an Entry swallows shortcuts it does not know).
	cv.Focus(w.Notes)
	s.err = errors.New("disk full")
	w.Notes.TypedShortcut(SaveShortcut)
	if len(s.forms) != 2 || w.Status.Text != "Could not save: disk full" {
		t.Fatalf("Ctrl+S: saved %d, status %q", len(s.forms), w.Status.Text)
	}
	press(cv, fyne.KeyReturn) // a new line in the notes, not a save
	if len(s.forms) != 2 {
		t.Fatal("Enter in the notes saved")
	}
	press(cv, fyne.KeyEscape)
	if c.n != 1 {
		t.Fatalf("Escape from the notes: closed %d", c.n)
	}
}

func TestCloseLeavesOneHiddenWindow(t *testing.T) {
	a := test.NewTempApp(t)
	has := func(w fyne.Window) bool {
		for _, o := range a.Driver().AllWindows() {
			if o == w {
				return true
			}
		}
		return false
	}
	// The test driver is shared: windows of earlier tests may be listed.
	for _, w := range slices.Clone(a.Driver().AllWindows()) {
		w.Close()
	}
	var c closeCount
	first := ShowProgress(a, someProgress(t), c.closed)
	second := ShowLibrary(a, nil, LibraryOptions{OnClosed: c.closed})
	press(second.win.Canvas(), fyne.KeyEscape)
	if has(second.win) || !has(first.win) || c.n != 1 {
		t.Fatalf("closing one of two: second kept %v, first kept %v, %d closes reported", has(second.win), has(first.win), c.n)
	}
	press(first.win.Canvas(), fyne.KeyEscape)
	if !has(first.win) || c.n != 2 {
		t.Fatalf("closing the last: kept %v (want it kept, hidden, so the loop lingers), %d closes", has(first.win), c.n)
	}
}

// At a large text size the charts can be wider than the window: Right and
// Left scroll sideways.
func TestProgressScrollsSideways(t *testing.T) {
	w := ShowProgress(test.NewTempApp(t), someProgress(t), nil)
	w.win.Resize(fyne.NewSize(260, 300))
	press(w.win.Canvas(), fyne.KeyRight)
	if w.scroll.Offset.X <= 0 {
		t.Fatalf("Right: offset %v", w.scroll.Offset)
	}
	press(w.win.Canvas(), fyne.KeyLeft)
	press(w.win.Canvas(), fyne.KeyLeft)
	if w.scroll.Offset.X != 0 {
		t.Fatalf("Left: offset %v", w.scroll.Offset)
	}
}

// The charts take their colours from the theme when refreshed, so a
// switch to dark (Fyne refreshes every window) recolours them.
func TestChartsFollowTheTheme(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(theme.LightTheme())
	w := ShowProgress(a, someProgress(t), nil)
	var m *meter
	for _, o := range test.LaidOutObjects(w.win.Content()) {
		if mm, ok := o.(*meter); ok {
			m = mm
			break
		}
	}
	if m == nil {
		t.Fatal("no meter in the Progress window")
	}
	r := test.TempWidgetRenderer(t, m).(*meterRenderer)
	light := r.track.FillColor
	a.Settings().SetTheme(theme.DarkTheme())
	r = test.TempWidgetRenderer(t, m).(*meterRenderer)
	if r.track.FillColor == light {
		t.Fatalf("track colour %v did not change with the theme", light)
	}
	if want := theme.DarkTheme().Color(theme.ColorNameInputBackground, theme.VariantDark); r.track.FillColor != want {
		t.Fatalf("dark track %v, want %v", r.track.FillColor, want)
	}
}

func TestOpeningAgainReplaces(t *testing.T) {
	a := test.NewTempApp(t)
	for _, w := range slices.Clone(a.Driver().AllWindows()) {
		w.Close()
	}
	titled := func(title string) int {
		n := 0
		for _, w := range a.Driver().AllWindows() {
			if w.Title() == title {
				n++
			}
		}
		return n
	}
	var c closeCount
	lib := ShowLibrary(a, nil, LibraryOptions{OnClosed: c.closed})
	ShowProgress(a, someProgress(t), c.closed)
	second := ShowProgress(a, someProgress(t), c.closed)
	if n := titled("Tidbit — Progress"); n != 1 || c.n != 1 {
		t.Fatalf("second Progress: %d Progress windows, %d closes reported (want 1, 1)", n, c.n)
	}
	press(lib.win.Canvas(), fyne.KeyEscape)
	press(second.win.Canvas(), fyne.KeyEscape)
	if c.n != 3 || len(a.Driver().AllWindows()) != 1 {
		t.Fatalf("%d closes, %d windows left (want 3, the last hidden)", c.n, len(a.Driver().AllWindows()))
	}
	// The hidden last one is replaced too when Progress opens again.
	third := ShowProgress(a, someProgress(t), c.closed)
	if n := len(a.Driver().AllWindows()); n != 1 || a.Driver().AllWindows()[0] != third.win || c.n != 3 {
		t.Fatalf("reopened: %d windows, %d closes", n, c.n)
	}
}

// Tab down the self-ratings of a short window: the focused one scrolls
// into view, and Shift+Tab back to the top scrolls back.
func TestProfileFollowsFocus(t *testing.T) {
	w, _, _ := showProfile(t, profileForm(t))
	w.win.Resize(fyne.NewSize(560, 400))
	cv := w.win.Canvas()
	last := w.Ratings[len(w.Ratings)-1]
	for cv.Focused() != last {
		cv.FocusNext()
	}
	drv := fyne.CurrentApp().Driver()
	y := drv.AbsolutePositionForObject(last).Y - drv.AbsolutePositionForObject(w.scroll).Y
	if w.scroll.Offset.Y == 0 || y < 0 || y+last.Size().Height > w.scroll.Size().Height {
		t.Fatalf("last rating at %v in a %v view, offset %v", y, w.scroll.Size(), w.scroll.Offset)
	}
	for cv.Focused() != w.Role {
		cv.FocusPrevious()
	}
	if w.scroll.Offset.Y != 0 {
		t.Fatalf("back at the role, offset %v", w.scroll.Offset)
	}
}
