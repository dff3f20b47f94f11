// Package onboarding is the welcome window of the window process: four
// short steps (your role, your goals, your calendar, the model server),
// each with Skip, so a user who skips them all gets working defaults.
// Finish saves through Deps (app/onboarding.Finish on the store) with
// Onboarded set, which turns start at login on; closing early saves
// nothing.
//
// Keys: Tab and Shift+Tab move, Enter goes on (on a button it presses
// it), Left and Right change a choice, Space presses and ticks, Escape
// closes.
package onboarding

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	ob "github.com/tidbit-learn/tidbit/app/onboarding"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
	"github.com/tidbit-learn/tidbit/widgets/formkit"
	"github.com/tidbit-learn/tidbit/widgets/settingswin"
)

// Size is the window's size.
var Size = fyne.NewSize(520, 560)

// Deps is what the window does to the outside world; Finish, Check and
// Autostart run off the UI goroutine.
type Deps struct {
	Taxonomy *assets.Taxonomy
	// Profile is the stored profile: its role and goals are preselected
	// (someone may have set them with `tidbit profile` first).
	Profile store.Profile
	// Finish saves the answers; problems come back by key, nothing saved.
	Finish func(ctx context.Context, a ob.Answers) (settings.Settings, []settings.Problem, error)
	// Check reads one calendar source (see settingswin.Deps.Check).
	Check func(ctx context.Context, source string, s settings.Settings) (string, error)
	// Autostart brings start at login in line with on, after Finish.
	Autostart func(on bool) error
	// Home is the user's home folder: a calendar typed as ~/work.ics is
	// stored as a full path.
	Home string
	// OnFinished runs on the UI goroutine after a successful Finish.
	OnFinished func(settings.Settings)
	// OnClosed runs once, on the UI goroutine, when the window closed.
	OnClosed   func()
	Background *formkit.Background
}

const noRole = "(skip: no role)"
const noGoalRole = "(none)"

// Window is the onboarding window.
type Window struct {
	fyne.Window
	deps   Deps
	keys   *formkit.Keys
	roles  []assets.Role
	step   int
	closed bool
	busy   bool

	role, goalRole                       *formkit.Select
	skills, weekly, calendar, addresses  *formkit.Entry
	host, model                          *formkit.Entry
	noAI, allowRemote                    *formkit.Check
	calResult, remoteMsg, skillHint, msg *widget.Label
	errs                                 map[string]*widget.Label
	pages                                []fyne.CanvasObject
	first                                []fyne.Focusable // the field each step starts on
	body                                 *fyne.Container
	scroll                               *container.Scroll
	progress                             *widget.Label
	// Back, Skip and Next end every step's tab order.
	Back, Skip, Next *formkit.Button
}

// Show opens the window at the first step.
func Show(a fyne.App, d Deps) *Window {
	if d.Background == nil {
		d.Background = &formkit.Background{}
	}
	w := &Window{Window: a.NewWindow("Welcome to Tidbit"), deps: d, roles: ob.Roles(d.Taxonomy), errs: map[string]*widget.Label{}}
	w.keys = &formkit.Keys{Escape: w.dismiss}
	w.build()
	w.keys.Attach(w.Window)
	formkit.Follow(w.keys, w.scroll, a.Driver())
	w.SetCloseIntercept(w.dismiss)
	w.Resize(Size)
	w.show(0)
	w.Window.Show()
	return w
}

func (w *Window) errLabel(key string) *widget.Label {
	w.errs[key] = formkit.ErrorLabel()
	return w.errs[key]
}

