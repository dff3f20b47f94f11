package lessonwin

import (
	"context"

	"github.com/tidbit-learn/tidbit/app/lessonflow"
	"github.com/tidbit-learn/tidbit/app/store"
)

// Reporter is a Run that retires an AI-written question the learner
// reported as bad; *lessonflow.Run is one. A Run without it offers no
// report action.
type Reporter interface {
	Report(ctx context.Context, questionID string) error
}

var _ Reporter = (*lessonflow.Run)(nil)

// reporter is the quiz's OnReport: the retirement goes through the
// Writer like every other write; nil when the run cannot report.
func (w *Window) reporter() func(questionID string) {
	r, ok := w.run.(Reporter)
	if !ok {
		return nil
	}
	return func(id string) {
		w.opts.Writer.Do(func(ctx context.Context) error { return r.Report(ctx, id) }, w.onError)
	}
}

// provenance is the short line shown after "AI-written": the model and
// the day it wrote the question.
func provenance(q store.Question) string {
	if q.AI == nil {
		return ""
	}
	s := q.AI.Model
	if !q.AI.GeneratedAt.IsZero() {
		if s != "" {
			s += " · "
		}
		s += q.AI.GeneratedAt.Local().Format("2 Jan 2006")
	}
	return s
}
