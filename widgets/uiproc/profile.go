package uiproc

import (
	"context"

	"fyne.io/fyne/v2"

	"github.com/tidbit-learn/tidbit/app/learner/storepick"
	wins "github.com/tidbit-learn/tidbit/widgets/windows"
	"github.com/tidbit-learn/tidbit/widgets/windows/view"
)

// openProfile shows the Profile window: what `tidbit profile` sets. Saving
// goes through the process's writer, off the UI thread; it re-reads the
// stored profile first, so fields the window does not show (the name)
// and changes made meanwhile by the CLI outside the form are kept.
func openProfile(ctx context.Context, p *Process, _ Config) (func(fa fyne.App), error) {
	a := p.App
	prof, err := a.Store.Profile(ctx)
	if err != nil {
		return nil, err
	}
	opts := wins.ProfileOptions{Taxonomy: a.Taxonomy}
	if m, err := storepick.KTMastery(ctx, a.Store); err == nil {
		opts.Mastery = m // else the gaps chart shows the prior
	}
	opts.Save = func(f view.ProfileForm, done func(error)) {
		p.Writer.Do(func(ctx context.Context) error {
			err := saveProfile(ctx, p, f)
			fyne.Do(func() { done(err) })
			return nil
		}, nil)
	}
	opts.OnClosed = p.Linger.Closed
	form := view.NewProfileForm(prof, a.Taxonomy).WithAI(storepick.LoadAITargets(ctx, a.Store, prof))
	return func(fa fyne.App) {
		p.Linger.Opened()
		wins.ShowProfile(fa, form, opts)
	}, nil
}

func saveProfile(ctx context.Context, p *Process, f view.ProfileForm) error {
	cur, err := p.App.Store.Profile(ctx)
	if err != nil {
		return err
	}
	next, err := f.Apply(cur, p.App.Taxonomy)
	if err != nil {
		return err
	}
	return p.App.Store.SaveProfile(ctx, next)
}
