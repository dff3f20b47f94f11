package lessonwin

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tidbit-learn/tidbit/app/ipc"
	"github.com/tidbit-learn/tidbit/widgets"
)

// texts lists the text of every label and rich text on w's canvas.
func texts(w fyne.Window) string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
			return
		case fyne.Widget:
			if l, ok := o.(interface{ Hidden() bool }); ok && l.Hidden() {
				return
			}
			r := test.WidgetRenderer(x)
			for _, c := range r.Objects() {
				walk(c)
			}
		}
		if t, ok := o.(interface{ String() string }); ok {
			out = append(out, t.String())
		}
	}
	walk(w.Canvas().Content())
	return strings.Join(out, "\n")
}

// TestPersonalisedWindow: a rewritten example is announced on the lesson
// card; after a reflection answer the window asks for AI feedback in the
// background and shows it labelled, or leaves the model answer alone.
func TestPersonalisedWindow(t *testing.T) {
	fb := &widgets.Feedback{Note: "tiny", Summary: "A clear answer overall.",
		Criteria: []widgets.CriterionFeedback{{Criterion: "short", Met: true, Comment: "It is short and to the point."}}}
	cases := []struct {
		name     string
		feedback func(ctx context.Context, answer string) (*widgets.Feedback, error)
		want     []string
		notWant  []string
	}{
		{name: "feedback arrives", feedback: func(ctx context.Context, answer string) (*widgets.Feedback, error) {
			if answer != "Saves time" {
				return nil, errors.New("wrong answer passed")
			}
			return fb, nil
		}, want: []string{"Feedback on your answer (AI-written)", "It is short and to the point.", "A model answer"},
			notWant: []string{"Asking the local model"}},
		{name: "no server", feedback: func(ctx context.Context, answer string) (*widgets.Feedback, error) {
			return nil, errors.New("connection refused")
		}, want: []string{"A model answer"}, notWant: []string{"AI-written", "Asking the local model"}},
		{name: "model off", want: []string{"A model answer"}, notWant: []string{"AI-written", "Asking the local model"}},
	}
	// Work handed to the UI thread runs on the test's goroutine, as the
	// real driver runs it on its own.
	ui := make(chan func(), 4)
	uiDo = func(f func()) { ui <- f }
	t.Cleanup(func() { uiDo = fyne.Do })
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			wr := NewWriter(context.Background())
			var mu sync.Mutex
			asked := 0
			opts := Options{Writer: wr, OnOutcome: func(ipc.Outcome) {}, RewriteLabel: "Example rewritten for your role (AI-written)"}
			if tc.feedback != nil {
				opts.Feedback = func(ctx context.Context, answer string) (*widgets.Feedback, error) {
					mu.Lock()
					asked++
					mu.Unlock()
					if _, ok := ctx.Deadline(); !ok {
						t.Error("feedback asked without a deadline")
					}
					return tc.feedback(ctx, answer)
				}
			}
			w := Show(a, item, &fakeRun{}, opts)
			if got := texts(w); !strings.Contains(got, "Example rewritten for your role (AI-written) below the original.") {
				t.Errorf("lesson card without the rewrite note:\n%s", got)
			}
			press(w, fyne.KeyReturn)            // lesson read
			press(w, fyne.Key2, fyne.KeyReturn) // q1 wrong, next
			press(w, fyne.Key1, fyne.Key2, fyne.KeyReturn, fyne.KeyReturn)
			press(w, fyne.KeyR, fyne.Key1, fyne.KeyReturn, fyne.KeyReturn) // retry q1, then Done
			rc, ok := w.Card.(*widgets.ReflectionCard)
			if !ok {
				t.Fatalf("card %T, want the reflection", w.Card)
			}
			test.Type(rc.Entry, "Saves time")
			test.Tap(rc.Submit)
			deadline := time.Now().Add(5 * time.Second)
			for {
				got := texts(w)
				ok := true
				for _, s := range tc.want {
					ok = ok && strings.Contains(got, s)
				}
				for _, s := range tc.notWant {
					ok = ok && !strings.Contains(got, s)
				}
				if ok {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("window shows:\n%s\nwant %q and not %q", got, tc.want, tc.notWant)
				}
				select {
				case f := <-ui:
					f()
				case <-time.After(10 * time.Millisecond):
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if want := map[bool]int{true: 1, false: 0}[tc.feedback != nil]; asked != want {
				t.Errorf("feedback asked %d times, want %d", asked, want)
			}
		})
	}
}
