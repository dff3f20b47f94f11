package uiproc

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/app/store"
)

// TestSettingsAndOnboardingWindows: each opens from the command name,
// counts itself for the linger and applies the stored theme at start.
func TestSettingsAndOnboardingWindows(t *testing.T) {
	cases := []struct{ command, title string }{
		{"settings", "Tidbit — Settings"},
		{"onboarding", "Welcome to Tidbit"},
	}
	for _, tc := range cases {
		t.Run(tc.command, func(t *testing.T) {
			dir := t.TempDir()
			ctx := context.Background()
			st, err := store.Open(ctx, filepath.Join(dir, "tidbit.db"), store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := settings.Save(ctx, st, settings.Settings{Theme: "light"}); err != nil {
				t.Fatal(err)
			}
			st.Close()
			fa := test.NewTempApp(t)
			quit := make(chan struct{})
			pr, err := Start(ctx, fa, Config{Command: tc.command, Linger: 20 * time.Millisecond}, deps(dir), func() { close(quit) })
			if err != nil {
				t.Fatal(err)
			}
			defer pr.Close()
			var win fyne.Window
			for _, w := range fa.Driver().AllWindows() {
				if w.Title() == tc.title {
					win = w
				}
			}
			if win == nil {
				t.Fatalf("no window titled %q", tc.title)
			}
			bg := fa.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantDark)
			if bg != theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantLight) {
				t.Error("the stored light theme was not applied")
			}
			win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
			select {
			case <-quit:
			case <-time.After(5 * time.Second):
				t.Fatal("the process did not linger out after the window closed")
			}
		})
	}
}