func (w *Window) build() {
	names := []string{noRole}
	goalNames := []string{noGoalRole}
	for _, r := range w.roles {
		names = append(names, r.Name)
		goalNames = append(goalNames, r.Name)
	}
	w.role = formkit.NewSelect(w.keys, names, nil)
	w.role.SetSelectedIndex(0)
	w.role.OnChanged = func(string) { w.updateHint() }
	w.goalRole = formkit.NewSelect(w.keys, goalNames, nil)
	w.goalRole.SetSelectedIndex(0)
	w.role.OnSubmit, w.goalRole.OnSubmit = w.next, w.next
	w.skills = formkit.NewEntry(w.keys, "e.g. Active listening, Giving feedback", w.next)
	w.weekly = formkit.NewEntry(w.keys, "10", w.next)
	w.calendar = formkit.NewEntry(w.keys, "work.ics, https://… or caldav+https://you@server/", w.next)
	w.addresses = formkit.NewEntry(w.keys, "you@example.com", w.next)
	w.host = formkit.NewEntry(w.keys, "127.0.0.1:11434", w.next)
	w.model = formkit.NewEntry(w.keys, "the default model", w.next)
	w.noAI = formkit.NewCheck(w.keys, "Never use a model: authored questions only", nil)
	w.remoteMsg = formkit.Note(settingswin.RemoteWarning)
	w.remoteMsg.Importance = widget.DangerImportance
	w.remoteMsg.TextStyle = fyne.TextStyle{Bold: true}
	w.remoteMsg.Hide()
	w.allowRemote = formkit.NewCheck(w.keys, "Allow a model server on another computer", func(on bool) {
		if on {
			w.remoteMsg.Show()
		} else {
			w.remoteMsg.Hide()
		}
	})
	w.calResult = formkit.Note("")
	w.calResult.Hide()
	w.skillHint = formkit.Note("")
	w.skillHint.Importance = widget.LowImportance
	w.preselect()
	w.updateHint()
	w.noAI.OnSubmit, w.allowRemote.OnSubmit = w.next, w.next
	check := formkit.NewButton(w.keys, "Check", w.checkCalendar)

	w.pages = []fyne.CanvasObject{
		container.NewVBox(formkit.Heading("What is your role?"),
			formkit.Note("Tidbit picks lessons for the skills your role needs. You can change it later with `tidbit profile`."),
			w.role, w.errLabel("role")),
		container.NewVBox(formkit.Heading("What do you want to get better at?"),
			widget.NewLabel("A role you are working towards"), w.goalRole,
			widget.NewLabel("Skills to work on (comma-separated)"), w.skills, w.skillHint, w.errLabel("goals"),
			widget.NewLabel("Lessons and reviews a week"), w.weekly, w.errLabel("weekly_goal")),
		container.NewVBox(formkit.Heading("Your calendar"),
			formkit.Note("With a calendar, pop-ups come in the gaps between meetings, never during one. Without, Tidbit uses idle pauses in working hours."),
			container.NewBorder(nil, nil, nil, check, w.calendar), w.calResult, w.errLabel("calendars"),
			widget.NewLabel("Your e-mail addresses (events you declined do not block time)"), w.addresses, w.errLabel("addresses")),
		container.NewVBox(formkit.Heading("The model server"),
			formkit.Note("Tidbit can ask a local Ollama model to write fresh quiz questions. Everything stays on this computer unless you allow a remote server."),
			widget.NewLabel("Server (host:port or URL; empty: the usual local one)"), w.host, w.errLabel("model_host"),
			widget.NewLabel("Model"), w.model, w.errLabel("model"),
			w.noAI, w.allowRemote, w.remoteMsg),
	}
	w.first = []fyne.Focusable{w.role, w.goalRole, w.calendar, w.host}
	w.body = container.NewStack()
	w.progress = widget.NewLabel("")
	w.msg = formkit.ErrorLabel()
	// Under the page: focusing them must not scroll it.
	w.Back = formkit.NewButton(w.keys.Fixed(), "Back", w.back)
	w.Skip = formkit.NewButton(w.keys.Fixed(), "Skip", w.skip)
	w.Next = formkit.NewButton(w.keys.Fixed(), "Next", w.next)
	w.Next.Importance = widget.HighImportance
	bottom := container.NewVBox(w.msg, container.NewHBox(w.progress, layout.NewSpacer(), w.Back, w.Skip, w.Next))
	w.scroll = container.NewVScroll(w.body)
	w.SetContent(container.NewBorder(nil, bottom, nil, nil, container.NewPadded(w.scroll)))
}

// preselect shows the stored profile's role and goals.
func (w *Window) preselect() {
	p := w.deps.Profile
	var skills []string
	for i, r := range w.roles {
		if r.ID == p.Role {
			w.role.SetSelectedIndex(i + 1)
		}
	}
	for _, g := range p.Goals {
		if _, isRole := w.deps.Taxonomy.Role(g); isRole && w.goalRole.SelectedIndex() == 0 {
			for i, r := range w.roles {
				if r.ID == g {
					w.goalRole.SetSelectedIndex(i + 1)
				}
			}
		} else if sk, ok := w.deps.Taxonomy.Skill(g); ok {
			skills = append(skills, sk.Name)
		}
	}
	w.skills.SetText(strings.Join(skills, ", "))
}

func (w *Window) updateHint() {
	id := ""
	if i := w.role.SelectedIndex(); i > 0 {
		id = w.roles[i-1].ID
	}
	w.skillHint.SetText("For example: " + strings.Join(ob.SkillExamples(w.deps.Taxonomy, id, 4), ", "))
}

func (w *Window) show(step int) {
	w.step = step
	w.body.Objects = []fyne.CanvasObject{w.pages[step]}
	w.body.Refresh()
	w.progress.SetText(fmt.Sprintf("Step %d of %d", step+1, len(w.pages)))
	if step == 0 {
		w.Back.Disable()
	} else {
		w.Back.Enable()
	}
	if step == len(w.pages)-1 {
		w.Next.SetText("Finish")
		w.Skip.SetText("Skip and finish")
	} else {
		w.Next.SetText("Next")
		w.Skip.SetText("Skip")
	}
	w.Canvas().Focus(w.first[step])
}

