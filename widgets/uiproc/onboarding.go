package uiproc

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"

	ob "github.com/tidbit-learn/tidbit/app/onboarding"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/widgets/onboarding"
)

// openOnboarding shows the welcome steps. Finishing saves the profile and
// the settings (Onboarded set) and turns start at login on unless the user
// turned it off; closing early saves nothing.
func openOnboarding(ctx context.Context, p *Process, _ Config) (func(fa fyne.App), error) {
	prof, err := p.App.Store.Profile(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading your profile: %w", err)
	}
	home, _ := p.deps.Env.HomeDir()
	return func(fa fyne.App) {
		p.Linger.Opened()
		onboarding.Show(fa, onboarding.Deps{
			Home:     home,
			Taxonomy: p.App.Taxonomy,
			Profile:  prof,
			Finish: func(ctx context.Context, a ob.Answers) (settings.Settings, []settings.Problem, error) {
				return ob.Finish(ctx, p.App.Store, p.App.Taxonomy, a)
			},
			Check:     p.checkCalendar,
			Autostart: p.applyAutostart,
			OnClosed:  p.Linger.Closed,
		})
	}, nil
}
