package widgets

import (
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// MaxQuizQuestions is how many questions one QuizCard asks; a pop-up quiz
// is a minute or two, not an exam.
const MaxQuizQuestions = 5

// Answer is one answer given in a QuizCard.
type Answer struct {
	QuestionID string
	Chosen     []int // 0-based option indexes, sorted
	Correct    bool
	// Round is 1 for the first pass and 2, 3... for retries of the
	// missed questions (practice: the caller decides whether it counts).
	Round int
}

// QuizActions are what a QuizCard reports. Nil callbacks are ignored.
type QuizActions struct {
	OnAsk     func(questionID string, round int) // a question appeared
	OnAnswer  func(Answer)
	OnFinish  func(correct, answered int) // first-round score, when the learner closes the summary
	OnDismiss func()
	// OnReport: the learner reported an AI-written question as bad. The
	// caller retires it; the card says so and moves on without it. Nil
	// offers no report action.
	OnReport func(questionID string)
}

type quizPhase int

const (
	asking quizPhase = iota
	feedback
	summary
	reported
)

// QuizCard asks up to MaxQuizQuestions questions. A single-choice
// question is answered by its number key (1-4) or by tapping the option;
// a multiple-choice one by toggling options (number keys) and Enter.
// Each answer gets immediate feedback: the explanation of the chosen
// option and of the right one. The summary offers a retry of the missed
// questions. An AI-written question carries a small "AI-written" label
// and a "Report a bad question" button. Keys: digits choose, Enter goes
// on, R reports an AI-written question (while it or its feedback shows)
// or retries (on the summary), Escape dismisses.
type QuizCard struct {
	card
	qs  []Question
	act QuizActions

	phase   quizPhase
	round   int
	order   []int // indexes into qs asked this round
	pos     int
	chosen  map[int]bool
	lastOK  bool
	missed  []int // this round
	correct int   // first round
	asked   int   // first round

	// Options are the current question's option buttons (single choice)
	// or checks (multiple choice); Next is the feedback or summary button.
	Options []fyne.CanvasObject
	Next    *widget.Button
	Retry   *widget.Button
	// Report is the current AI-written question's report button; nil
	// for an authored question or without OnReport.
	Report *widget.Button

	gone map[string]bool // reported question ids
}

// NewQuizCard builds the card; questions past MaxQuizQuestions are dropped.
func NewQuizCard(qs []Question, act QuizActions) *QuizCard {
	if len(qs) > MaxQuizQuestions {
		qs = qs[:MaxQuizQuestions]
	}
	c := &QuizCard{qs: qs, act: act}
	c.init(c)
	c.start(1, nil)
	return c
}

func (c *QuizCard) start(round int, order []int) {
	c.round, c.pos, c.missed = round, 0, nil
	if order == nil {
		for i := range c.qs {
			order = append(order, i)
		}
	}
	c.order = order
	if len(c.order) == 0 {
		c.showSummary()
		return
	}
	c.ask()
}

func (c *QuizCard) cur() Question { return c.qs[c.order[c.pos]] }

func (c *QuizCard) ask() {
	c.phase, c.chosen = asking, map[int]bool{}
	q := c.cur()
	how := "choose one"
	if q.Multi {
		how = "choose all that apply, then Enter"
	}
	head := fmt.Sprintf("Question %d of %d · %s", c.pos+1, len(c.order), how)
	if c.round > 1 {
		head = "Retry · " + head
	}
	box := container.NewVBox(wrapped(head))
	if q.AIWritten {
		box.Add(aiLabel(q))
	}
	box.Add(title(q.Prompt))
	c.Options = nil
	for i, o := range q.Options {
		label := fmt.Sprintf("%d) %s", i+1, o.Text)
		if q.Multi {
			ch := widget.NewCheck("", func(on bool) { c.chosen[i] = on })
			c.Options = append(c.Options, ch)
			box.Add(container.NewBorder(nil, nil, ch, nil, newTapLabel(label, func() { ch.SetChecked(!ch.Checked) })))
			continue
		}
		b, row := optionButton(label, func() { c.choose(i) })
		c.Options = append(c.Options, b)
		box.Add(row)
	}
	c.Next = nil
	if q.Multi {
		c.Next = widget.NewButton("Check (Enter)", c.submit)
		c.Next.Importance = widget.HighImportance
		box.Add(c.Next)
	}
	c.Report = nil
	if q.AIWritten && c.act.OnReport != nil {
		c.Report = reportButton(c.report)
		box.Add(container.NewHBox(c.Report))
	}
	c.show(container.NewVScroll(box))
	if c.act.OnAsk != nil {
		c.act.OnAsk(q.ID, c.round)
	}
}

// choose answers a single-choice question, or toggles an option of a
// multiple-choice one.
func (c *QuizCard) choose(i int) {
	q := c.cur()
	if i < 0 || i >= len(q.Options) {
		return
	}
	if q.Multi {
		c.Options[i].(*widget.Check).SetChecked(!c.chosen[i])
		return
	}
	c.chosen = map[int]bool{i: true}
	c.submit()
}

func (c *QuizCard) submit() {
	if c.phase != asking {
		return
	}
	q := c.cur()
	var chosen []int
	for i, on := range c.chosen {
		if on {
			chosen = append(chosen, i)
		}
	}
	if len(chosen) == 0 {
		return // nothing chosen yet: Enter does nothing
	}
	sort.Ints(chosen)
	ok := Correct(q, chosen)
	c.lastOK = ok
	if c.round == 1 {
		c.asked++
		if ok {
			c.correct++
		}
	}
	if !ok {
		c.missed = append(c.missed, c.order[c.pos])
	}
	if c.act.OnAnswer != nil {
		c.act.OnAnswer(Answer{QuestionID: q.ID, Chosen: chosen, Correct: ok, Round: c.round})
	}
	c.showFeedback(q, chosen, ok)
}

// Correct says whether chosen (0-based, any order) is exactly the set of
// q's correct options.
func Correct(q Question, chosen []int) bool {
	want := 0
	for _, o := range q.Options {
		if o.Correct {
			want++
		}
	}
	seen := map[int]bool{}
	for _, i := range chosen {
		if i < 0 || i >= len(q.Options) || !q.Options[i].Correct || seen[i] {
			return false
		}
		seen[i] = true
	}
	return len(seen) == want
}

func (c *QuizCard) showFeedback(q Question, chosen []int, ok bool) {
	c.phase = feedback
	verdict := "✓ Right."
	if !ok {
		verdict = "✗ Not quite."
	}
	box := container.NewVBox(title(verdict))
	picked := map[int]bool{}
	for _, i := range chosen {
		picked[i] = true
		box.Add(wrapped(explain("You chose", i, q.Options[i])))
	}
	if !ok {
		for i, o := range q.Options {
			if o.Correct && !picked[i] {
				box.Add(wrapped(explain("Right answer", i, o)))
			}
		}
	}
	label := "Next (Enter)"
	if c.pos == len(c.order)-1 {
		label = "See results (Enter)"
	}
	c.Next = widget.NewButton(label, c.advance)
	c.Next.Importance = widget.HighImportance
	c.Options = nil
	buttons := container.NewHBox(c.Next)
	c.Report = nil
	if q.AIWritten {
		box.Add(aiLabel(q))
		if c.act.OnReport != nil {
			c.Report = reportButton(c.report)
			buttons.Add(c.Report)
		}
	}
	c.show(container.NewBorder(nil, buttons, nil, nil, container.NewVScroll(box)))
}

// aiLabel is the small note on an AI-written question.
func aiLabel(q Question) *widget.Label {
	s := "AI-written"
	if q.Provenance != "" {
		s += " · " + q.Provenance
	}
	l := widget.NewLabel(s)
	l.SizeName = theme.SizeNameCaptionText
	l.TextStyle = fyne.TextStyle{Italic: true}
	l.Wrapping = fyne.TextWrapWord
	return l
}

// optionButton is a single-choice option. Fyne's Button never wraps its
// text, so a long option would widen the 380-pixel pop-up; this button
// carries no text, and a wrapping label lies on it (a label is not
// tappable: taps reach the button).
func optionButton(text string, tapped func()) (*widget.Button, fyne.CanvasObject) {
	b := widget.NewButton("", tapped)
	return b, container.NewStack(b, wrapped(text))
}

// tapLabel is a wrapping label that acts when tapped: the text of a
// multiple-choice option, beside its check box (whose own label would not
// wrap).
type tapLabel struct {
	widget.Label
	onTap func()
}

func newTapLabel(text string, onTap func()) *tapLabel {
	l := &tapLabel{onTap: onTap}
	l.Text, l.Wrapping = text, fyne.TextWrapWord
	l.ExtendBaseWidget(l)
	return l
}

// Tapped implements fyne.Tappable.
func (l *tapLabel) Tapped(*fyne.PointEvent) { call(l.onTap) }

func reportButton(f func()) *widget.Button {
	b := widget.NewButton("Report a bad question (R)", f)
	b.Importance = widget.LowImportance
	return b
}

// report takes the current AI-written question out: the caller retires
// it (OnReport), the card says so, and it is neither counted further nor
// offered for retry.
func (c *QuizCard) report() {
	if c.phase != asking && c.phase != feedback {
		return
	}
	q := c.cur()
	if !q.AIWritten || c.act.OnReport == nil || c.gone[q.ID] {
		return
	}
	if c.gone == nil {
		c.gone = map[string]bool{}
	}
	c.gone[q.ID] = true
	if n := len(c.missed); n > 0 && c.missed[n-1] == c.order[c.pos] {
		c.missed = c.missed[:n-1]
	}
	c.act.OnReport(q.ID)
	c.phase = reported
	box := container.NewVBox(title("Question reported"),
		wrapped("Thanks. Tidbit has retired this AI-written question and will not ask it again."))
	label := "Next (Enter)"
	if c.pos == len(c.order)-1 {
		label = "See results (Enter)"
	}
	c.Next = widget.NewButton(label, c.advance)
	c.Next.Importance = widget.HighImportance
	c.Options, c.Report = nil, nil
	c.show(container.NewBorder(nil, container.NewHBox(c.Next), nil, nil, container.NewVScroll(box)))
}

func explain(lead string, i int, o Option) string {
	s := fmt.Sprintf("%s %d) %s", lead, i+1, o.Text)
	if o.Why != "" {
		s += " — " + o.Why
	}
	return s
}

func (c *QuizCard) advance() {
	if c.phase != feedback && c.phase != reported {
		return
	}
	c.pos++
	if c.pos < len(c.order) {
		c.ask()
		return
	}
	c.showSummary()
}

func (c *QuizCard) showSummary() {
	c.phase = summary
	var lines []string
	if c.round == 1 {
		lines = append(lines, fmt.Sprintf("You got %d of %d right.", c.correct, c.asked))
	} else {
		lines = append(lines, fmt.Sprintf("Retry: %d of %d right this time (first try: %d of %d).",
			len(c.order)-len(c.missed), len(c.order), c.correct, c.asked))
	}
	var nums []string
	for _, i := range c.missed {
		nums = append(nums, fmt.Sprint(i+1))
	}
	if len(nums) > 0 {
		lines = append(lines, "Worth another look: question "+strings.Join(nums, ", ")+".")
	}
	box := container.NewVBox(title(lines[0]))
	for _, l := range lines[1:] {
		box.Add(wrapped(l))
	}
	c.Next = widget.NewButton("Done (Enter)", c.finish)
	c.Next.Importance = widget.HighImportance
	buttons := container.NewHBox(c.Next)
	c.Retry = nil
	if len(c.missed) > 0 {
		c.Retry = widget.NewButton("Retry missed (R)", c.retry)
		buttons.Add(c.Retry)
	}
	c.Options = nil
	c.show(container.NewBorder(nil, buttons, nil, nil, box))
}

func (c *QuizCard) retry() {
	if c.phase != summary || len(c.missed) == 0 {
		return
	}
	c.start(c.round+1, append([]int(nil), c.missed...))
}

func (c *QuizCard) finish() {
	if c.act.OnFinish != nil {
		c.act.OnFinish(c.correct, c.asked)
	}
}

// HandleKey implements KeyHandler.
func (c *QuizCard) HandleKey(ev *fyne.KeyEvent) bool {
	if ev.Name == fyne.KeyEscape {
		call(c.act.OnDismiss)
		return true
	}
	switch c.phase {
	case asking:
		if d := digit(ev); d > 0 {
			c.choose(d - 1)
			return true
		}
		if isEnter(ev) && c.cur().Multi {
			c.submit()
			return true
		}
		if ev.Name == fyne.KeyR && c.Report != nil {
			c.report()
			return true
		}
	case feedback, reported:
		if isEnter(ev) || ev.Name == fyne.KeySpace {
			c.advance()
			return true
		}
		if ev.Name == fyne.KeyR && c.Report != nil {
			c.report()
			return true
		}
	case summary:
		if isEnter(ev) {
			c.finish()
			return true
		}
		if ev.Name == fyne.KeyR {
			c.retry()
			return true
		}
	}
	return false
}
