package uiproc

import (
	"context"

	"fyne.io/fyne/v2"

	wins "github.com/tidbit-learn/tidbit/widgets/windows"
	"github.com/tidbit-learn/tidbit/widgets/windows/view"
)

// openProfile shows the Profile window: what `tidbit profile` sets. Saving
// goes through the process's writer, off the UI thread; it re-reads the
// stored profile first, so fields the window does not show (the name)
// and changes made meanwhile by the CLI outside the form are kept.
func openProfile(ctx context.Context, fa fyne.App, p *Process, _ Config) error {
	a := p.App
	prof, err := a.Store.Profile(ctx)
	if err != nil {
		return err
	}
	p.Linger.Opened()
	wins.ShowProfile(fa, view.NewProfileForm(prof, a.Taxonomy), wins.ProfileOptions{
		Taxonomy: a.Taxonomy,
		Save: func(f view.ProfileForm, done func(error)) {
			p.Writer.Do(func(ctx context.Context) error {
				err := saveProfile(ctx, p, f)
				fyne.Do(func() { done(err) })
				return nil
			}, nil)
		},
		OnClosed: p.Linger.Closed,
	})
	return nil
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
