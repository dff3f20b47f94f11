package settingswin

import (
	"context"
	"errors"
	"fmt"
	"github.com/tidbit-learn/tidbit/widgets/internal/fynetest"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/widgets/formkit"
)

func TestMain(m *testing.M) { fynetest.Main(m) }

// harness is a window on a real store, with what it did recorded.
type harness struct {
	w        *Window
	st       *store.Store
	bg       *formkit.Background
	closed   int
	autorun  []bool
	themes   []string
	checkErr error
}

func open(t *testing.T, s settings.Settings) *harness {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := settings.Save(ctx, st, s); err != nil {
		t.Fatal(err)
	}
	h := &harness{st: st, bg: &formkit.Background{Do: func(f func()) { f() }}}
	a := test.NewTempApp(t)
	h.w = Show(a, s, Deps{
		Save: func(ctx context.Context, s settings.Settings) error { return settings.Save(ctx, st, s) },
		Check: func(_ context.Context, src string, s settings.Settings) (string, error) {
			if h.checkErr != nil {
				return "", h.checkErr
			}
			return fmt.Sprintf("12 events, 3 busy today (%s, all-day busy %v)", filepath.Base(src), s.AllDayBusy), nil
		},
		CheckModel: func(_ context.Context, s settings.Settings) settings.ModelCheck {
			if s.ModelHost == "127.0.0.1:1" {
				return settings.ModelCheck{Detail: "the server is not running at 127.0.0.1:1", Fix: "run `ollama serve`"}
			}
			return settings.ModelCheck{OK: true, Detail: "Ollama 0.17.4 at " + s.ModelHost + " with " + s.Model + ", 24 tokens/s"}
		},
		Autostart:  func(on bool) error { h.autorun = append(h.autorun, on); return nil },
		Home:       "/home/you",
		Theme:      func(name string) { h.themes = append(h.themes, name) },
		OnClosed:   func() { h.closed++ },
		Background: h.bg,
	})
	return h
}

func (h *harness) stored(t *testing.T) settings.Settings {
	t.Helper()
	s, err := settings.Load(context.Background(), h.st)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// key sends a key as the driver does: to the focused widget, else to the
// canvas.
func key(w fyne.Window, name fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: name}
	if f := w.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	w.Canvas().OnTypedKey()(ev)
}

func ctrlS(w fyne.Window) {
	s := &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierControl}
	if f, ok := w.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	w.Canvas().(fyne.Shortcutable).TypedShortcut(s)
}

func typeInto(w fyne.Window, e *formkit.Entry, text string) {
	w.Canvas().Focus(e)
	e.SetText("")
	test.Type(e, text)
}

func TestDefaults(t *testing.T) {
	h := open(t, settings.Settings{})
	test.AssertRendersToMarkup(t, "settings/defaults.xml", h.w.Canvas())
	if h.w.entries["max_per_day"].Text != "4" || h.w.theme.Selected != "system" || h.w.checks["start_at_login"].Checked {
		t.Fatal("defaults not shown")
	}
	if h.w.remoteMsg.Visible() {
		t.Fatal("remote warning shown without a remote server allowed")
	}
	// Saving untouched defaults stores nothing but defaults.
	ctrlS(h.w)
	h.bg.Wait()
	if s := h.stored(t); s.MaxPerDay != 0 || s.Theme != "" || s.WorkDays != nil {
		t.Fatalf("defaults stored as values: %+v", s)
	}
}

