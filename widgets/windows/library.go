package windows

import (
	"fmt"
	"github.com/tidbit-learn/tidbit/widgets/formkit"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/tidbit-learn/tidbit/widgets/windows/view"
)

// LibrarySize shows about eight lessons at the default text size.
var LibrarySize = fyne.NewSize(520, 560)

// LibraryOptions are the Library window's callbacks.
type LibraryOptions struct {
	// OnStart opens the lesson (in its own window); an error is shown.
	OnStart  func(id string) error
	OnClosed func()
}

// Library is an open Library window. The search field keeps the keyboard
// while the list follows it, like a command palette: typing filters, Up
// and Down (Page Up, Page Down) move the selection, Enter starts the
// selected lesson. Tab goes on to Start and Close; the list itself is out
// of the Tab order (every key it would take, the search field takes).
type Library struct {
	*frame
	Search        *formkit.Entry
	List          *widget.List
	Start, Close  *formkit.Button
	Count, Status *widget.Label

	rows, shown []view.LibraryRow
	selected    int // index into shown, -1: none
	opts        LibraryOptions
}

// rowList is a List the focus chain skips: Disabled is read only by the
// focus manager, List itself never asks, so it still taps and scrolls.
type rowList struct{ widget.List }

func (l *rowList) Disabled() bool { return true }

// Enable and Disable complete fyne.Disableable; the list stays usable.
func (l *rowList) Enable()  {}
func (l *rowList) Disable() {}

// ShowLibrary opens a Library window on rows, focused on the search.
func ShowLibrary(a fyne.App, rows []view.LibraryRow, opts LibraryOptions) *Library {
	w := &Library{frame: newFrame(a, "Library", LibrarySize, opts.OnClosed), rows: rows, selected: -1, opts: opts}
	w.Search = formkit.NewEntry(w.keys.With(w.listKey), "Search by title, skill or category", nil)
	w.Search.OnChanged = func(string) { w.filter() }
	w.Start = formkit.NewButton(w.barKeys(nil), "Start", w.start)
	w.Start.Importance = widget.HighImportance
	w.Close = formkit.NewButton(w.barKeys(nil), "Close", w.close)
	w.Count, w.Status = widget.NewLabel(""), wrapped("")

	l := &rowList{}
	l.Length = func() int { return len(w.shown) }
	l.CreateItem = func() fyne.CanvasObject {
		title, meta, status := bold(""), widget.NewLabel(""), widget.NewLabel("")
		title.Truncation, meta.Truncation = fyne.TextTruncateEllipsis, fyne.TextTruncateEllipsis
		return container.NewBorder(nil, nil, nil, status, container.NewVBox(title, meta))
	}
	l.UpdateItem = func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < 0 || id >= len(w.shown) {
			return
		}
		r := w.shown[id]
		c := o.(*fyne.Container)
		box := c.Objects[0].(*fyne.Container)
		box.Objects[0].(*widget.Label).SetText(r.Title)
		box.Objects[1].(*widget.Label).SetText(r.Meta)
		c.Objects[1].(*widget.Label).SetText(r.Status)
		c.Refresh() // the status's width changed
	}
	l.OnSelected = func(id widget.ListItemID) { w.selected = id }
	l.ExtendBaseWidget(l)
	w.List = &l.List

	w.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { w.searchKey(ev) })
	w.filter()
	top := container.NewBorder(nil, nil, nil, w.Count, w.Search)
	bottom := container.NewVBox(w.Status, container.NewHBox(widget.NewLabel("Enter starts · Esc closes"), layoutSpacer(), w.Start, w.Close))
	w.win.SetContent(container.NewBorder(top, bottom, nil, nil, l))
	w.show()
	w.win.Canvas().Focus(w.Search)
	return w
}

// searchKey: the window's keys plus the list's, for when nothing has
// focus.
func (w *Library) searchKey(ev *fyne.KeyEvent) bool { return w.key(ev) || w.listKey(ev) }

// listKey moves in the list and starts the selected lesson, from the
// search field too.
func (w *Library) listKey(ev *fyne.KeyEvent) bool {
	switch ev.Name {
	case fyne.KeyDown:
		w.move(1)
	case fyne.KeyUp:
		w.move(-1)
	case fyne.KeyPageDown:
		w.move(8)
	case fyne.KeyPageUp:
		w.move(-8)
	case fyne.KeyReturn, fyne.KeyEnter:
		w.start()
	default:
		return false
	}
	return true
}

func (w *Library) move(by int) {
	if len(w.shown) == 0 {
		return
	}
	w.List.Select(max(0, min(len(w.shown)-1, w.selected+by)))
}

// filter shows the rows matching the search and selects the first, so
// Enter starts the best match.
func (w *Library) filter() {
	q := w.Search.Text
	w.shown = view.Filter(w.rows, q)
	w.selected = -1
	w.List.UnselectAll()
	w.List.Refresh()
	w.Status.SetText("")
	switch {
	case len(w.rows) == 0:
		w.Status.SetText("No lessons yet. Add some with `tidbit import PATH`.")
	case len(w.shown) == 0:
		w.Status.SetText(fmt.Sprintf("No lesson matches “%s”.", q))
	default:
		w.List.Select(0)
		w.List.ScrollToTop()
	}
	if len(w.shown) == len(w.rows) {
		w.Count.SetText(fmt.Sprintf("%d lessons", len(w.rows)))
	} else {
		w.Count.SetText(fmt.Sprintf("%d of %d", len(w.shown), len(w.rows)))
	}
	if len(w.shown) == 0 {
		w.Start.Disable()
	} else {
		w.Start.Enable()
	}
}

// Selected is the lesson Enter would start ("" when none).
func (w *Library) Selected() string {
	if w.selected < 0 || w.selected >= len(w.shown) {
		return ""
	}
	return w.shown[w.selected].ID
}

func (w *Library) start() {
	id := w.Selected()
	if id == "" || w.opts.OnStart == nil {
		return
	}
	if err := w.opts.OnStart(id); err != nil {
		w.Status.SetText(fmt.Sprintf("Could not open that lesson: %v", err))
		return
	}
	w.Status.SetText(fmt.Sprintf("Opened “%s”.", w.shown[w.selected].Title))
}
