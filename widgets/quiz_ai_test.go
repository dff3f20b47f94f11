package widgets

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

var qAI = Question{ID: "q4", Prompt: "What does the rule save?", AIWritten: true, Provenance: "llama3.2:1b · 25 Nov",
	Options: []Option{
		{Text: "A list entry", Correct: true, Why: "Doing it now means not tracking it."},
		{Text: "A meeting", Why: "The lesson is about small tasks."}}}

func newReportQuiz(t *testing.T, qs []Question) (*QuizCard, fyne.Window, *quizLog, *[]string) {
	l := &quizLog{}
	var reported []string
	c := NewQuizCard(qs, QuizActions{
		OnAnswer:  func(a Answer) { l.answers = append(l.answers, a) },
		OnFinish:  func(c, n int) { l.finished, l.correct, l.answerd = true, c, n },
		OnDismiss: func() { l.dismissed = true },
		OnReport:  func(id string) { reported = append(reported, id) }})
	return c, window(t, c, c), l, &reported
}

// TestQuizCardAIWritten: an AI-written question shows its label and a
// report action; R reports it before answering, it is not counted, and
// the quiz goes on.
func TestQuizCardAIWritten(t *testing.T) {
	c, w, l, reported := newReportQuiz(t, []Question{qAI, qTrue})
	test.AssertRendersToMarkup(t, "quiz/ai_asking.xml", w.Canvas())
	if c.Report == nil {
		t.Fatal("no report button on an AI-written question")
	}
	press(w, fyne.KeyR)
	test.AssertRendersToMarkup(t, "quiz/ai_reported.xml", w.Canvas())
	if len(*reported) != 1 || (*reported)[0] != "q4" || len(l.answers) != 0 {
		t.Fatalf("reported %v, answers %+v", *reported, l.answers)
	}
	press(w, fyne.KeyR) // once is enough
	if len(*reported) != 1 {
		t.Fatalf("reported twice: %v", *reported)
	}
	press(w, fyne.KeyReturn)
	if c.Report != nil {
		t.Fatal("report offered on an authored question")
	}
	press(w, fyne.KeyR) // an authored question: R does nothing
	press(w, fyne.Key2)
	press(w, fyne.KeyReturn)
	press(w, fyne.KeyReturn)
	if !l.finished || l.correct != 1 || l.answerd != 1 || len(*reported) != 1 {
		t.Fatalf("finish %+v, reported %v; want 1 of 1, the reported question not counted", l, *reported)
	}
}

// TestQuizCardReportAfterAnswer: the feedback of an AI-written question
// offers the report too (a bad key shows only then); a reported miss is
// not offered for retry.
func TestQuizCardReportAfterAnswer(t *testing.T) {
	c, w, l, reported := newReportQuiz(t, []Question{qAI})
	press(w, fyne.Key2) // wrong
	test.AssertRendersToMarkup(t, "quiz/ai_feedback.xml", w.Canvas())
	test.Tap(c.Report)
	if len(*reported) != 1 || len(l.answers) != 1 {
		t.Fatalf("reported %v, answers %+v", *reported, l.answers)
	}
	press(w, fyne.KeyReturn)
	if c.Retry != nil {
		t.Fatal("retry offered for the reported question")
	}
	press(w, fyne.KeyReturn)
	if !l.finished {
		t.Fatal("not finished")
	}
}

// TestQuizCardNoReportAction: without OnReport the label shows but no
// report is offered, and R does nothing.
func TestQuizCardNoReportAction(t *testing.T) {
	c, w, l := newQuiz(t, []Question{qAI})
	if c.Report != nil {
		t.Fatal("report offered without OnReport")
	}
	press(w, fyne.KeyR)
	press(w, fyne.Key1)
	if len(l.answers) != 1 || c.Report != nil {
		t.Fatalf("answers %+v, report %v", l.answers, c.Report)
	}
}