func TestInvalidSaveShowsEveryProblemAndSavesNothing(t *testing.T) {
	h := open(t, settings.Settings{MaxPerDay: 6})
	w := h.w
	typeInto(w, w.entries["work_start"], "18:00")
	typeInto(w, w.entries["work_end"], "08:00")
	typeInto(w, w.entries["max_minutes"], "lots")
	typeInto(w, w.entries["pause_after_s"], "20")
	typeInto(w, w.entries["model_host"], "10.0.0.9")
	typeInto(w, w.entries["max_per_day"], "9")
	key(w, fyne.KeyReturn) // Enter in a field saves
	h.bg.Wait()
	test.AssertRendersToMarkup(t, "settings/invalid.xml", w.Canvas())
	for k, part := range map[string]string{"work_end": "must be after the start", "max_minutes": "not a whole number",
		"pause_after_s": "out of range", "model_host": "another computer"} {
		if l := w.errs[k]; !l.Visible() || !strings.Contains(l.Text, part) {
			t.Errorf("%s error %q (shown %v), want %q", k, l.Text, l.Visible(), part)
		}
	}
	if !strings.HasPrefix(w.status.Text, "Not saved: 4 problems to fix.") {
		t.Errorf("status %q", w.status.Text)
	}
	if w.Canvas().Focused() != w.entries["work_end"] {
		t.Errorf("focus is not on the first field in trouble")
	}
	if s := h.stored(t); s.MaxPerDay != 6 || s.WorkStart != "" {
		t.Fatalf("an invalid form was saved: %+v", s)
	}
	if len(h.autorun) != 0 || len(h.themes) != 0 {
		t.Fatal("start at login or theme changed by a refused save")
	}
	// Fixed, it saves and the errors go.
	typeInto(w, w.entries["work_end"], "20:00")
	typeInto(w, w.entries["max_minutes"], "20")
	typeInto(w, w.entries["pause_after_s"], "90")
	typeInto(w, w.entries["model_host"], "")
	ctrlS(w)
	h.bg.Wait()
	if w.errs["work_end"].Visible() || w.status.Text != "Saved." {
		t.Fatalf("after fixing: %q", w.status.Text)
	}
}

func TestValidSavePersisted(t *testing.T) {
	h := open(t, settings.Settings{Onboarded: true, Calendars: []string{"/cal/old.ics"}})
	w := h.w
	typeInto(w, w.newCal, "/cal/work.ics")
	key(w, fyne.KeyReturn) // Enter in the new-calendar field adds it
	if len(w.calendars) != 2 || w.newCal.Text != "" {
		t.Fatalf("calendars %v", w.calendars)
	}
	typeInto(w, w.entries["addresses"], "me@example.com, me@home.example")
	typeInto(w, w.entries["quiet"], "12:00-13:00")
	typeInto(w, w.entries["max_per_day"], "6")
	w.days[5].SetChecked(true) // Sat
	w.checks["start_at_login"].SetChecked(false)
	w.checks["allow_remote"].SetChecked(true)
	if !w.remoteMsg.Visible() {
		t.Fatal("no warning for a remote model server")
	}
	typeInto(w, w.entries["model_host"], "gpu.example:11434")
	w.Canvas().Focus(w.theme)
	key(w, fyne.KeyRight) // system -> light
	key(w, fyne.KeyRight) // -> dark
	w.Canvas().Focus(w.SaveButton)
	key(w, fyne.KeySpace)
	h.bg.Wait()
	test.AssertRendersToMarkup(t, "settings/saved.xml", w.Canvas())
	s := h.stored(t)
	if len(s.Calendars) != 2 || s.Calendars[1] != "/cal/work.ics" || len(s.Addresses) != 2 || s.MaxPerDay != 6 ||
		len(s.WorkDays) != 6 || s.Theme != "dark" || s.StartAtLogin == nil || *s.StartAtLogin || !s.AllowRemote ||
		s.ModelHost != "gpu.example:11434" || !s.Onboarded {
		t.Fatalf("stored %+v", s)
	}
	if fmt.Sprint(h.autorun) != "[false]" || fmt.Sprint(h.themes) != "[dark]" {
		t.Fatalf("autostart %v, theme %v", h.autorun, h.themes)
	}
}

