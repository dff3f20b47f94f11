package uiproc

import (
	"context"

	"fyne.io/fyne/v2"

	wins "github.com/tidbit-learn/tidbit/widgets/windows"
	"github.com/tidbit-learn/tidbit/widgets/windows/view"
)

// openLibrary shows the Library window; a lesson started from it opens in
// this process through openLesson, like `tidbit-ui lesson --lesson ID`.
func openLibrary(ctx context.Context, p *Process, _ Config) (func(fa fyne.App), error) {
	lessons, err := p.App.Store.Library(ctx)
	if err != nil {
		return nil, err
	}
	// The window outlives this call (a warm process opens it on request).
	ctx = context.WithoutCancel(ctx)
	return func(fa fyne.App) {
		p.Linger.Opened()
		wins.ShowLibrary(fa, view.NewLibrary(lessons, p.App.Taxonomy), wins.LibraryOptions{
			OnStart: func(id string) error {
				show, err := openLesson(ctx, p, Config{Command: "lesson", LessonID: id})
				if err == nil {
					show(fa)
				}
				return err
			},
			OnClosed: p.Linger.Closed,
		})
	}, nil
}
