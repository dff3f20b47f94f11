package widgets

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestPersonalisedLessonMarkup: a lesson whose example was retold for the
// learner's role says so under the reason; the body holds both.
func TestPersonalisedLessonMarkup(t *testing.T) {
	l := lesson
	l.Body = "If a task takes **less than two minutes**, do it now.\n\n" +
		"**An example.** Sam answers a two-line email at once instead of flagging it.\n\n" +
		"> **Example rewritten for your role (AI-written):**\n> On the ward, Ana signs a two-minute form at once instead of leaving it for the night shift."
	l.RewriteLabel = "Example rewritten for your role (AI-written)"
	c := NewLessonCard(l, LessonActions{})
	w := window(t, c, c)
	test.AssertRendersToMarkup(t, "lesson/rewritten.xml", w.Canvas())
}

// TestReflectionFeedbackMarkup: feedback on the answer is pending, then
// shown per criterion and labelled AI-written; none leaves the authored
// model answer as it was.
func TestReflectionFeedbackMarkup(t *testing.T) {
	fb := &Feedback{Note: "llama3.2:3b", Summary: "A clear answer. Next time, say when you will get back to them.",
		Criteria: []CriterionFeedback{
			{Criterion: "Names the two-minute test", Met: true, Comment: "You check how long the answer takes."},
			{Criterion: "Protects focus time", Comment: "Say when you will answer a longer question."}}}
	cases := []struct {
		name    string
		pending bool // asked before the answer is submitted
		show    *Feedback
		golden  string
	}{
		{name: "pending", pending: true, golden: "reflection/feedback_pending.xml"},
		{name: "shown", pending: true, show: fb, golden: "reflection/feedback.xml"},
		{name: "none arrives", pending: true, show: nil, golden: "reflection/answered.xml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c *ReflectionCard
			c = NewReflectionCard(reflection, ReflectionActions{OnSubmit: func(string) {
				if tc.pending {
					c.FeedbackPending()
				}
			}})
			w := window(t, c, c)
			test.Type(c.Entry, "  I would answer quickly.  ")
			test.Tap(c.Submit)
			if tc.name != "pending" {
				c.ShowFeedback(tc.show)
			}
			test.AssertRendersToMarkup(t, tc.golden, w.Canvas())
		})
	}
}