func TestCalendarCheckAndRemove(t *testing.T) {
	h := open(t, settings.Settings{Calendars: []string{"/cal/a.ics", "/cal/b.ics"}})
	w := h.w
	w.checks["all_day_busy"].SetChecked(true) // the check reads what is on screen
	buttons := calendarButtons(w)
	w.Canvas().Focus(buttons["Check /cal/a.ics"])
	key(w, fyne.KeySpace)
	h.bg.Wait()
	if got := w.calResult["/cal/a.ics"]; got != "12 events, 3 busy today (a.ics, all-day busy true)" {
		t.Fatalf("check result %q", got)
	}
	if m := test.RenderToMarkup(w.Canvas()); !strings.Contains(m, "12 events, 3 busy today") {
		t.Fatal("result not shown")
	}
	h.checkErr = errors.New("reading /cal/b.ics: no such file")
	test.Tap(buttons["Check /cal/b.ics"])
	h.bg.Wait()
	if got := w.calResult["/cal/b.ics"]; got != "Error: reading /cal/b.ics: no such file" {
		t.Fatalf("check error %q", got)
	}
	w.Canvas().Focus(calendarButtons(w)["Remove /cal/a.ics"])
	key(w, fyne.KeySpace)
	if len(w.calendars) != 1 || w.calendars[0] != "/cal/b.ics" || w.Canvas().Focused() != w.newCal {
		t.Fatalf("after remove: %v, focus %T", w.calendars, w.Canvas().Focused())
	}
	typeInto(w, w.newCal, "/cal/b.ics")
	w.addCalendar()
	if !w.errs["calendars"].Visible() || len(w.calendars) != 1 {
		t.Fatal("a duplicate calendar was added")
	}
	typeInto(w, w.newCal, "relative.ics")
	w.addCalendar()
	if !strings.Contains(w.errs["calendars"].Text, "full path") || len(w.calendars) != 1 {
		t.Fatal("a relative file was added")
	}
	typeInto(w, w.newCal, "~/cal/c.ics")
	w.addCalendar()
	typeInto(w, w.newCal, "caldav+https://me:secret@dav.example/")
	w.addCalendar()
	if len(w.calendars) != 3 || w.calendars[1] != "/home/you/cal/c.ics" || w.errs["calendars"].Visible() {
		t.Fatalf("calendars %v", w.calendars)
	}
	if m := test.RenderToMarkup(w.Canvas()); strings.Contains(m, "secret") || !strings.Contains(m, "me:***@dav.example") {
		t.Fatal("the CalDAV password is on screen")
	}
}

// TestModelCheck: the Check button asks about the model server on screen
// and says what is wrong and what to do.
func TestModelCheck(t *testing.T) {
	h := open(t, settings.Settings{})
	w := h.w
	typeInto(w, w.entries["model_host"], "127.0.0.1:1")
	w.checkModel()
	h.bg.Wait()
	if got := w.ModelResult.Text; got != "the server is not running at 127.0.0.1:1 → run `ollama serve`" || w.ModelResult.Importance != widget.WarningImportance {
		t.Fatalf("check %q (%v)", got, w.ModelResult.Importance)
	}
	typeInto(w, w.entries["model_host"], "127.0.0.1:11434")
	typeInto(w, w.entries["model"], "llama3.2:1b")
	w.checkModel()
	h.bg.Wait()
	if got := w.ModelResult.Text; got != "Ollama 0.17.4 at 127.0.0.1:11434 with llama3.2:1b, 24 tokens/s" || w.ModelResult.Importance != widget.SuccessImportance {
		t.Fatalf("check %q", got)
	}
	if m := test.RenderToMarkup(w.Canvas()); !strings.Contains(m, "24 tokens/s") {
		t.Fatal("result not shown")
	}
}

// calendarButtons finds each row's buttons by "Check SOURCE" / "Remove SOURCE".
func calendarButtons(w *Window) map[string]*formkit.Button {
	out := map[string]*formkit.Button{}
	for _, o := range w.calBox.Objects {
		c, ok := o.(*fyne.Container)
		if !ok || len(c.Objects) < 2 {
			continue
		}
		name, ok := c.Objects[0].(*widget.Label)
		if !ok {
			continue
		}
		for _, b := range c.Objects[1].(*fyne.Container).Objects {
			btn := b.(*formkit.Button)
			out[btn.Text+" "+name.Text] = btn
		}
	}
	return out
}

