package windows

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// keyFunc acts on a key a window handles whatever has focus; it reports
// whether it used the key. Focused widgets get typed keys before the
// canvas does, so the widgets below try the window's keyFunc first.
type keyFunc func(*fyne.KeyEvent) bool

func isEnter(ev *fyne.KeyEvent) bool { return ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter }

// entry is a widget.Entry that lets the window see its keys first, and
// its shortcuts (an Entry swallows every shortcut it does not know).
type entry struct {
	widget.Entry
	keys     keyFunc
	shortcut func(fyne.Shortcut) bool
	follow   func(fyne.CanvasObject) // on focus; nil: nothing
}

func (e *entry) FocusGained() {
	e.Entry.FocusGained()
	if e.follow != nil {
		e.follow(e)
	}
}

func newEntry(keys keyFunc, shortcut func(fyne.Shortcut) bool, multiLine bool) *entry {
	e := &entry{keys: keys, shortcut: shortcut}
	e.MultiLine = multiLine
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
	}
	e.ExtendBaseWidget(e)
	return e
}

func (e *entry) TypedKey(ev *fyne.KeyEvent) {
	if e.keys != nil && e.keys(ev) {
		return
	}
	e.Entry.TypedKey(ev)
}

func (e *entry) TypedShortcut(s fyne.Shortcut) {
	if e.shortcut != nil && e.shortcut(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

// button is a widget.Button that Enter activates too, and that passes the
// window's keys on.
type button struct {
	widget.Button
	keys keyFunc
}

func newButton(label string, keys keyFunc, tapped func()) *button {
	b := &button{keys: keys}
	b.Text, b.OnTapped = label, tapped
	b.ExtendBaseWidget(b)
	return b
}

func (b *button) TypedKey(ev *fyne.KeyEvent) {
	if b.keys != nil && b.keys(ev) {
		return
	}
	if isEnter(ev) && !b.Disabled() && b.OnTapped != nil {
		b.OnTapped()
		return
	}
	b.Button.TypedKey(ev)
}

// choice is a widget.Select (Left and Right step through the options,
// Space opens the list) that passes the window's keys on.
type choice struct {
	widget.Select
	keys   keyFunc
	follow func(fyne.CanvasObject) // on focus; nil: nothing
}

func (c *choice) FocusGained() {
	c.Select.FocusGained()
	if c.follow != nil {
		c.follow(c)
	}
}

func newChoice(options []string, keys keyFunc, changed func(string)) *choice {
	c := &choice{keys: keys}
	c.Options, c.OnChanged = options, changed
	c.PlaceHolder = "(choose)"
	c.ExtendBaseWidget(c)
	return c
}

func (c *choice) TypedKey(ev *fyne.KeyEvent) {
	if c.keys != nil && c.keys(ev) {
		return
	}
	c.Select.TypedKey(ev)
}

// frame is what the three windows share: Escape closes (hides) the window
// once and reports it; Up, Down, Page Up and Page Down scroll the page
// when the focused widget does not use them.
type frame struct {
	app      fyne.App
	win      fyne.Window
	scroll   *container.Scroll
	closed   bool
	onClosed func()
	extra    keyFunc // the window's own keys, tried after Escape
}

func newFrame(a fyne.App, title string, size fyne.Size, onClosed func()) *frame {
	f := &frame{app: a, win: a.NewWindow("Tidbit — " + title), onClosed: onClosed}
	f.win.Resize(size)
	f.win.SetCloseIntercept(f.close)
	// Closed from outside (show below, the process ending): report it too.
	f.win.SetOnClosed(f.report)
	f.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if !f.key(ev) {
			f.scrollKey(ev)
		}
	})
	return f
}

// key is the window's keyFunc for its widgets.
func (f *frame) key(ev *fyne.KeyEvent) bool {
	if ev.Name == fyne.KeyEscape {
		f.close()
		return true
	}
	return f.extra != nil && f.extra(ev)
}

// keyOrScroll is key plus scrolling, for widgets that do not use arrows.
func (f *frame) keyOrScroll(ev *fyne.KeyEvent) bool { return f.key(ev) || f.scrollKey(ev) }

func (f *frame) scrollKey(ev *fyne.KeyEvent) bool {
	s := f.scroll
	if s == nil {
		return false
	}
	line := theme.Size(theme.SizeNameText) * 2
	page := s.Size().Height * 0.9
	dy := float32(0)
	switch ev.Name {
	case fyne.KeyRight, fyne.KeyLeft:
		if ev.Name == fyne.KeyLeft {
			line = -line
		}
		maxX := max(0, s.Content.MinSize().Width-s.Size().Width)
		s.Offset.X = min(maxX, max(0, s.Offset.X+line))
		s.Refresh()
		return true
	case fyne.KeyDown:
		dy = line
	case fyne.KeyUp:
		dy = -line
	case fyne.KeyPageDown:
		dy = page
	case fyne.KeyPageUp:
		dy = -page
	case fyne.KeyHome:
		dy = -s.Content.MinSize().Height
	case fyne.KeyEnd:
		dy = s.Content.MinSize().Height
	default:
		return false
	}
	maxY := max(0, s.Content.MinSize().Height-s.Size().Height)
	s.Offset.Y = min(maxY, max(0, s.Offset.Y+dy))
	s.Refresh()
	return true
}

// follow scrolls the page so that o, just focused (by Tab), is in view:
// Fyne does not, and a form longer than its window would otherwise take
// the keyboard out of sight.
func (f *frame) follow(o fyne.CanvasObject) {
	s := f.scroll
	if s == nil {
		return
	}
	drv := f.app.Driver()
	top := drv.AbsolutePositionForObject(o).Y - drv.AbsolutePositionForObject(s).Y + s.Offset.Y
	bottom := top + o.Size().Height
	pad := theme.Padding() * 2
	switch {
	case top < s.Offset.Y:
		s.ScrollToOffset(fyne.NewPos(s.Offset.X, max(0, top-pad)))
	case bottom > s.Offset.Y+s.Size().Height:
		s.ScrollToOffset(fyne.NewPos(s.Offset.X, bottom-s.Size().Height+pad))
	}
}

// close closes the window, or hides it when it is the process's last
// (closing that would end Fyne's loop, and the process is meant to linger
// warm), and reports it once. So at most one hidden window is left behind
// however often the windows are opened.
func (f *frame) close() {
	if f.closed {
		return
	}
	if len(f.app.Driver().AllWindows()) > 1 {
		f.win.Close() // reports through SetOnClosed
		return
	}
	f.win.Hide()
	f.report()
}

// report runs onClosed once.
func (f *frame) report() {
	if f.closed {
		return
	}
	f.closed = true
	if f.onClosed != nil {
		f.onClosed()
	}
}

// show shows the window and closes any other of the same title: opening
// Progress again (a second click in the tray) replaces the old window
// with one of fresh data rather than stacking copies. The new window is
// shown first, so the process always keeps one.
func (f *frame) show() {
	f.win.Show()
	// A copy: closing a window removes it from the driver's list.
	for _, w := range slices.Clone(f.app.Driver().AllWindows()) {
		if w != nil && w != f.win && w.Title() == f.win.Title() {
			w.Close()
		}
	}
}

func bold(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.TextStyle = fyne.TextStyle{Bold: true}
	return l
}

func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func heading(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}
