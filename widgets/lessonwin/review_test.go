package lessonwin

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tidbit-learn/tidbit/app/ipc"
	"github.com/tidbit-learn/tidbit/widgets"
)

// splitCalls separates the prompts shown (called on the UI thread) from
// the writes (in the Writer's order): a grade and the next prompt happen
// on the same key, so only each list's own order is fixed.
func splitCalls(got string) (shown, writes string) {
	var s, w []string
	for _, c := range strings.Split(got, "; ") {
		if strings.HasPrefix(c, "shown ") {
			s = append(s, c)
		} else if c != "" {
			w = append(w, c)
		}
	}
	return strings.Join(s, "; "), strings.Join(w, "; ")
}

// TestReviewWindow: a review item shows the review card over its due
// questions, not the quiz: Space reveals the answer, 1-4 grade it (each
// grade goes to Run.Grade), the last card sums the grades up and Enter
// completes the attempt; there is no reflection. Escape dismisses as in
// a lesson: held when nothing was graded, else abandoned.
func TestReviewWindow(t *testing.T) {
	review := item
	review.Review = true
	rc := func(t *testing.T, w *Window) *widgets.ReviewCard {
		t.Helper()
		c, ok := w.Card.(*widgets.ReviewCard)
		if !ok {
			t.Fatalf("card %T, want the review card", w.Card)
		}
		return c
	}
	cases := []struct {
		name    string
		do      func(t *testing.T, w *Window)
		shown   string
		writes  string
		outcome ipc.Outcome
	}{
		{"keys to the end", func(t *testing.T, w *Window) {
			test.AssertRendersToMarkup(t, "review/prompt.xml", w.Canvas())
			press(w, fyne.KeySpace)
			test.AssertRendersToMarkup(t, "review/revealed.xml", w.Canvas())
			press(w, fyne.Key3, fyne.KeySpace, fyne.Key1)
			test.AssertRendersToMarkup(t, "review/summary.xml", w.Canvas())
			press(w, fyne.KeyReturn)
		}, "shown q1; shown q2", "grade q1 3; grade q2 1; finish completed", ipc.Done},
		{"buttons", func(t *testing.T, w *Window) {
			test.Tap(rc(t, w).Reveal)
			test.Tap(rc(t, w).Grades[3])
			test.Tap(rc(t, w).Reveal)
			test.Tap(rc(t, w).Grades[1])
			test.Tap(rc(t, w).Finish)
		}, "shown q1; shown q2", "grade q1 4; grade q2 2; finish completed", ipc.Done},
		{"grades before the answer is shown do nothing", func(t *testing.T, w *Window) {
			press(w, fyne.Key4, fyne.Key1, fyne.KeySpace, fyne.Key5, fyne.Key2, fyne.KeyReturn, fyne.KeySpace, fyne.Key4, fyne.KeyReturn)
		}, "shown q1; shown q2", "grade q1 2; grade q2 4; finish completed", ipc.Done},
		{"escape before grading holds it", func(t *testing.T, w *Window) {
			press(w, fyne.KeySpace, fyne.KeyEscape)
		}, "shown q1", "finish later", ipc.Dismiss},
		{"escape after a grade abandons", func(t *testing.T, w *Window) {
			press(w, fyne.KeySpace, fyne.Key2, fyne.KeyEscape)
		}, "shown q1; shown q2", "grade q1 2; finish abandoned", ipc.Dismiss},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := &fakeRun{}
			var outcomes []ipc.Outcome
			w, wr, closed := show(t, review, r, &outcomes)
			if !strings.HasPrefix(w.Title(), "Tidbit — Review: ") {
				t.Fatalf("title %q", w.Title())
			}
			tc.do(t, w)
			press(w, fyne.KeyEscape) // after the end: nothing more is written
			wr.Close()
			shown, writes := splitCalls(r.got())
			if shown != tc.shown || writes != tc.writes {
				t.Fatalf("shown %q, writes %q\nwant shown %q, writes %q", shown, writes, tc.shown, tc.writes)
			}
			if *closed != 1 || len(outcomes) != 1 || outcomes[0] != tc.outcome {
				t.Fatalf("closed %d times, outcomes %v, want [%s]", *closed, outcomes, tc.outcome)
			}
		})
	}
}

// TestReviewPopupTouched: revealing an answer with the button (a click the
// card takes, not the click catcher) touches a pop-up, so it does not hide
// while the learner reads the answer.
func TestReviewPopupTouched(t *testing.T) {
	review := item
	review.Review = true
	a := test.NewTempApp(t)
	wr := NewWriter(t.Context())
	w := Show(a, review, &fakeRun{}, Options{Writer: wr, Popup: true})
	if w.Touched() {
		t.Fatal("touched before anything was done")
	}
	test.Tap(w.Card.(*widgets.ReviewCard).Reveal)
	if !w.Touched() {
		t.Fatal("revealing the answer did not touch the pop-up")
	}
	w.dismiss()
	wr.Close()
}