// Answers are what the steps hold now.
func (w *Window) Answers() ob.Answers {
	a := ob.Answers{Skills: w.skills.Text, WeeklyGoal: w.weekly.Text, Calendar: settings.CalendarSource(w.calendar.Text, w.deps.Home, ""),
		Addresses: w.addresses.Text,
		ModelHost: w.host.Text, Model: w.model.Text, NoAI: w.noAI.Checked, AllowRemote: w.allowRemote.Checked}
	if i := w.role.SelectedIndex(); i > 0 {
		a.Role = w.roles[i-1].ID
	}
	if i := w.goalRole.SelectedIndex(); i > 0 {
		a.GoalRole = w.roles[i-1].ID
	}
	return a
}

// clearStep puts a skipped step back to its defaults.
func (w *Window) clearStep(step int) {
	switch step {
	case 0:
		w.role.SetSelectedIndex(0)
	case 1:
		w.goalRole.SetSelectedIndex(0)
		w.skills.SetText("")
		w.weekly.SetText("")
	case 2:
		w.calendar.SetText("")
		w.addresses.SetText("")
		w.calResult.Hide()
	case 3:
		w.host.SetText("")
		w.model.SetText("")
		w.noAI.SetChecked(false)
		w.allowRemote.SetChecked(false)
	}
}

// showProblems marks the fields of the steps and reports whether step
// has any.
func (w *Window) showProblems(ps []settings.Problem, step int) bool {
	by := settings.ByKey(ps)
	for k, l := range w.errs {
		formkit.SetError(l, strings.Join(by[k], "\n"))
	}
	return len(ob.StepProblems(step, ps)) > 0
}

func (w *Window) next() {
	if w.busy {
		return
	}
	_, _, ps := w.Answers().Apply(w.deps.Taxonomy, settings.Settings{}, store.Profile{})
	if w.showProblems(ps, w.step) {
		formkit.SetError(w.msg, "Please fix the marked field, or Skip this step.")
		return
	}
	formkit.SetError(w.msg, "")
	if w.step < len(w.pages)-1 {
		w.show(w.step + 1)
		return
	}
	w.finish()
}

func (w *Window) skip() {
	if w.busy {
		return
	}
	w.clearStep(w.step)
	w.next()
}

func (w *Window) back() {
	if w.step > 0 && !w.busy {
		formkit.SetError(w.msg, "")
		w.show(w.step - 1)
	}
}

func (w *Window) finish() {
	if w.deps.Finish == nil {
		return
	}
	a := w.Answers()
	w.busy = true
	w.Next.Disable()
	type result struct {
		s     settings.Settings
		ps    []settings.Problem
		err   error
		autoE error
	}
	formkit.Go(w.deps.Background, func() result {
		var r result
		r.s, r.ps, r.err = w.deps.Finish(context.Background(), a)
		if r.err == nil && len(r.ps) == 0 && w.deps.Autostart != nil {
			r.autoE = w.deps.Autostart(r.s.StartsAtLogin())
		}
		return r
	}, func(r result) {
		w.busy = false
		w.Next.Enable()
		switch {
		case r.err != nil:
			formkit.SetError(w.msg, "Not saved: "+r.err.Error())
		case len(r.ps) > 0:
			w.showProblems(r.ps, w.step)
			// Go to the first step with a problem.
			for i := range ob.Steps {
				if len(ob.StepProblems(i, r.ps)) > 0 {
					w.show(i)
					break
				}
			}
			formkit.SetError(w.msg, "Please fix the marked field, or Skip this step.")
		default:
			if w.deps.OnFinished != nil {
				w.deps.OnFinished(r.s)
			}
			if r.autoE != nil {
				// Saved; only start at login failed: say so and stay open.
				formkit.SetError(w.msg, "Saved, but start at login could not be set: "+r.autoE.Error()+". You can change it in Settings.")
				return
			}
			w.dismiss()
		}
	})
}

// checkCalendar reads the source being typed, off the UI goroutine.
func (w *Window) checkCalendar() {
	src := settings.CalendarSource(w.calendar.Text, w.deps.Home, "")
	if src == "" || w.deps.Check == nil {
		return
	}
	var s settings.Settings
	_ = s.Set("addresses", w.addresses.Text)
	w.calResult.Importance = widget.MediumImportance
	w.calResult.SetText("Checking…")
	w.calResult.Show()
	formkit.Go(w.deps.Background, func() string {
		msg, err := w.deps.Check(context.Background(), src, s)
		if err != nil {
			return "Error: " + err.Error()
		}
		return msg
	}, func(msg string) {
		if strings.HasPrefix(msg, "Error: ") {
			w.calResult.Importance = widget.DangerImportance
		} else {
			w.calResult.Importance = widget.SuccessImportance
		}
		w.calResult.SetText(msg)
	})
}

// dismiss is Escape or the close button: nothing is saved, onboarding
// stays to do. The window is hidden, not closed (see settingswin).
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
