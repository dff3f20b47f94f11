package lessonwin

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tidbit-learn/tidbit/app/lessonflow"
	"github.com/tidbit-learn/tidbit/app/store"
)

// reportRun is a Run that can report (a Reporter).
type reportRun struct {
	mu    sync.Mutex
	calls []string
}

func (r *reportRun) add(s string)    { r.mu.Lock(); r.calls = append(r.calls, s); r.mu.Unlock() }
func (r *reportRun) Shown(id string) { r.add("shown " + id) }
func (r *reportRun) Answer(_ context.Context, id string, _ []int, _ int) (bool, error) {
	r.add("answer " + id)
	return true, nil
}
func (r *reportRun) Grade(_ context.Context, id string, _ int) error {
	r.add("grade " + id)
	return nil
}
func (r *reportRun) Reflect(context.Context, string) error { return nil }
func (r *reportRun) Finish(_ context.Context, outcome string) error {
	r.add("finish " + outcome)
	return nil
}
func (r *reportRun) Report(_ context.Context, id string) error {
	r.add("report " + id)
	return nil
}
func (r *reportRun) got() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.calls, "; ")
}

// plainRun is a Run that cannot report.
type plainRun struct{ reportRun }

func (p *plainRun) Report() {} // not the Reporter method

var aiItem = lessonflow.Item{LessonID: "l1", Title: "Two-minute rule", Review: true,
	Questions: []store.Question{{ID: "l1/ai-1", Type: "single", Prompt: "What does the rule save?",
		Options: []store.Option{{Text: "A list entry", Correct: true}, {Text: "A meeting"}},
		AI:      &store.AIProvenance{Model: "llama3.2:1b", GeneratedAt: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}}}}

func TestQuestionsCarryProvenance(t *testing.T) {
	qs := Questions(append([]store.Question{{ID: "q1", Type: "single"}}, aiItem.Questions...))
	if qs[0].AIWritten || qs[0].Provenance != "" {
		t.Errorf("authored question: %+v", qs[0])
	}
	if !qs[1].AIWritten || qs[1].Provenance != "llama3.2:1b · 25 Nov 2026" {
		t.Errorf("AI-written question: %+v", qs[1])
	}
}

// aiLesson is aiItem as a lesson: read, then quizzed.
var aiLesson = func() lessonflow.Item { l := aiItem; l.Review = false; return l }()

var (
	// The lesson read; R reports (or does nothing), 1 answers when it was
	// not reported, then the results and Done.
	quizKeys = []fyne.KeyName{fyne.KeyReturn, fyne.KeyR, fyne.Key1, fyne.KeyReturn, fyne.KeyReturn, fyne.KeyReturn}
	// R reports and ends the review (or does nothing); Space shows the
	// answer and 1 grades it when it was not reported; Enter is Done.
	reviewKeys = []fyne.KeyName{fyne.KeyR, fyne.KeySpace, fyne.Key1, fyne.KeyReturn}
)

func TestReportGoesThroughWriter(t *testing.T) {
	tests := []struct {
		name string
		run  interface {
			Run
			got() string
		}
		item lessonflow.Item
		keys []fyne.KeyName
		want string
	}{
		{name: "a run that reports", run: &reportRun{}, item: aiLesson, keys: quizKeys,
			want: "shown l1/ai-1; report l1/ai-1; finish completed"},
		{name: "a run that cannot", run: &plainRun{}, item: aiLesson, keys: quizKeys,
			want: "shown l1/ai-1; answer l1/ai-1; finish completed"},
		{name: "a review, a run that reports", run: &reportRun{}, item: aiItem, keys: reviewKeys,
			want: "shown l1/ai-1; report l1/ai-1; finish completed"},
		{name: "a review, a run that cannot", run: &plainRun{}, item: aiItem, keys: reviewKeys,
			want: "shown l1/ai-1; grade l1/ai-1; finish completed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			wr := NewWriter(context.Background())
			w := Show(a, tc.item, tc.run, Options{Writer: wr})
			for _, k := range tc.keys {
				w.Card.HandleKey(&fyne.KeyEvent{Name: k})
			}
			wr.Close()
			if got := tc.run.got(); got != tc.want {
				t.Errorf("calls %q, want %q", got, tc.want)
			}
		})
	}
}
