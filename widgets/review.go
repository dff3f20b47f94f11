package widgets

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Review grades, as FSRS numbers them.
const (
	Again = 1
	Hard  = 2
	Good  = 3
	Easy  = 4
)

var gradeNames = [...]string{Again: "Again", Hard: "Hard", Good: "Good", Easy: "Easy"}

// ReviewActions are what a ReviewCard reports. Nil callbacks are ignored.
type ReviewActions struct {
	OnGrade   func(questionID string, grade int) // Again..Easy
	OnFinish  func(reviewed int)
	OnDismiss func()
}

// ReviewCard runs a spaced-repetition review: each question's prompt, then
// (Space or Enter, or the button) its answer with the explanation, graded
// by how well the learner recalled it: 1 Again, 2 Hard, 3 Good, 4 Easy.
type ReviewCard struct {
	card
	qs       []Question
	act      ReviewActions
	pos      int
	revealed bool
	done     bool

	Reveal *widget.Button   // while the answer is hidden
	Grades []*widget.Button // Again..Easy once it is shown
	Finish *widget.Button   // at the end
}

// NewReviewCard builds the card.
func NewReviewCard(qs []Question, act ReviewActions) *ReviewCard {
	c := &ReviewCard{qs: qs, act: act}
	c.init(c)
	c.render()
	return c
}

func (c *ReviewCard) render() {
	c.Reveal, c.Grades, c.Finish = nil, nil, nil
	if c.pos >= len(c.qs) {
		c.done = true
		c.Finish = widget.NewButton("Done (Enter)", func() { c.finish() })
		c.Finish.Importance = widget.HighImportance
		c.show(container.NewBorder(nil, container.NewHBox(c.Finish), nil, nil,
			container.NewVBox(title(fmt.Sprintf("Reviewed %d. Each comes back when it is about to slip.", len(c.qs))))))
		return
	}
	q := c.qs[c.pos]
	box := container.NewVBox(wrapped(fmt.Sprintf("Review %d of %d", c.pos+1, len(c.qs))), title(q.Prompt))
	if !c.revealed {
		c.Reveal = widget.NewButton("Show answer (Space)", c.reveal)
		c.Reveal.Importance = widget.HighImportance
		c.show(container.NewBorder(nil, container.NewHBox(c.Reveal), nil, nil, container.NewVScroll(box)))
		return
	}
	for i, o := range q.Options {
		if o.Correct {
			box.Add(wrapped(explain("Answer", i, o)))
		}
	}
	box.Add(wrapped("How well did you recall it?"))
	row := container.NewHBox()
	for g := Again; g <= Easy; g++ {
		b := widget.NewButton(fmt.Sprintf("%d %s", g, gradeNames[g]), func() { c.grade(g) })
		c.Grades = append(c.Grades, b)
		row.Add(b)
	}
	c.show(container.NewBorder(nil, row, nil, nil, container.NewVScroll(box)))
}

func (c *ReviewCard) reveal() {
	if c.done || c.revealed {
		return
	}
	c.revealed = true
	c.render()
}

func (c *ReviewCard) grade(g int) {
	if c.done || !c.revealed || g < Again || g > Easy {
		return
	}
	if c.act.OnGrade != nil {
		c.act.OnGrade(c.qs[c.pos].ID, g)
	}
	c.pos++
	c.revealed = false
	c.render()
}

func (c *ReviewCard) finish() {
	if c.act.OnFinish != nil {
		c.act.OnFinish(len(c.qs))
	}
}

// HandleKey implements KeyHandler.
func (c *ReviewCard) HandleKey(ev *fyne.KeyEvent) bool {
	switch {
	case ev.Name == fyne.KeyEscape:
		call(c.act.OnDismiss)
	case c.done && isEnter(ev):
		c.finish()
	case !c.done && !c.revealed && (ev.Name == fyne.KeySpace || isEnter(ev)):
		c.reveal()
	case !c.done && c.revealed && digit(ev) >= Again && digit(ev) <= Easy:
		c.grade(digit(ev))
	default:
		return false
	}
	return true
}
