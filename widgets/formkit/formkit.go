// Package formkit holds the keyboard-complete pieces every Tidbit window
// with fields is built from (Settings, onboarding, Profile, Library,
// Progress). Fyne hands a key to the focused widget only, so a plain
// Entry, Button, Check or Select swallows Escape; these wrappers pass
// Escape (close), Ctrl+S (save) and a window's own keys (Keys.Other) to
// the window from whatever has focus, and keep a field that gains focus
// in view (Follow). Tab order is the order widgets appear in the content.
//
// It also holds the small bridge that runs slow work (the store, a
// calendar) off the UI goroutine and its result back on it.
package formkit

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Keys are a window's keyboard actions.
type Keys struct {
	Escape func() // close
	Save   func() // Ctrl+S; nil: none
	// Focused runs when one of the widgets gains focus (Follow uses it to
	// keep the focused field in view); nil: nothing.
	Focused func(fyne.CanvasObject)
	// Other are further keys of the window, tried after Escape from
	// whatever has focus (a list's arrows from its search field, page
	// scrolling from a button); it reports whether it used the key. A
	// widget with keys of its own gets a copy of the window's Keys (With).
	Other func(*fyne.KeyEvent) bool
}

// Fixed is a copy of k for a control outside the scrolled page (the
// buttons under it): the same keys, but gaining focus scrolls nothing,
// since following a control that is not on the page would only move the
// page.
func (k *Keys) Fixed() *Keys {
	c := *k
	c.Focused = nil
	return &c
}

// With is a copy of k whose Other is other: the same window keys, plus
// one widget's own.
func (k *Keys) With(other func(*fyne.KeyEvent) bool) *Keys {
	c := *k
	c.Other = other
	return &c
}

func (k *Keys) focused(o fyne.CanvasObject) {
	if k.Focused != nil {
		k.Focused(o)
	}
}

// Follow scrolls sc so that a widget gaining focus by Tab is in view:
// Fyne does not, and a form longer than its window would otherwise take
// the keyboard out of sight. drv places objects on screen.
func Follow(k *Keys, sc *container.Scroll, drv fyne.Driver) {
	k.Focused = func(o fyne.CanvasObject) { ScrollTo(sc, drv, o) }
}

// ScrollTo scrolls sc, the least it can, so that o (inside it) is in view
// with a little margin.
func ScrollTo(sc *container.Scroll, drv fyne.Driver, o fyne.CanvasObject) {
	top := drv.AbsolutePositionForObject(o).Y - drv.AbsolutePositionForObject(sc).Y + sc.Offset.Y
	bottom := top + o.Size().Height
	pad := theme.Padding() * 2
	switch {
	case top < sc.Offset.Y:
		sc.ScrollToOffset(fyne.NewPos(sc.Offset.X, max(0, top-pad)))
	case bottom > sc.Offset.Y+sc.Size().Height:
		sc.ScrollToOffset(fyne.NewPos(sc.Offset.X, bottom-sc.Size().Height+pad))
	}
}

// Handle reports whether ev was one of the window's keys (and ran it):
// Escape, then Other.
func (k *Keys) Handle(ev *fyne.KeyEvent) bool {
	if ev.Name == fyne.KeyEscape && k.Escape != nil {
		k.Escape()
		return true
	}
	return k.Other != nil && k.Other(ev)
}

func (k *Keys) shortcut(s fyne.Shortcut) bool {
	if cs, ok := s.(*desktop.CustomShortcut); ok && k.Save != nil && cs.KeyName == fyne.KeyS &&
		(cs.Modifier == fyne.KeyModifierControl || cs.Modifier == fyne.KeyModifierSuper) {
		k.Save()
		return true
	}
	return false
}

// Attach gives w the keys when nothing has focus, and Ctrl+S (Cmd+S on
// macOS) when a widget that takes no shortcuts has it.
func (k *Keys) Attach(w fyne.Window) {
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { k.Handle(ev) })
	if k.Save != nil {
		for _, m := range []fyne.KeyModifier{fyne.KeyModifierControl, fyne.KeyModifierSuper} {
			w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: m}, func(fyne.Shortcut) { k.Save() })
		}
	}
}

// Entry is a one-line (or multi-line) entry that passes Escape and Ctrl+S
// on.
type Entry struct {
	widget.Entry
	keys *Keys
}

// NewEntry is a one-line entry; Enter runs onSubmit when it is not nil.
func NewEntry(k *Keys, placeholder string, onSubmit func()) *Entry {
	e := &Entry{keys: k}
	e.ExtendBaseWidget(e)
	e.PlaceHolder = placeholder
	if onSubmit != nil {
		e.OnSubmitted = func(string) { onSubmit() }
	}
	return e
}

