package uiproc

import (
	"context"
	"fmt"

	"github.com/tidbit-learn/tidbit/app/lessonflow"
	"github.com/tidbit-learn/tidbit/app/personal"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/widgets"
	"github.com/tidbit-learn/tidbit/widgets/lessonwin"
)

// personalise adds to a lesson window what the local model prepared
// while the learner was away: the lesson's example retold for their role,
// when one is in the store for the lesson's current text (shown beside
// the original, labelled). It never asks the model on the way to the
// window. With a reflection it lets the window ask for AI feedback on the
// answer in the background. With the model turned off it adds nothing.
func (p *Process) personalise(ctx context.Context, run *lessonflow.Run, opts *lessonwin.Options) {
	st := p.App.Store
	set, err := settings.Load(ctx, st)
	if err != nil || set.NoAI {
		return
	}
	model := personal.ModelName(set)
	if !run.Review && run.LessonID != "" {
		prof, perr := st.Profile(ctx)
		l, lerr := st.Lesson(ctx, run.LessonID)
		if perr == nil && lerr == nil {
			if r, ok := personal.CachedRewrite(ctx, st, model, l, personal.RoleText(p.App.Taxonomy, prof.Role)); ok {
				if body, ok := personal.WithRewrite(run.Body, r); ok {
					run.Body, opts.RewriteLabel = body, personal.RewriteLabel
				}
			}
		}
	}
	if refl := run.Reflection; refl != nil && !run.Review {
		getenv := p.deps.Env.Getenv
		if getenv == nil {
			getenv = func(string) string { return "" }
		}
		prompt, rubric := refl.Prompt, refl.Rubric
		opts.Feedback = func(ctx context.Context, answer string) (*widgets.Feedback, error) {
			debug, closeLog, err := personal.OpenDebugLog(p.paths.Data, set)
			if err != nil {
				fmt.Fprintf(p.stderr(), "tidbit-ui: the model debug log: %v\n", err)
			}
			defer closeLog()
			fb, err := personal.Feedback(ctx, set, getenv, debug, prompt, rubric, answer)
			if err != nil {
				return nil, err
			}
			out := &widgets.Feedback{Summary: fb.Summary, Note: fb.Provenance.Model}
			for _, c := range fb.PerCriterion {
				out.Criteria = append(out.Criteria, widgets.CriterionFeedback{Criterion: c.Criterion, Met: c.Met, Comment: c.Comment})
			}
			return out, nil
		}
	}
}
