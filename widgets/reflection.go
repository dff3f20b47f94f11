package widgets

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// ReflectionActions are what a ReflectionCard reports. Nil callbacks are
// ignored.
type ReflectionActions struct {
	OnSubmit  func(text string) // the learner's answer, trimmed; not called when skipped
	OnDone    func()
	OnDismiss func()
}

// ReflectionCard asks a free-text question, then shows the learner's
// answer beside a model answer and the rubric of a good one. While
// writing: Ctrl+Enter submits, Escape dismisses (the entry keeps every
// other key, Tab included, so Tab moves on to Submit and Skip only from
// outside it). After: Enter finishes.
type ReflectionCard struct {
	card
	r        Reflection
	act      ReflectionActions
	answered bool
	text     string // the answer, once submitted
	// fbPending and fb are the state of the AI feedback on the answer
	// (set from the window process's background request).
	fbPending bool
	fb        *Feedback

	Entry        *AnswerEntry
	Submit, Skip *widget.Button
	Done         *widget.Button
}

// AnswerEntry is a multi-line entry that submits on Ctrl+Enter and
// reports Escape, which a plain Entry swallows.
type AnswerEntry struct {
	widget.Entry
	onSubmit, onEscape func()
}

func newAnswerEntry(submit, escape func()) *AnswerEntry {
	e := &AnswerEntry{onSubmit: submit, onEscape: escape}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.SetPlaceHolder("Your answer… (Ctrl+Enter to submit)")
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey implements fyne.Focusable.
func (e *AnswerEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		call(e.onEscape)
		return
	}
	e.Entry.TypedKey(ev)
}

// TypedShortcut implements fyne.Shortcutable.
func (e *AnswerEntry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && cs.Modifier == fyne.KeyModifierControl &&
		(cs.KeyName == fyne.KeyReturn || cs.KeyName == fyne.KeyEnter) {
		call(e.onSubmit)
		return
	}
	e.Entry.TypedShortcut(s)
}

// NewReflectionCard builds the card.
func NewReflectionCard(r Reflection, act ReflectionActions) *ReflectionCard {
	c := &ReflectionCard{r: r, act: act}
	c.init(c)
	c.Entry = newAnswerEntry(c.submit, func() { call(c.act.OnDismiss) })
	c.Submit = widget.NewButton("Submit (Ctrl+Enter)", c.submit)
	c.Submit.Importance = widget.HighImportance
	c.Skip = widget.NewButton("Skip", c.skip)
	head := container.NewVBox(title("Your turn"), wrapped(r.Prompt))
	c.show(container.NewBorder(head, container.NewHBox(c.Submit, c.Skip), nil, nil, c.Entry))
	return c
}

func (c *ReflectionCard) submit() {
	if c.answered {
		return
	}
	text := strings.TrimSpace(c.Entry.Text)
	if text != "" && c.act.OnSubmit != nil {
		c.act.OnSubmit(text)
	}
	c.showModel(text)
}

func (c *ReflectionCard) skip() {
	if !c.answered {
		c.showModel("")
	}
}

func (c *ReflectionCard) showModel(text string) {
	c.answered, c.text = true, text
	box := container.NewVBox()
	if text != "" {
		box.Add(title("You wrote"))
		box.Add(wrapped(text))
		c.addFeedback(box)
	}
	box.Add(title("A model answer"))
	model := widget.NewRichTextFromMarkdown(c.r.ModelAnswer)
	model.Wrapping = fyne.TextWrapWord
	box.Add(model)
	if len(c.r.Rubric) > 0 {
		box.Add(title("A good answer"))
		for _, p := range c.r.Rubric {
			box.Add(wrapped("• " + p))
		}
	}
	c.Done = widget.NewButton("Done (Enter)", func() { call(c.act.OnDone) })
	c.Done.Importance = widget.HighImportance
	c.show(container.NewBorder(nil, container.NewHBox(c.Done), nil, nil, container.NewVScroll(box)))
}

// HandleKey implements KeyHandler; it sees keys only when the entry does
// not have focus.
func (c *ReflectionCard) HandleKey(ev *fyne.KeyEvent) bool {
	switch {
	case ev.Name == fyne.KeyEscape:
		call(c.act.OnDismiss)
	case c.answered && isEnter(ev):
		call(c.act.OnDone)
	default:
		return false
	}
	return true
}

// FeedbackPending says AI feedback on the answer has been asked for; the
// card says so under the answer until ShowFeedback. Call it on the UI
// thread, before or after the answer is submitted.
func (c *ReflectionCard) FeedbackPending() {
	c.fbPending, c.fb = true, nil
	c.renderFeedback()
}

// ShowFeedback shows a local model's feedback under the answer, labelled
// AI-written; nil (no model, no usable answer, too slow) removes the
// pending line and leaves the authored model answer alone. Call it on the
// UI thread.
func (c *ReflectionCard) ShowFeedback(f *Feedback) {
	c.fbPending, c.fb = false, f
	c.renderFeedback()
}

// renderFeedback shows the new feedback state: the answered view is
// built again (the layout then fits what it holds).
func (c *ReflectionCard) renderFeedback() {
	if c.answered {
		c.showModel(c.text)
	}
}

func (c *ReflectionCard) addFeedback(box *fyne.Container) {
	switch {
	case c.fb != nil:
		head := "Feedback on your answer (AI-written)"
		if c.fb.Note != "" {
			head += " · " + c.fb.Note
		}
		box.Add(title(head))
		for _, cf := range c.fb.Criteria {
			mark := "✗ Not yet: "
			if cf.Met {
				mark = "✓ Met: "
			}
			box.Add(wrapped(mark + cf.Criterion + " — " + cf.Comment))
		}
		if c.fb.Summary != "" {
			box.Add(wrapped(c.fb.Summary))
		}
	case c.fbPending:
		l := wrapped("Asking the local model for feedback on your answer (AI-written)…")
		l.Importance = widget.LowImportance
		box.Add(l)
	}
}