// FocusGained implements fyne.Focusable.
func (e *Entry) FocusGained() {
	e.Entry.FocusGained()
	e.keys.focused(e)
}

// TypedKey implements fyne.Focusable.
func (e *Entry) TypedKey(ev *fyne.KeyEvent) {
	if !e.keys.Handle(ev) {
		e.Entry.TypedKey(ev)
	}
}

// TypedShortcut implements fyne.Shortcutable.
func (e *Entry) TypedShortcut(s fyne.Shortcut) {
	if !e.keys.shortcut(s) {
		e.Entry.TypedShortcut(s)
	}
}

// Button passes Escape on; Space and Enter press it.
type Button struct {
	widget.Button
	keys *Keys
}

// NewButton is a button running tapped.
func NewButton(k *Keys, label string, tapped func()) *Button {
	b := &Button{keys: k}
	b.Text = label
	b.OnTapped = tapped
	b.ExtendBaseWidget(b)
	return b
}

// FocusGained implements fyne.Focusable.
func (b *Button) FocusGained() {
	b.Button.FocusGained()
	b.keys.focused(b)
}

// TypedKey implements fyne.Focusable.
func (b *Button) TypedKey(ev *fyne.KeyEvent) {
	if !b.keys.Handle(ev) && !submit(ev, b.tap) {
		b.Button.TypedKey(ev)
	}
}

func (b *Button) tap() {
	if !b.Disabled() && b.OnTapped != nil {
		b.OnTapped()
	}
}

// Check passes Escape on; Space toggles it, Enter runs OnSubmit.
type Check struct {
	widget.Check
	OnSubmit func()
	keys     *Keys
}

// NewCheck is a check box calling changed.
func NewCheck(k *Keys, label string, changed func(bool)) *Check {
	c := &Check{keys: k}
	c.Text = label
	c.OnChanged = changed
	c.ExtendBaseWidget(c)
	return c
}

// FocusGained implements fyne.Focusable.
func (c *Check) FocusGained() {
	c.Check.FocusGained()
	c.keys.focused(c)
}

// TypedKey implements fyne.Focusable.
func (c *Check) TypedKey(ev *fyne.KeyEvent) {
	if !c.keys.Handle(ev) && !submit(ev, c.OnSubmit) {
		c.Check.TypedKey(ev)
	}
}

func submit(ev *fyne.KeyEvent, f func()) bool {
	if (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && f != nil {
		f()
		return true
	}
	return false
}

// Select passes Escape on; Left and Right change it, Space opens it,
// Enter runs OnSubmit.
type Select struct {
	widget.Select
	OnSubmit func()
	keys     *Keys
}

// NewSelect is a drop-down of options calling changed.
func NewSelect(k *Keys, options []string, changed func(string)) *Select {
	s := &Select{keys: k}
	s.Options = options
	s.OnChanged = changed
	s.ExtendBaseWidget(s)
	return s
}

// FocusGained implements fyne.Focusable.
func (s *Select) FocusGained() {
	s.Select.FocusGained()
	s.keys.focused(s)
}

// TypedKey implements fyne.Focusable.
func (s *Select) TypedKey(ev *fyne.KeyEvent) {
	if !s.keys.Handle(ev) && !submit(ev, s.OnSubmit) {
		s.Select.TypedKey(ev)
	}
}

// ErrorLabel is the text under a field saying what is wrong with it;
// hidden while there is nothing to say.
func ErrorLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// SetError shows msg under a field, or hides the label for "".
func SetError(l *widget.Label, msg string) {
	l.SetText(msg)
	if msg == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// Note is wrapped explanatory text.
func Note(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// Heading is a bold section title.
func Heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle = fyne.TextStyle{Bold: true}
	return l
}

// Background runs work off the UI goroutine and its result on it. Wait
// blocks until every started job has delivered its result (tests, and a
// window closing before the process exits).
type Background struct {
	wg sync.WaitGroup
	// Do runs a result on the UI goroutine and returns once it ran; nil
	// means fyne.DoAndWait.
	Do func(func())
}

// Go runs work on a new goroutine, then then(result) on the UI goroutine.
func Go[T any](b *Background, work func() T, then func(T)) {
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		r := work()
		do := b.Do
		if do == nil {
			do = fyne.DoAndWait
		}
		do(func() { then(r) })
	}()
}

// Wait blocks until every job has delivered its result.
func (b *Background) Wait() { b.wg.Wait() }
