// Package settingswin is the Settings window of the window process: every
// preference of app/settings in one scrolling form, calendars with a Check
// button, and Save, which refuses invalid settings whole and shows each
// problem next to its field and all of them in one message. It holds no
// store: loading, saving, the calendar check, start at login and the theme
// come in through Deps, so it is tested headlessly.
//
// Keys: Tab and Shift+Tab move in reading order, Space presses and ticks,
// Left and Right change the theme, Enter saves (in the new-calendar field
// it adds), Ctrl+S saves, Escape closes.
package settingswin

import (
	"context"
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/widgets/formkit"
)

// Size fits the form on a laptop screen; it scrolls.
var Size = fyne.NewSize(560, 640)

// Deps is what the window does to the outside world. Save, Check and
// Autostart run off the UI goroutine.
type Deps struct {
	Save func(ctx context.Context, s settings.Settings) error
	// Check reads one calendar source with the settings on screen.
	Check func(ctx context.Context, source string, s settings.Settings) (string, error)
	// CheckModel asks the model server on screen whether it runs, has the
	// model and is fast enough (settings.CheckModel).
	CheckModel func(ctx context.Context, s settings.Settings) settings.ModelCheck
	// Autostart brings start at login in line with on.
	Autostart func(on bool) error
	// Home is the user's home folder: a calendar typed as ~/work.ics is
	// stored as a full path.
	Home string
	// Theme applies a theme name on the UI goroutine.
	Theme func(name string)
	// OnClosed runs once, on the UI goroutine, when the window closed.
	OnClosed   func()
	Background *formkit.Background
}

// Window is one Settings window.
type Window struct {
	fyne.Window
	deps   Deps
	keys   *formkit.Keys
	form   *settings.Form
	closed bool

	entries   map[string]*formkit.Entry
	checks    map[string]*formkit.Check
	days      []*formkit.Check
	theme     *formkit.Select
	errs      map[string]*widget.Label
	calendars []string
	calBox    *fyne.Container
	calResult map[string]string
	newCal    *formkit.Entry
	remoteMsg *widget.Label
	// ModelResult shows the model server check: what is wrong and what to do.
	ModelResult *widget.Label
	status      *widget.Label
	scroll      *container.Scroll
	// SaveButton and CloseButton end the tab order.
	SaveButton, CloseButton *formkit.Button
}

var dayKeys = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// RemoteWarning is shown while a remote model server is allowed.
const RemoteWarning = "Warning: with a remote model server, the text of your lessons, your answers and your notes " +
	"are sent over the network to that computer. Allow it only for a server you run or trust."

// Show opens the window on s (as loaded).
func Show(a fyne.App, s settings.Settings, d Deps) *Window {
	if d.Background == nil {
		d.Background = &formkit.Background{}
	}
	w := &Window{Window: a.NewWindow("Tidbit — Settings"), deps: d, form: settings.NewForm(s),
		entries: map[string]*formkit.Entry{}, checks: map[string]*formkit.Check{}, errs: map[string]*widget.Label{},
		calResult: map[string]string{}, calendars: append([]string(nil), s.Calendars...)}
	w.keys = &formkit.Keys{Escape: w.dismiss, Save: w.save}
	w.SetContent(w.build())
	w.keys.Attach(w.Window)
	formkit.Follow(w.keys, w.scroll, a.Driver())
	w.SetCloseIntercept(w.dismiss)
	w.Resize(Size)
	w.Window.Show()
	return w
}

func (w *Window) label(key string) string {
	f, _ := settings.Lookup(key)
	return f.Label
}

// field is a labelled row: the input, its help, and its error line.
func (w *Window) field(key string, input fyne.CanvasObject, help string) fyne.CanvasObject {
	w.errs[key] = formkit.ErrorLabel()
	box := container.NewVBox(widget.NewLabel(w.label(key)), input)
	if help != "" {
		h := widget.NewLabel(help)
		h.Importance = widget.LowImportance
		h.Wrapping = fyne.TextWrapWord
		box.Add(h)
	}
	box.Add(w.errs[key])
	return box
}

func (w *Window) entry(key, help string) fyne.CanvasObject {
	e := formkit.NewEntry(w.keys, "", w.save)
	e.SetText(w.form.Text[key])
	w.entries[key] = e
	return w.field(key, e, help)
}

