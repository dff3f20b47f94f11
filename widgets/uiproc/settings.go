package uiproc

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"

	"github.com/tidbit-learn/tidbit/app/autostart"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/scheduler/calendar"
	"github.com/tidbit-learn/tidbit/widgets/settingswin"
)

// openSettings shows the Settings window on the stored settings. Saving
// writes them to the store (the tray process reads them from there),
// brings start at login in line and applies the theme to this process.
func openSettings(ctx context.Context, p *Process, _ Config) (func(fa fyne.App), error) {
	s, err := settings.Load(ctx, p.App.Store)
	if err != nil {
		return nil, fmt.Errorf("reading settings: %w", err)
	}
	home, _ := p.deps.Env.HomeDir()
	return func(fa fyne.App) {
		p.Linger.Opened()
		settingswin.Show(fa, s, settingswin.Deps{
			Home:  home,
			Save:  func(ctx context.Context, s settings.Settings) error { return settings.Save(ctx, p.App.Store, s) },
			Check: p.checkCalendar,
			CheckModel: func(ctx context.Context, s settings.Settings) settings.ModelCheck {
				return s.CheckModel(ctx, p.deps.Env.Getenv)
			},
			Autostart: p.applyAutostart,
			Theme:     func(name string) { applyTheme(fa, name) },
			OnClosed:  p.Linger.Closed,
		})
	}, nil
}

// checkCalendar is the Check buttons' calendar read: the same cache folder
// as the tray, the local zone, the process clock.
func (p *Process) checkCalendar(ctx context.Context, source string, s settings.Settings) (string, error) {
	o := calendar.SourceOptions{CacheDir: filepath.Join(p.App.Paths.Cache, "calendars"), Getenv: p.deps.Env.Getenv}
	return s.CheckCalendar(ctx, source, o, p.now(), time.Local)
}

// applyAutostart points start at login at the tidbit binary next to this
// one (tidbit-ui ships beside it).
func (p *Process) applyAutostart(on bool) error {
	exe, err := autostart.Executable()
	if err != nil {
		return fmt.Errorf("start at login: finding tidbit: %w", err)
	}
	return autostart.Apply(p.deps.Env, exe, on)
}

// applyTheme sets the app's theme for a settings theme name ("system"
// follows the desktop).
func applyTheme(fa fyne.App, name string) {
	fa.Settings().SetTheme(settingswin.Theme(name))
}

// startTheme applies the stored theme when the process starts; unreadable
// settings leave the desktop's.
func (p *Process) startTheme(ctx context.Context, fa fyne.App) {
	if s, err := settings.Load(ctx, p.App.Store); err == nil && s.Theme != "" && s.Theme != "system" {
		applyTheme(fa, s.Theme)
	}
}