func TestKeyboard(t *testing.T) {
	h := open(t, settings.Settings{Calendars: []string{"/cal/a.ics"}})
	w := h.w
	// Tab order is reading order: the calendar row, the new-calendar field,
	// ..., the theme, then Close and Save.
	var order []string
	for i := 0; i < 60; i++ {
		test.FocusNext(w.Canvas())
		order = append(order, describe(w, w.Canvas().Focused()))
		if w.Canvas().Focused() == w.SaveButton {
			break
		}
	}
	got := strings.Join(order, " | ")
	want := "button Check | button Remove | new calendar | button Add | addresses | check All-day events block time | work_start | work_end | " +
		"check Mon | check Tue | check Wed | check Thu | check Fri | check Sat | check Sun | quiet | max_per_day | max_minutes | spacing_min | weekly_goal | " +
		"pause_after_s | break_after_m | popup_hide_min | check Pop up only around calendar events, not at idle pauses | " +
		"check Offer as a desktop notification instead of a pop-up window | model_host | model | " +
		"check Allow a remote model server (on another computer) | button Check the model server | check Never use the model (authored questions only) | " +
		"check Write new micro-lessons for gaps (AI, opt-in) | check Keep a local debug log of prompts and model answers | " +
		"check Start Tidbit when I log in | theme | button Close | button Save"
	if got != want {
		t.Fatalf("tab order:\n%s\nwant:\n%s", got, want)
	}
	// Space ticks a check box.
	w.Canvas().Focus(w.checks["no_ai"])
	w.checks["no_ai"].TypedRune(' ')
	if !w.checks["no_ai"].Checked {
		t.Fatal("space did not tick")
	}
	// Escape closes from a check box, once.
	key(w, fyne.KeyEscape)
	key(w, fyne.KeyEscape)
	if h.closed != 1 {
		t.Fatalf("closed %d times", h.closed)
	}
}

func TestEscapeClosesFromEveryKind(t *testing.T) {
	cases := []struct {
		name  string
		focus func(w *Window) fyne.Focusable
	}{
		{"nothing focused", func(w *Window) fyne.Focusable { return nil }},
		{"entry", func(w *Window) fyne.Focusable { return w.entries["model"] }},
		{"button", func(w *Window) fyne.Focusable { return w.SaveButton }},
		{"check", func(w *Window) fyne.Focusable { return w.days[0] }},
		{"select", func(w *Window) fyne.Focusable { return w.theme }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := open(t, settings.Settings{})
			if f := tc.focus(h.w); f != nil {
				h.w.Canvas().Focus(f)
			}
			key(h.w, fyne.KeyEscape)
			if h.closed != 1 {
				t.Fatalf("closed %d times", h.closed)
			}
			if s := h.stored(t); s.MaxPerDay != 0 {
				t.Fatal("closing saved")
			}
		})
	}
}

func describe(w *Window, f fyne.Focusable) string {
	switch v := f.(type) {
	case *formkit.Button:
		return "button " + v.Text
	case *formkit.Check:
		for k, c := range w.checks {
			if c == v {
				return "check " + v.Text + map[bool]string{true: "", false: " (" + k + ")"}[true]
			}
		}
		return "check " + v.Text
	case *formkit.Select:
		return "theme"
	case *formkit.Entry:
		if v == w.newCal {
			return "new calendar"
		}
		for k, e := range w.entries {
			if e == v {
				return k
			}
		}
	}
	return fmt.Sprintf("%T", f)
}

func TestTheme(t *testing.T) {
	cases := []struct {
		name string
		want fyne.ThemeVariant
		asks fyne.ThemeVariant
	}{
		{"light", theme.VariantLight, theme.VariantDark},
		{"dark", theme.VariantDark, theme.VariantLight},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			th := Theme(tc.name)
			got := th.Color(theme.ColorNameBackground, tc.asks)
			if got != theme.DefaultTheme().Color(theme.ColorNameBackground, tc.want) {
				t.Fatalf("background %v does not follow %s", got, tc.name)
			}
		})
	}
	if Theme("system") != theme.DefaultTheme() {
		t.Fatal("system should be the desktop-following default theme")
	}
}
