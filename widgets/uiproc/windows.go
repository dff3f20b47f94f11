package uiproc

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"

	"github.com/tidbit-learn/tidbit/app/assign"
	"github.com/tidbit-learn/tidbit/app/ipc"
	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/learner/storepick"
	"github.com/tidbit-learn/tidbit/app/lessonflow"
	"github.com/tidbit-learn/tidbit/app/xapi"
	"github.com/tidbit-learn/tidbit/widgets/lessonwin"
)

// An opener prepares one kind of window in a started process: it reads
// what the window shows (the store, the settings) on whatever goroutine
// calls it, and returns show, which builds and shows the window on the UI
// thread. show must count the window with p.Linger.Opened and pass
// p.Linger.Closed as the window's close callback, so the process lingers
// and exits after the last one. A warm process prepares off the UI thread
// (the windows already open stay responsive) and only shows on it.
type opener func(ctx context.Context, p *Process, cfg Config) (show func(fa fyne.App), err error)

// windows are the windows tidbit-ui can show, by command name. Each window
// kind adds itself here (one line), in its own file where it is long.
var windows = map[string]opener{
	"lesson":     openLesson,
	"progress":   openProgress,
	"library":    openLibrary,
	"profile":    openProfile,
	"settings":   openSettings,
	"onboarding": openOnboarding,
	"notray":     openNoTray,
}

// windowNames lists every window the command line accepts; ones without an
// opener yet answer with a clear error rather than a usage message.
var windowNames = []string{"lesson", "progress", "profile", "library", "settings", "onboarding", "notray"}

func isWindow(name string) bool {
	for _, n := range windowNames {
		if n == name {
			return true
		}
	}
	return false
}

// Open shows the window cfg asks for in this process (the first window at
// start, a lesson started from the Library), reading its data and showing
// it on the calling goroutine, which must be the UI thread.
func (p *Process) Open(ctx context.Context, fa fyne.App, cfg Config) error {
	show, err := p.prepare(ctx, cfg)
	if err != nil {
		return err
	}
	show(fa)
	return nil
}

// prepare reads what cfg's window shows; show builds it on the UI thread.
func (p *Process) prepare(ctx context.Context, cfg Config) (show func(fa fyne.App), err error) {
	open, ok := windows[cfg.Command]
	if !ok {
		return nil, fmt.Errorf("the %s window is not available in this version", cfg.Command)
	}
	return open(ctx, p, cfg)
}

func (p *Process) now() time.Time {
	if p.deps.Now != nil {
		return p.deps.Now()
	}
	return time.Now()
}

// openLesson shows the next pick (or cfg.LessonID) with the same model as
// `tidbit learn`: personal review weights when fitted, assignments first
// as their due dates near, xAPI statements queued with the progress when
// an LRS is set up. Failures reading assignments or the LRS setting only
// lose those extras, never the lesson. With cfg.Popup it is the offered,
// focus-safe pop-up; with cfg.Moment its outcome goes to the tray. Each
// call opens another window (a finished lesson window closes itself, or
// hides when it is the process's last).
func openLesson(ctx context.Context, p *Process, cfg Config) (func(fa fyne.App), error) {
	a := p.App
	cards, err := storepick.CardsFor(ctx, a.Store)
	if err != nil {
		return nil, err
	}
	var assigned []learner.Assignment
	if m, err := storepick.KTMastery(ctx, a.Store); err == nil {
		assigned, _ = assign.PickerAssignments(ctx, a.Store, a.Taxonomy, m, p.now())
	}
	flow := &lessonflow.Flow{Store: a.Store, Taxonomy: a.Taxonomy, Cards: cards, Now: p.deps.Now, Source: "desktop",
		Picker: storepick.Picker{Store: a.Store, Taxonomy: a.Taxonomy, Now: p.deps.Now, Assignments: assigned, Minutes: cfg.Minutes}}
	if rec, err := xapi.LoadRecorder(ctx, a.Store); err == nil && rec != nil {
		flow.Outbox = rec
	}
	run, err := flow.Start(ctx, cfg.LessonID)
	if err != nil {
		return nil, err
	}
	if cfg.Why != "" {
		run.Why = cfg.Why // the resident's reason for offering it now
	}
	opts := lessonwin.Options{Writer: p.Writer, OnClosed: p.Linger.Closed, Popup: cfg.Popup, Show: p.deps.Show, Do: p.deps.Do}
	if cfg.Popup {
		opts.HideAfter = p.popupHide(ctx, cfg)
	}
	if cfg.Moment != "" {
		moment := cfg.Moment
		opts.OnOutcome = func(o ipc.Outcome) { p.report(moment, o) }
	}
	p.personalise(ctx, run, &opts)
	return func(fa fyne.App) {
		p.Linger.Opened()
		win := lessonwin.Show(fa, run.Item, run, opts)
		p.mu.Lock()
		old := p.lessons
		p.lessons = []*lesson{}
		for _, l := range old {
			if !l.win.Finished() {
				p.lessons = append(p.lessons, l)
			}
		}
		p.lessons = append(p.lessons, &lesson{win: win, run: run, moment: cfg.Moment})
		p.Window, p.Run = win, run
		p.mu.Unlock()
	}, nil
}
