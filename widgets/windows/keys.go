package windows

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tidbit-learn/tidbit/widgets/formkit"
)

func isEnter(ev *fyne.KeyEvent) bool { return ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter }

// newSelect is a drop-down (Left and Right step through the options,
// Space opens the list) with "(choose)" shown while nothing is chosen.
func newSelect(k *formkit.Keys, options []string, changed func(string)) *formkit.Select {
	s := formkit.NewSelect(k, options, changed)
	s.PlaceHolder = "(choose)"
	return s
}

// frame is what the three windows share: Escape closes (hides) the window
// once and reports it; Up, Down, Page Up and Page Down scroll the page
// when the focused widget does not use them.
// The widgets are formkit's: they pass Escape (and each widget's own
// keys, formkit.Keys.With) to the window from whatever has focus, and
// keep a widget that gains focus in view.
type frame struct {
	app      fyne.App
	win      fyne.Window
	scroll   *container.Scroll
	closed   bool
	onClosed func()
	keys     formkit.Keys // Escape closes; Focused follows
}

func newFrame(a fyne.App, title string, size fyne.Size, onClosed func()) *frame {
	f := &frame{app: a, win: a.NewWindow("Tidbit — " + title), onClosed: onClosed}
	f.keys = formkit.Keys{Escape: f.close, Focused: f.follow}
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

// barKeys are the keys of a control outside the scrolled page (the
// buttons under it): the window's keys and other, without following
// the focus, which would scroll the page for a control not on it.
func (f *frame) barKeys(other func(*fyne.KeyEvent) bool) *formkit.Keys {
	return f.keys.With(other).Fixed()
}

// key handles the window's keys when nothing has focus: Escape.
func (f *frame) key(ev *fyne.KeyEvent) bool { return f.keys.Handle(ev) }

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
	if f.scroll != nil {
		formkit.ScrollTo(f.scroll, f.app.Driver(), o)
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
