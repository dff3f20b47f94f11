package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Option is one answer option of a question.
type Option struct {
	Text    string
	Correct bool
	Why     string // explanation shown after the learner answers
}

// Question is one quiz or review question.
type Question struct {
	ID     string
	Prompt string
	// Multi: "choose all that apply"; number keys toggle, Enter checks.
	Multi   bool
	Options []Option
	// AIWritten marks a question a local model wrote (and a second pass
	// verified): the quiz labels it and offers "Report a bad question".
	AIWritten bool
	// Provenance is a short line about where an AI-written question came
	// from (e.g. "llama3.2:1b · 25 Nov"); may be empty.
	Provenance string
}

// Lesson is what a LessonCard shows.
type Lesson struct {
	Title   string
	Minutes int
	Meta    string // e.g. skill names and kind; may be empty
	Why     string // the one-line reason it was picked; may be empty
	Body    string // Markdown
	// RewriteLabel, when set, says the body also holds the lesson's
	// example retold for the learner's role by a local model, under this
	// label, beside the original (app/personal).
	RewriteLabel string
}

// Reflection is a soft-skill prompt with a model answer.
type Reflection struct {
	Prompt      string
	ModelAnswer string // Markdown
	Rubric      []string
}

// Feedback is a local model's feedback on a reflection answer, one
// verdict per rubric criterion; always shown labelled AI-written.
type Feedback struct {
	Criteria []CriterionFeedback
	Summary  string
	// Note is a short provenance line ("llama3.2:3b"); may be empty.
	Note string
}

// CriterionFeedback is the verdict on one rubric criterion.
type CriterionFeedback struct {
	Criterion string
	Met       bool
	Comment   string
}

// KeyHandler is a card that acts on typed keys. HandleKey reports whether
// it used the key.
type KeyHandler interface {
	HandleKey(ev *fyne.KeyEvent) bool
}

// Attach routes the typed keys of w's canvas (those no focused widget
// took) to h. Call it again when the window shows another card.
func Attach(w fyne.Window, h KeyHandler) {
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { h.HandleKey(ev) })
}

// card is the shared skeleton: a widget whose content is swapped as its
// state changes.
type card struct {
	widget.BaseWidget
	box *fyne.Container
}

func (c *card) init(self fyne.Widget) {
	c.box = container.NewStack()
	c.ExtendBaseWidget(self)
}

func (c *card) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(c.box)
}

// show replaces the content.
func (c *card) show(o fyne.CanvasObject) {
	c.box.Objects = []fyne.CanvasObject{o}
	if c.box.Size().IsZero() {
		return
	}
	c.box.Refresh()
}

func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func title(s string) *widget.Label {
	l := wrapped(s)
	l.TextStyle = fyne.TextStyle{Bold: true}
	return l
}

// digit reads the keys 1-9 (main row and keypad); 0 when ev is another key.
func digit(ev *fyne.KeyEvent) int {
	n := ev.Name
	if len(n) == 1 && n[0] >= '1' && n[0] <= '9' {
		return int(n[0] - '0')
	}
	return 0
}

func isEnter(ev *fyne.KeyEvent) bool {
	return ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter
}

func call(f func()) {
	if f != nil {
		f()
	}
}
