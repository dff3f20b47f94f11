package widgets

import (
	"fmt"
	"strings"

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
	OnAsk    func(questionID string)            // a prompt appeared
	OnReveal func(questionID string)            // its answer was shown
	OnGrade  func(questionID string, grade int) // Again..Easy
	// OnReport: the learner reported an AI-written question as bad; it is
	// skipped, not graded. Nil offers no report action.
	OnReport  func(questionID string)
	OnFinish  func(reviewed int)
	OnDismiss func()
}

// ReviewCard runs a spaced-repetition review: each question's prompt, then
// (Space or Enter, or the button) its answer with the explanation, graded
// by how well the learner recalled it: 1 Again, 2 Hard, 3 Good, 4 Easy.
// The last card sums the grades up. An AI-written question says so and,
// with OnReport, can be reported (R or the button) instead of graded.
type ReviewCard struct {
	card
	qs       []Question
	act      ReviewActions
	pos      int
	counts   [Easy + 1]int // grades given, by grade
	reported int
	revealed bool
	done     bool

	Reveal *widget.Button   // while the answer is hidden
	Grades []*widget.Button // Again..Easy once it is shown
	Finish *widget.Button   // at the end
	Report *widget.Button   // an AI-written question's, with OnReport
}

// NewReviewCard builds the card.
func NewReviewCard(qs []Question, act ReviewActions) *ReviewCard {
	c := &ReviewCard{qs: qs, act: act}
	c.init(c)
	c.render()
	return c
}

func (c *ReviewCard) render() {
	c.Reveal, c.Grades, c.Finish, c.Report = nil, nil, nil, nil
	if c.pos >= len(c.qs) {
		c.done = true
		c.Finish = widget.NewButton("Done (Enter)", func() { c.finish() })
		c.Finish.Importance = widget.HighImportance
		box := container.NewVBox(title(fmt.Sprintf("Reviewed %d. Each comes back when it is about to slip.", c.graded())))
		if s := c.summary(); s != "" {
			box.Add(wrapped(s))
		}
		c.show(container.NewBorder(nil, container.NewHBox(c.Finish), nil, nil, container.NewVScroll(box)))
		return
	}
	q := c.qs[c.pos]
	box := container.NewVBox(wrapped(fmt.Sprintf("Review %d of %d", c.pos+1, len(c.qs))))
	if q.AIWritten {
		box.Add(aiLabel(q))
	}
	box.Add(title(q.Prompt))
	if c.revealed {
		for i, o := range q.Options {
			if o.Correct {
				box.Add(wrapped(explain("Answer", i, o)))
			}
		}
		box.Add(wrapped("How well did you recall it?"))
	}
	if q.AIWritten && c.act.OnReport != nil {
		c.Report = reportButton(c.report)
		box.Add(container.NewHBox(c.Report))
	}
	if !c.revealed {
		if c.act.OnAsk != nil {
			c.act.OnAsk(q.ID)
		}
		c.Reveal = widget.NewButton("Show answer (Space)", c.reveal)
		c.Reveal.Importance = widget.HighImportance
		c.show(container.NewBorder(nil, container.NewHBox(c.Reveal), nil, nil, container.NewVScroll(box)))
		return
	}
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
	if c.act.OnReveal != nil {
		c.act.OnReveal(c.qs[c.pos].ID)
	}
	c.render()
}

// report skips the current AI-written question: the caller retires it
// (OnReport), and it is not graded.
func (c *ReviewCard) report() {
	if c.done || c.Report == nil {
		return
	}
	c.act.OnReport(c.qs[c.pos].ID)
	c.reported++
	c.pos++
	c.revealed = false
	c.render()
}

func (c *ReviewCard) graded() int {
	n := 0
	for _, k := range c.counts {
		n += k
	}
	return n
}

// summary counts the grades given, e.g. "Again 1 · Good 2"; "" for none.
func (c *ReviewCard) summary() string {
	var parts []string
	for g := Again; g <= Easy; g++ {
		if c.counts[g] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", gradeNames[g], c.counts[g]))
		}
	}
	if c.reported > 0 {
		parts = append(parts, fmt.Sprintf("Reported %d", c.reported))
	}
	return strings.Join(parts, " · ")
}

func (c *ReviewCard) grade(g int) {
	if c.done || !c.revealed || g < Again || g > Easy {
		return
	}
	if c.act.OnGrade != nil {
		c.act.OnGrade(c.qs[c.pos].ID, g)
	}
	c.counts[g]++
	c.pos++
	c.revealed = false
	c.render()
}

func (c *ReviewCard) finish() {
	if c.act.OnFinish != nil {
		c.act.OnFinish(c.graded())
	}
}

// HandleKey implements KeyHandler.
func (c *ReviewCard) HandleKey(ev *fyne.KeyEvent) bool {
	switch {
	case ev.Name == fyne.KeyEscape:
		call(c.act.OnDismiss)
	case !c.done && ev.Name == fyne.KeyR && c.Report != nil:
		c.report()
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
