package windows

import (
	"fmt"
	"github.com/tidbit-learn/tidbit/widgets/formkit"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/assets"
	"github.com/tidbit-learn/tidbit/widgets/windows/view"
)

// ProfileSize fits the fields and a few self-ratings.
var ProfileSize = fyne.NewSize(560, 680)

// SaveShortcut saves the profile from any field.
var SaveShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}

// ProfileOptions are the Profile window's inputs and callbacks.
type ProfileOptions struct {
	Taxonomy *assets.Taxonomy
	// Mastery estimates where the learner stands, for the gaps chart; nil
	// charts the prior (no answers yet).
	Mastery learner.Mastery
	// Save stores the form (its minutes already checked); done reports
	// the outcome and must be called on the UI thread.
	Save     func(f view.ProfileForm, done func(error))
	OnClosed func()
}

// Profile is an open Profile window: what `tidbit profile` sets, as a
// form. Tab walks the fields top to bottom; Left and Right step through a
// choice's options; Enter in a one-line field or Ctrl+S saves; Escape
// closes without saving.
type Profile struct {
	*frame
	Role, Seniority       *formkit.Select
	Goals, Notes, Minutes *formkit.Entry
	Ratings               []*formkit.Select // in the order shown
	Save, Close           *formkit.Button
	Status, Check         *widget.Label

	form       view.ProfileForm
	opts       ProfileOptions
	roles      []view.Choice
	senior     []view.Choice
	rows       []view.RatingRow
	ratingsBox *fyne.Container
	gapsBox    *fyne.Container
}

// ShowProfile opens a Profile window on form.
func ShowProfile(a fyne.App, form view.ProfileForm, opts ProfileOptions) *Profile {
	if form.Ratings == nil {
		form.Ratings = map[string]int{}
	}
	w := &Profile{frame: newFrame(a, "Profile", ProfileSize, opts.OnClosed), form: form, opts: opts}
	w.roles = view.RoleChoices(opts.Taxonomy)
	w.senior = view.SeniorityChoices(form.Seniority)

	w.keys.Save = w.save
	w.Role = newSelect(&w.keys, names(w.roles), func(s string) {
		w.form.Role = idOf(w.roles, s)
		w.changed()
	})
	w.Role.SetSelected(nameOf(w.roles, form.Role))
	w.Seniority = newSelect(&w.keys, names(w.senior), func(s string) {
		w.form.Seniority = idOf(w.senior, s)
		w.changed()
	})
	w.Seniority.SetSelected(nameOf(w.senior, form.Seniority))

	// Enter in a one-line field saves.
	w.Goals = formkit.NewEntry(&w.keys, "Roles or skills you aim for, separated by commas", w.save)
	w.Goals.SetText(form.Goals)
	w.Goals.OnChanged = func(s string) { w.form.Goals = s; w.changed() }
	w.Notes = formkit.NewEntry(&w.keys, "Performance notes, e.g. “needs to improve stakeholder updates”", nil)
	w.Notes.MultiLine, w.Notes.Wrapping = true, fyne.TextWrapWord
	w.Notes.SetText(form.Notes)
	w.Notes.SetMinRowsVisible(3)
	w.Notes.OnChanged = func(s string) { w.form.Notes = s; w.changed() }
	w.Minutes = formkit.NewEntry(&w.keys, "", w.save)
	w.Minutes.SetText(form.Minutes)
	w.Minutes.OnChanged = func(s string) { w.form.Minutes = s }

	w.Save = formkit.NewButton(w.barKeys(nil), "Save", w.save)
	w.Save.Importance = widget.HighImportance
	w.Close = formkit.NewButton(w.barKeys(nil), "Close", w.close)
	w.Status, w.Check = wrapped(""), wrapped("")
	w.ratingsBox = container.NewVBox()
	w.gapsBox = container.NewVBox()

	fields := container.New(layout.NewFormLayout(),
		bold("Role"), w.Role,
		bold("Seniority"), w.Seniority,
		bold("Goals"), w.Goals,
		bold("Notes"), w.Notes,
		bold("Minutes a week"), w.Minutes)
	body := container.NewVBox(fields, w.Check,
		heading("How you rate yourself"),
		wrapped("1 is new to it, 5 expert. Until you have answered questions on a skill, your rating is Tidbit's best guess."),
		w.ratingsBox,
		heading("Biggest gaps"),
		wrapped("Where you stand (from your answers and ratings) against where your role, goals and notes aim; the mark is the target."),
		w.gapsBox)
	w.scroll = container.NewVScroll(container.NewPadded(body))
	bottom := container.NewVBox(w.Status,
		container.NewHBox(widget.NewLabel("Ctrl+S saves · Esc closes without saving"), layoutSpacer(), w.Save, w.Close))
	w.win.SetContent(container.NewBorder(nil, bottom, nil, nil, w.scroll))
	w.win.Canvas().AddShortcut(SaveShortcut, func(fyne.Shortcut) { w.save() })
	w.changed()
	w.show()
	w.win.Canvas().Focus(w.Role)
	return w
}