func (w *Window) check(key, text string) fyne.CanvasObject {
	c := formkit.NewCheck(w.keys, text, nil)
	c.OnSubmit = w.save
	c.SetChecked(w.form.Text[key] == "true")
	w.checks[key] = c
	w.errs[key] = formkit.ErrorLabel()
	return container.NewVBox(c, w.errs[key])
}

func (w *Window) build() fyne.CanvasObject {
	w.status = formkit.Note("")
	w.status.Hide()

	// Calendars.
	w.calBox = container.NewVBox()
	w.newCal = formkit.NewEntry(w.keys, "work.ics, https://… or caldav+https://you@server/", w.addCalendar)
	w.errs["calendars"] = formkit.ErrorLabel()
	w.refreshCalendars()
	cal := container.NewVBox(formkit.Heading("Calendars"),
		formkit.Note("Tidbit offers lessons in the gaps between meetings. Add an .ics file, a subscription URL or a CalDAV account."),
		w.calBox,
		container.NewBorder(nil, nil, nil, formkit.NewButton(w.keys, "Add", w.addCalendar), w.newCal),
		w.errs["calendars"],
		w.entry("addresses", "comma-separated: events you declined do not block time"),
		w.check("all_day_busy", "All-day events block time"))

	// Working hours.
	dayRow := container.NewHBox()
	have := map[string]bool{}
	for _, d := range settings.SplitList(w.form.Text["work_days"]) {
		have[strings.ToLower(d)] = true
	}
	for _, d := range dayKeys {
		c := formkit.NewCheck(w.keys, strings.ToUpper(d[:1])+d[1:], nil)
		c.OnSubmit = w.save
		c.SetChecked(have[d])
		w.days = append(w.days, c)
		dayRow.Add(c)
	}
	hours := container.NewVBox(formkit.Heading("Working hours"),
		container.NewGridWithColumns(2, w.entry("work_start", "HH:MM"), w.entry("work_end", "HH:MM")),
		w.field("work_days", dayRow, ""),
		w.entry("quiet", "no pop-ups then, e.g. 12:00-13:00, 17:30-18:00"))

	// Budget and pacing.
	budget := container.NewVBox(formkit.Heading("Daily budget and pacing"),
		container.NewGridWithColumns(2, w.entry("max_per_day", ""), w.entry("max_minutes", "")),
		container.NewGridWithColumns(2, w.entry("spacing_min", ""), w.entry("weekly_goal", "lessons and reviews a week")),
		container.NewGridWithColumns(2, w.entry("pause_after_s", "45-120: idle this long is a natural pause"),
			w.entry("break_after_m", "away this long is a break")),
		w.entry("popup_hide_min", "an untouched pop-up hides; its lesson waits"),
		w.check("no_idle_moments", "Pop up only around calendar events, not at idle pauses"),
		w.check("notify_offers", "Offer as a desktop notification instead of a pop-up window"))

	// Model.
	w.remoteMsg = formkit.Note(RemoteWarning)
	w.remoteMsg.Importance = widget.DangerImportance
	w.remoteMsg.TextStyle = fyne.TextStyle{Bold: true}
	remote := w.check("allow_remote", "Allow a remote model server (on another computer)")
	w.checks["allow_remote"].OnChanged = func(on bool) { w.showRemote(on) }
	w.showRemote(w.checks["allow_remote"].Checked)
	w.ModelResult = widget.NewLabel("")
	w.ModelResult.Wrapping = fyne.TextWrapWord
	w.ModelResult.Hide()
	model := container.NewVBox(formkit.Heading("Model server (Ollama)"),
		w.entry("model_host", "host:port or URL; empty: $OLLAMA_HOST, else 127.0.0.1:11434"),
		w.entry("model", "empty: the default model"),
		remote, w.remoteMsg,
		formkit.NewButton(w.keys, "Check the model server", w.checkModel), w.ModelResult,
		w.check("no_ai", "Never use the model (authored questions only)"),
		w.check("ai_lessons", "Write new micro-lessons for gaps (AI, opt-in)"),
		w.check("debug_log", "Keep a local debug log of prompts and model answers"))

	// This computer.
	w.theme = formkit.NewSelect(w.keys, []string{"system", "light", "dark"}, nil)
	w.theme.SetSelected(w.form.Text["theme"])
	w.theme.OnSubmit = w.save
	desk := container.NewVBox(formkit.Heading("This computer"),
		w.check("start_at_login", "Start Tidbit when I log in"),
		w.field("theme", w.theme, "system follows your desktop"))

	// Under the page: focusing them must not scroll it.
	w.SaveButton = formkit.NewButton(w.keys.Fixed(), "Save", w.save)
	w.SaveButton.Importance = widget.HighImportance
	w.CloseButton = formkit.NewButton(w.keys.Fixed(), "Close", w.dismiss)
	w.errs[""] = formkit.ErrorLabel()

	body := container.NewVBox(cal, widget.NewSeparator(), hours, widget.NewSeparator(), budget, widget.NewSeparator(),
		model, widget.NewSeparator(), desk)
	bottom := container.NewVBox(widget.NewSeparator(), w.status,
		container.NewHBox(layout.NewSpacer(), w.CloseButton, w.SaveButton))
	w.scroll = container.NewVScroll(container.NewPadded(body))
	return container.NewBorder(nil, bottom, nil, nil, w.scroll)
}

