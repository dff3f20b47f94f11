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
	c.Done = widget.NewButton("Done (Enter)", func() { call(c.act.OnDone) })
	c.Done.Importance = widget.HighImportance
	c.Later = widget.NewButton("Later (L)", func() { call(c.act.OnLater) })
	c.NotForMe = widget.NewButton("Not for me (N)", func() { call(c.act.OnNotForMe) })
	buttons := container.NewHBox(c.Done, c.Later, c.NotForMe)
	c.show(container.NewBorder(head, buttons, nil, nil, container.NewVScroll(body)))
	return c
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