// Form is the form as edited so far.
func (w *Profile) Form() view.ProfileForm { return w.form }

// changed re-reads the form as the learner model does: the skills to
// rate follow the role, goals and notes, and what it cannot use is said.
func (w *Profile) changed() {
	if w.ratingsBox == nil { // still building
		return
	}
	built, err := w.form.Built(w.opts.Taxonomy)
	if err != nil {
		w.Check.SetText(err.Error())
		built = nil
	} else {
		var lines []string
		switch n := len(built.Targets); n {
		case 0:
			lines = append(lines, "No target skills yet: choose a role or add goals.")
		case 1:
			lines = append(lines, "1 target skill.")
		default:
			lines = append(lines, fmt.Sprintf("%d target skills.", n))
		}
		if w.form.AIApplies() {
			lines = append(lines, "AI-written: the local model also read "+aiNames(w.form.AI, w.opts.Taxonomy)+" into your role, goals and notes.")
		} else if len(w.form.AI) > 0 {
			lines = append(lines, "The local model's reading of your profile is set aside until it reads the changes (after you save).")
		}
		lines = append(lines, built.Warnings...)
		w.Check.SetText(strings.Join(lines, "\n"))
	}
	w.showGaps(built)
	rows := view.RatingRows(w.form, built, w.opts.Taxonomy)
	if sameSkills(rows, w.rows) {
		return
	}
	w.rows = rows
	w.Ratings = w.Ratings[:0]
	w.ratingsBox.Objects = nil
	for _, r := range rows {
		skill := r.Skill
		c := newSelect(&w.keys, names(view.RatingChoices), func(s string) {
			n, _ := strconv.Atoi(idOf(view.RatingChoices, s))
			if n == 0 {
				delete(w.form.Ratings, skill)
			} else {
				w.form.Ratings[skill] = n
			}
			if b, err := w.form.Built(w.opts.Taxonomy); err == nil {
				w.showGaps(b) // a rating moves where the learner stands
			}
		})
		c.SetSelected(nameOf(view.RatingChoices, strconv.Itoa(r.Level)))
		w.Ratings = append(w.Ratings, c)
		label := wrapped(fmt.Sprintf("%s (%s)", r.Name, r.Why))
		w.ratingsBox.Add(container.NewBorder(nil, nil, nil, c, label))
	}
	if len(rows) == 0 {
		w.ratingsBox.Add(wrapped("Skills to rate appear when you choose a role or goals."))
	}
	w.ratingsBox.Refresh()
}

// aiNames lists the skills of a model's reading by name.
func aiNames(ai []learner.AITarget, tax *assets.Taxonomy) string {
	names := make([]string, 0, len(ai))
	for _, t := range ai {
		name := t.Skill
		if tax != nil {
			if s, ok := tax.Skill(t.Skill); ok {
				name = s.Name
			}
		}
		names = append(names, name)
	}
	return strings.Join(names, ", ")
}

func (w *Profile) showGaps(built *learner.Profile) {
	w.gapsBox.Objects = nil
	for _, g := range view.GapBars(built, w.opts.Mastery, w.opts.Taxonomy) {
		w.gapsBox.Add(skillRow(g))
	}
	if len(w.gapsBox.Objects) == 0 {
		w.gapsBox.Add(wrapped("None yet: choose a role or add goals."))
	}
	w.gapsBox.Refresh()
}

func sameSkills(a, b []view.RatingRow) bool {
	if len(a) != len(b) || a == nil != (b == nil) {
		return false
	}
	for i := range a {
		if a[i].Skill != b[i].Skill || a[i].Why != b[i].Why {
			return false
		}
	}
	return true
}

func (w *Profile) save() {
	if _, err := view.ParseMinutes(w.form.Minutes); err != nil {
		w.Status.SetText(err.Error())
		w.win.Canvas().Focus(w.Minutes)
		return
	}
	if w.opts.Save == nil {
		return
	}
	w.Status.SetText("Saving…")
	w.opts.Save(w.form, func(err error) {
		if err != nil {
			w.Status.SetText(fmt.Sprintf("Could not save: %v", err))
			return
		}
		w.Status.SetText("Saved.")
	})
}

func names(cs []view.Choice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

func idOf(cs []view.Choice, name string) string {
	for _, c := range cs {
		if c.Name == name {
			return c.ID
		}
	}
	return ""
}

func nameOf(cs []view.Choice, id string) string {
	for _, c := range cs {
		if c.ID == id {
			return c.Name
		}
	}
	return cs[0].Name
}