func (w *Window) showRemote(on bool) {
	if on {
		w.remoteMsg.Show()
	} else {
		w.remoteMsg.Hide()
	}
}

// refreshCalendars redraws the list of sources: each with its last check
// result, a Check and a Remove button.
func (w *Window) refreshCalendars() {
	w.calBox.RemoveAll()
	if len(w.calendars) == 0 {
		w.calBox.Add(formkit.Note("No calendar yet: pop-ups use idle pauses and working hours only."))
	}
	for _, src := range w.calendars {
		src := src
		name := widget.NewLabel(settings.ShowSource(src))
		name.Truncation = fyne.TextTruncateEllipsis
		row := container.NewBorder(nil, nil, nil, container.NewHBox(
			formkit.NewButton(w.keys, "Check", func() { w.checkCalendar(src) }),
			formkit.NewButton(w.keys, "Remove", func() { w.removeCalendar(src) })), name)
		w.calBox.Add(row)
		if r := w.calResult[src]; r != "" {
			res := formkit.Note(r)
			if strings.HasPrefix(r, "Error: ") {
				res.Importance = widget.DangerImportance
			} else {
				res.Importance = widget.SuccessImportance
			}
			w.calBox.Add(res)
		}
	}
	w.calBox.Refresh()
}

func (w *Window) addCalendar() {
	src := settings.CalendarSource(w.newCal.Text, w.deps.Home, "")
	if src == "" {
		return
	}
	if settings.IsRelativeFile(src) {
		formkit.SetError(w.errs["calendars"], "Use the full path of the file, e.g. /home/you/work.ics or ~/work.ics.")
		return
	}
	for _, c := range w.calendars {
		if c == src {
			formkit.SetError(w.errs["calendars"], "This calendar is already in the list.")
			return
		}
	}
	formkit.SetError(w.errs["calendars"], "")
	w.calendars = append(w.calendars, src)
	w.newCal.SetText("")
	w.refreshCalendars()
}

func (w *Window) removeCalendar(src string) {
	for i, c := range w.calendars {
		if c == src {
			w.calendars = append(w.calendars[:i], w.calendars[i+1:]...)
			break
		}
	}
	delete(w.calResult, src)
	w.refreshCalendars()
	w.Canvas().Focus(w.newCal)
}

// checkModel asks the model server on screen off the UI goroutine and
// shows what is wrong and what to do (or that it works, and how fast).
func (w *Window) checkModel() {
	if w.deps.CheckModel == nil {
		return
	}
	s, _ := w.current()
	w.ModelResult.SetText("Checking…")
	w.ModelResult.Importance = widget.MediumImportance
	w.ModelResult.Show()
	formkit.Go(w.deps.Background, func() settings.ModelCheck {
		ctx, cancel := context.WithTimeout(context.Background(), settings.ModelCheckTimeout)
		defer cancel()
		return w.deps.CheckModel(ctx, s)
	}, func(mc settings.ModelCheck) {
		if w.closed {
			return
		}
		w.ModelResult.Importance = widget.SuccessImportance
		if !mc.OK {
			w.ModelResult.Importance = widget.WarningImportance
		}
		w.ModelResult.SetText(mc.String())
	})
}

