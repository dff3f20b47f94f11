package widgets

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// LessonActions are what a LessonCard reports. Nil callbacks are ignored.
type LessonActions struct {
	OnDone     func() // read it: go on to the quiz
	OnLater    func() // hold it for another moment
	OnNotForMe func() // never offer it again
	OnDismiss  func() // Escape: close without a verdict (held, not lost)
}

// LessonCard shows a lesson: title, minutes, why it was picked, the
// Markdown body, and Done / Later / Not for me. Keys: Enter Done, L Later,
// N Not for me, Escape dismiss.
type LessonCard struct {
	card
	Done, Later, NotForMe *widget.Button
	act                   LessonActions
	body                  *widget.RichText
	scroll                *container.Scroll
}

// NewLessonCard builds the card.
func NewLessonCard(l Lesson, act LessonActions) *LessonCard {
	c := &LessonCard{act: act}
	c.init(c)
	meta := fmt.Sprintf("%d min", l.Minutes)
	if l.Meta != "" {
		meta += " · " + l.Meta
	}
	head := container.NewVBox(title(l.Title), wrapped(meta))
	if l.Why != "" {
		head.Add(wrapped("Why this: " + l.Why))
	}
	if l.RewriteLabel != "" {
		note := wrapped(l.RewriteLabel + " below the original.")
		note.Importance = widget.LowImportance
		head.Add(note)
	}
	body := widget.NewRichTextFromMarkdown(l.Body)
	body.Wrapping = fyne.TextWrapWord
	c.body = body
	c.Done = widget.NewButton("Done (Enter)", func() { call(c.act.OnDone) })
	c.Done.Importance = widget.HighImportance
	c.Later = widget.NewButton("Later (L)", func() { call(c.act.OnLater) })
	c.NotForMe = widget.NewButton("Not for me (N)", func() { call(c.act.OnNotForMe) })
	buttons := container.NewHBox(c.Done, c.Later, c.NotForMe)
	c.scroll = container.NewVScroll(body)
	c.show(container.NewBorder(head, buttons, nil, nil, c.scroll))
	return c
}

// SetBody replaces the Markdown body. A lesson window shows its card
// without the body first and sets it once the window is up: laying out
// wrapped text is the slowest part of a new window (Fyne shapes every
// candidate line break, a few hundred milliseconds for a long body in a
// fresh process), and the window should appear at once. The layout cannot
// be done ahead on another goroutine: Fyne's text caches and go-text's
// font faces are not safe for concurrent use (the race detector shows it).
func (c *LessonCard) SetBody(md string) {
	c.body.ParseMarkdown(md)
	c.scroll.Refresh() // the body's height changed: the scroll sizes it anew
}

// HandleKey implements KeyHandler.
func (c *LessonCard) HandleKey(ev *fyne.KeyEvent) bool {
	switch {
	case isEnter(ev):
		call(c.act.OnDone)
	case ev.Name == fyne.KeyL:
		call(c.act.OnLater)
	case ev.Name == fyne.KeyN:
		call(c.act.OnNotForMe)
	case ev.Name == fyne.KeyEscape:
		call(c.act.OnDismiss)
	default:
		return false
	}
	return true
}
