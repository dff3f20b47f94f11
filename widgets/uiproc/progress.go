package uiproc

import (
	"context"
	"time"

	"fyne.io/fyne/v2"

	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/learner/storepick"
	"github.com/tidbit-learn/tidbit/app/settings"
	wins "github.com/tidbit-learn/tidbit/widgets/windows"
	"github.com/tidbit-learn/tidbit/widgets/windows/view"
)

// openProgress shows the Progress window: streak calendar, today's and
// this week's goals (app/settings), minutes per week against the
// profile's, and mastery per skill from the knowledge-tracing model.
func openProgress(ctx context.Context, p *Process, _ Config) (func(fa fyne.App), error) {
	v, err := progressView(ctx, p, time.Local)
	if err != nil {
		return nil, err
	}
	return func(fa fyne.App) {
		p.Linger.Opened()
		wins.ShowProgress(fa, v, p.Linger.Closed)
	}, nil
}

// progressView reads what the window shows. The mastery model, settings
// and profile only refine it: when one cannot be read the window still
// opens (records instead of estimates, default goals, no targets).
func progressView(ctx context.Context, p *Process, loc *time.Location) (view.Progress, error) {
	a, now := p.App, p.now()
	st, err := a.Store.Stats(ctx, now, loc)
	if err != nil {
		return view.Progress{}, err
	}
	days, err := a.Store.DailyActivity(ctx, view.CalendarFrom(now, loc), now.AddDate(0, 0, 1), loc)
	if err != nil {
		return view.Progress{}, err
	}
	in := view.ProgressInput{Now: now, Loc: loc, Days: days, Stats: st, Skills: st.Skills, Taxonomy: a.Taxonomy}
	if m, err := storepick.KTMastery(ctx, a.Store); err == nil {
		in.Mastery = m
	}
	s, _ := settings.Load(ctx, a.Store)
	in.DailyGoal, in.WeeklyGoal = s.DailyGoal(), s.Filled().WeeklyGoal
	if prof, err := a.Store.Profile(ctx); err == nil {
		in.MinutesGoal = prof.MinutesPerWeek
		in.Profile, _ = learner.BuildProfile(a.Taxonomy, storepick.ProfileInput(ctx, a.Store, prof))
	}
	return view.NewProgress(in), nil
}