// checkCalendar reads src off the UI goroutine with the settings on
// screen (addresses, all-day events) and shows the result under it.
func (w *Window) checkCalendar(src string) {
	if w.deps.Check == nil {
		return
	}
	s, _ := w.current()
	w.calResult[src] = "Checking…"
	w.refreshCalendars()
	formkit.Go(w.deps.Background, func() string {
		msg, err := w.deps.Check(context.Background(), src, s)
		if err != nil {
			return "Error: " + err.Error()
		}
		return msg
	}, func(msg string) {
		if _, still := w.calResult[src]; !still || w.closed {
			return // removed meanwhile
		}
		w.calResult[src] = msg
		w.refreshCalendars()
	})
}

// current reads the widgets into the form and parses it.
func (w *Window) current() (settings.Settings, []settings.Problem) {
	for k, e := range w.entries {
		w.form.Text[k] = e.Text
	}
	for k, c := range w.checks {
		w.form.Text[k] = fmt.Sprint(c.Checked)
	}
	var days []string
	for i, c := range w.days {
		if c.Checked {
			days = append(days, dayKeys[i])
		}
	}
	w.form.Text["work_days"] = strings.Join(days, ",")
	w.form.Text["theme"] = w.theme.Selected
	w.form.Text["calendars"] = strings.Join(w.calendars, "\n")
	return w.form.Settings()
}

// Problems shown by the last Save, by key ("" for the whole form).
func (w *Window) showProblems(ps []settings.Problem) {
	by := settings.ByKey(ps)
	for k, l := range w.errs {
		formkit.SetError(l, strings.Join(by[k], "\n"))
	}
	if len(ps) == 0 {
		return
	}
	lines := []string{fmt.Sprintf("Not saved: %d %s to fix.", len(ps), map[bool]string{true: "problem", false: "problems"}[len(ps) == 1])}
	for _, p := range ps {
		name := w.label(p.Key)
		if name == "" {
			name = "Settings"
		}
		lines = append(lines, "• "+name+": "+p.Msg)
	}
	w.setStatus(strings.Join(lines, "\n"), widget.DangerImportance)
	// Take the keyboard to the first field in trouble.
	if e, ok := w.entries[ps[0].Key]; ok {
		w.Canvas().Focus(e)
	}
}

func (w *Window) setStatus(msg string, imp widget.Importance) {
	w.status.Importance = imp
	w.status.SetText(msg)
	w.status.Show()
}

// save validates the whole form; only a valid one is saved, then start
// at login and the theme follow it.
func (w *Window) save() {
	s, ps := w.current()
	w.showProblems(ps)
	if len(ps) > 0 {
		return
	}
	w.setStatus("Saving…", widget.MediumImportance)
	w.SaveButton.Disable()
	type result struct {
		err, auto error
	}
	formkit.Go(w.deps.Background, func() result {
		var r result
		if w.deps.Save != nil {
			r.err = w.deps.Save(context.Background(), s)
		}
		if r.err == nil && w.deps.Autostart != nil {
			r.auto = w.deps.Autostart(s.StartsAtLogin())
		}
		return r
	}, func(r result) {
		w.SaveButton.Enable()
		if r.err != nil {
			if ps := settings.ProblemsOf(s, r.err); len(ps) > 0 && ps[0].Key != "" {
				w.showProblems(ps)
			} else {
				w.setStatus("Not saved: "+r.err.Error(), widget.DangerImportance)
			}
			return
		}
		w.form = settings.NewForm(s)
		if w.deps.Theme != nil {
			w.deps.Theme(s.Filled().Theme)
		}
		if r.auto != nil {
			w.setStatus("Saved, but start at login could not be changed: "+r.auto.Error(), widget.WarningImportance)
			return
		}
		w.setStatus("Saved.", widget.SuccessImportance)
	})
}

// dismiss is Escape, Close or the window's close button. The window is
// hidden, not closed: closing the last window would end Fyne's loop at
// once, and the process lingers warm.
func (w *Window) dismiss() {
	if w.closed {
		return
	}
	w.closed = true
	w.Window.Hide()
	if w.deps.OnClosed != nil {
		w.deps.OnClosed()
	}
}

// Theme returns the app theme for a settings theme name: "light" and
// "dark" force that variant, anything else follows the desktop.
func Theme(name string) fyne.Theme {
	switch name {
	case "light":
		return variant{Theme: theme.DefaultTheme(), v: theme.VariantLight}
	case "dark":
		return variant{Theme: theme.DefaultTheme(), v: theme.VariantDark}
	}
	return theme.DefaultTheme()
}

type variant struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (t variant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}
