// Package lessonwin is the Fyne side of a lesson window: it shows one
// app/lessonflow item as cards (the lesson, its quiz, its reflection; for
// a spaced-repetition review, a review card over the due questions) in a
// small window and hands what the learner does to a Run, the domain side.
// A window is either asked for (Learn now) or an offered pop-up, which
// hides itself, the item held, when left untouched; either way it reports
// what became of it as an app/ipc outcome.
// Writes go through a Writer, one goroutine in order, so the UI thread
// never waits on the disk; Linger ends the window process a while after
// its last window closed.
package lessonwin

import (
	"context"
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/tidbit-learn/tidbit/app/ipc"
	"github.com/tidbit-learn/tidbit/app/lessonflow"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/widgets"
)

// Size is the pop-up's size: small enough for a corner of the screen.
var Size = fyne.NewSize(380, 260)

// Run is the domain side of one attempt; *lessonflow.Run implements it.
type Run interface {
	Shown(questionID string)
	Answer(ctx context.Context, questionID string, chosen []int, round int) (bool, error)
	// Grade records a review's self-grade, 1 Again to 4 Easy.
	Grade(ctx context.Context, questionID string, grade int) error
	Reflect(ctx context.Context, text string) error
	Finish(ctx context.Context, outcome string) error
}

var _ Run = (*lessonflow.Run)(nil)

// Writer runs writes one at a time, in order, off the UI thread.
type Writer struct {
	ctx  context.Context
	jobs chan func()
	wg   sync.WaitGroup
	once sync.Once
}

// NewWriter starts the writer goroutine; ctx is handed to every write.
func NewWriter(ctx context.Context) *Writer {
	w := &Writer{ctx: ctx, jobs: make(chan func(), 64)}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		for j := range w.jobs {
			j()
		}
	}()
	return w
}

// Do queues write; a failure is passed to onErr (on the writer goroutine).
func (w *Writer) Do(write func(context.Context) error, onErr func(error)) {
	w.jobs <- func() {
		if err := write(w.ctx); err != nil && onErr != nil {
			onErr(err)
		}
	}
}

// Close waits for every queued write to finish. Call it once no more
// writes can be queued (after the app's loop has returned).
func (w *Writer) Close() {
	w.once.Do(func() { close(w.jobs) })
	w.wg.Wait()
}

// Options for Show.
type Options struct {
	Writer *Writer
	// OnClosed runs on the UI thread after the window closed, its outcome
	// queued.
	OnClosed func()
	// OnError reports a failed write (on the writer goroutine); nil shows
	// it in the window.
	OnError func(error)
	// Popup: the window is offered (a moment fired), not asked for.
	Popup bool
	// Show shows the new window; nil means w.Show(). The window process
	// passes popup.Shower.Show.
	Show Shower
	// HideAfter is how long an untouched pop-up (no key, no click, never
	// focused) stays before it hides itself and the item is held; 0
	// keeps it. Only for Popup windows.
	HideAfter time.Duration
	// OnOutcome receives what became of the window, once, on the UI
	// thread, after the attempt's end was queued.
	OnOutcome func(ipc.Outcome)
	// Do runs f on the UI thread (the hide timer's end); nil means
	// fyne.Do. Tests on fyne/test, whose fyne.Do runs f at once on the
	// calling goroutine, pass their own UI goroutine.
	Do func(f func())
	// RewriteLabel says the item's body also holds its example retold for
	// the learner's role under this label (app/personal, read from the
	// store when the window opened); the lesson card says so.
	RewriteLabel string
	// Feedback, when set, asks a local model for feedback on a reflection
	// answer. It runs off the UI goroutine within FeedbackTimeout; what it
	// returns is shown labelled AI-written, and nil or an error leaves the
	// authored model answer alone.
	Feedback func(ctx context.Context, answer string) (*widgets.Feedback, error)
}

// FeedbackTimeout bounds the wait for AI feedback on a reflection answer.
var FeedbackTimeout = 90 * time.Second

// Shower shows a window that has not been shown yet; popup asks for the
// focus-safe pop-up, and touched (if not nil) is to be called on the UI
// thread when the user first focuses it.
type Shower func(w fyne.Window, popup bool, touched func())

// Window is one lesson window.
type Window struct {
	fyne.Window
	app      fyne.App
	item     lessonflow.Item
	run      Run
	opts     Options
	answered int
	closed   bool
	touched  bool
	hide     *time.Timer
	// Card is the card on show (for tests and key routing).
	Card widgets.KeyHandler
}

// Show opens a window for item and shows its first card. A lesson's card
// is shown without its body, which is set once the window is up (see
// widgets.LessonCard.SetBody): the window appears sooner.
func Show(a fyne.App, item lessonflow.Item, run Run, opts Options) *Window {
	name := item.Title
	if item.Review {
		name = "Review: " + name
	}
	w := &Window{Window: a.NewWindow("Tidbit — " + name), app: a, item: item, run: run, opts: opts}
	w.Resize(Size)
	w.SetCloseIntercept(w.dismiss)
	if item.Review {
		w.showReview()
	} else {
		w.showLesson()
	}
	if opts.Show != nil {
		opts.Show(w.Window, opts.Popup, w.Touch)
	} else {
		w.Window.Show()
	}
	if lc, ok := w.Card.(*widgets.LessonCard); ok && !w.closed {
		lc.SetBody(item.Body)
	}
	// The untouched time counts from when the pop-up is complete.
	if opts.Popup && opts.HideAfter > 0 && !w.closed {
		do := opts.Do
		if do == nil {
			do = fyne.Do
		}
		w.hide = time.AfterFunc(opts.HideAfter, func() { do(w.hold) })
	}
	return w
}

// Touch records that the user acted on the window (a key, a click, the
// focus): a touched pop-up no longer hides itself. Call it on the UI
// thread.
func (w *Window) Touch() {
	w.touched = true
	if w.hide != nil {
		w.hide.Stop()
	}
}

// Touched reports whether the user acted on the window.
func (w *Window) Touched() bool { return w.touched }

// hold hides an untouched pop-up: the attempt ends "later" (held for
// another moment) and the outcome is ipc.Held.
func (w *Window) hold() {
	if w.touched {
		return
	}
	w.finish(lessonflow.Later, ipc.Held)
}

func (w *Window) set(o fyne.CanvasObject, h widgets.KeyHandler) {
	w.Card = h
	if w.opts.Popup {
		// A click anywhere not taken by a button (the text, the margins)
		// counts as touching the pop-up.
		c := &clickCatcher{touch: w.Touch}
		c.ExtendBaseWidget(c)
		o = container.NewStack(c, o)
	}
	w.SetContent(o)
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		w.Touch()
		h.HandleKey(ev)
	})
}

// clickCatcher lies under a card and notices mouse presses.
type clickCatcher struct {
	widget.BaseWidget
	touch func()
}

var _ desktop.Mouseable = (*clickCatcher)(nil)

func (c *clickCatcher) MouseDown(*desktop.MouseEvent) { c.touch() }
func (c *clickCatcher) MouseUp(*desktop.MouseEvent)   {}
func (c *clickCatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout())
}

// lessonOf is what the lesson card of item shows.
func lessonOf(item lessonflow.Item, opts Options) widgets.Lesson {
	return widgets.Lesson{Title: item.Title, Minutes: item.Minutes, Meta: item.Meta,
		Why: item.Why, Body: item.Body, RewriteLabel: opts.RewriteLabel}
}

// showLesson shows the lesson card without its body (Show sets it).
func (w *Window) showLesson() {
	l := lessonOf(w.item, w.opts)
	l.Body = ""
	c := widgets.NewLessonCard(l, widgets.LessonActions{
		OnDone:     func() { w.Touch(); w.afterLesson() },
		OnLater:    func() { w.finish(lessonflow.Later, ipc.Later) },
		OnNotForMe: func() { w.finish(lessonflow.NotForMe, ipc.NotForMe) },
		OnDismiss:  w.dismiss,
	})
	w.set(c, c)
}

func (w *Window) afterLesson() {
	if len(w.item.Questions) > 0 {
		w.showQuiz()
		return
	}
	w.afterQuiz(0, 0)
}

// Questions converts stored questions for a QuizCard.
func Questions(qs []store.Question) []widgets.Question {
	out := make([]widgets.Question, 0, len(qs))
	for _, q := range qs {
		wq := widgets.Question{ID: q.ID, Prompt: q.Prompt, Multi: q.Type == "multiple", AIWritten: q.AI != nil, Provenance: provenance(q)}
		for _, o := range q.Options {
			wq.Options = append(wq.Options, widgets.Option{Text: o.Text, Correct: o.Correct, Why: o.Why})
		}
		out = append(out, wq)
	}
	return out
}

func (w *Window) showQuiz() {
	c := widgets.NewQuizCard(Questions(w.item.Questions), widgets.QuizActions{
		OnReport: w.reporter(),
		OnAsk: func(id string, round int) {
			if round == 1 {
				w.run.Shown(id)
			}
		},
		OnAnswer: func(a widgets.Answer) {
			w.Touch()
			if a.Round == 1 {
				w.answered++
			}
			w.opts.Writer.Do(func(ctx context.Context) error {
				_, err := w.run.Answer(ctx, a.QuestionID, a.Chosen, a.Round)
				return err
			}, w.onError)
		},
		OnFinish:  w.afterQuiz,
		OnDismiss: w.dismiss,
	})
	w.set(c, c)
}

// showReview runs a spaced-repetition review over the due questions: each
// prompt, then (Space) its answer, graded 1 Again to 4 Easy; each grade is
// recorded with the question's next card; an AI-written one can be
// reported instead when the run can report. Its last card sums the grades
// up, and Done completes the attempt as a finished quiz would.
func (w *Window) showReview() {
	var report func(string)
	if rep := w.reporter(); rep != nil {
		report = func(id string) { w.Touch(); rep(id) }
	}
	c := widgets.NewReviewCard(Questions(w.item.Questions), widgets.ReviewActions{
		OnAsk:    w.run.Shown,
		OnReveal: func(string) { w.Touch() },
		OnReport: report,
		OnGrade: func(id string, grade int) {
			w.Touch()
			w.answered++
			w.opts.Writer.Do(func(ctx context.Context) error { return w.run.Grade(ctx, id, grade) }, w.onError)
		},
		OnFinish:  func(int) { w.finish(lessonflow.Completed, ipc.Done) },
		OnDismiss: w.dismiss,
	})
	w.set(c, c)
}

func (w *Window) afterQuiz(correct, answered int) {
	if w.item.Reflection == nil || w.item.Review {
		w.finish(lessonflow.Completed, ipc.Done)
		return
	}
	r := w.item.Reflection
	var c *widgets.ReflectionCard
	c = widgets.NewReflectionCard(widgets.Reflection{Prompt: r.Prompt, ModelAnswer: r.ModelAnswer, Rubric: r.Rubric},
		widgets.ReflectionActions{
			OnSubmit: func(text string) {
				w.opts.Writer.Do(func(ctx context.Context) error { return w.run.Reflect(ctx, text) }, w.onError)
				w.askFeedback(c, text)
			},
			OnDone: func() { w.finish(lessonflow.Completed, ipc.Done) },
			// The quiz is done: leaving the reflection still completes the lesson.
			OnDismiss: func() { w.finish(lessonflow.Completed, ipc.Done) },
		})
	w.set(c, c)
	w.Canvas().Focus(c.Entry)
}

// askFeedback asks for AI feedback on a reflection answer in the
// background and shows it on c when it comes (on the UI thread).
func (w *Window) askFeedback(c *widgets.ReflectionCard, text string) {
	if w.opts.Feedback == nil {
		return
	}
	c.FeedbackPending()
	ask := w.opts.Feedback
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), FeedbackTimeout)
		defer cancel()
		fb, err := ask(ctx, text)
		if err != nil {
			fb = nil
		}
		uiDo(func() { c.ShowFeedback(fb) })
	}()
}

// uiDo runs f on the UI thread; tests run it on theirs.
var uiDo = fyne.Do

// dismiss is Escape or the window's close button (outcome ipc.Dismiss):
// the item is held for later when nothing was answered yet, else the
// attempt ends abandoned (its answers are already saved).
func (w *Window) dismiss() {
	if w.answered > 0 {
		w.finish(lessonflow.Abandoned, ipc.Dismiss)
		return
	}
	w.finish(lessonflow.Later, ipc.Dismiss)
}

// finish ends the attempt with the lessonflow outcome and reports the
// window's ipc outcome.
func (w *Window) finish(outcome string, o ipc.Outcome) {
	if w.closed {
		return
	}
	w.closed = true
	if w.hide != nil {
		w.hide.Stop()
	}
	w.opts.Writer.Do(func(ctx context.Context) error { return w.run.Finish(ctx, outcome) }, w.onError)
	// Closed when other windows remain; the last one is hidden instead:
	// closing it would end Fyne's loop at once, and the process is meant
	// to linger warm (see Linger).
	if len(w.app.Driver().AllWindows()) > 1 {
		w.Window.Close()
	} else {
		w.Window.Hide()
	}
	if w.opts.OnOutcome != nil {
		w.opts.OnOutcome(o)
	}
	if w.opts.OnClosed != nil {
		w.opts.OnClosed()
	}
}

// Finished reports whether the window's attempt has ended (it is hidden).
func (w *Window) Finished() bool { return w.closed }

func (w *Window) onError(err error) {
	if w.opts.OnError != nil {
		w.opts.OnError(err)
		return
	}
	fyne.Do(func() { w.showError(err) })
}

// showError replaces the card with the error; the answers given before
// it are saved, the window can still be closed.
func (w *Window) showError(err error) {
	if w.closed {
		return
	}
	l := widget.NewLabel(fmt.Sprintf("Could not save: %v", err))
	l.Wrapping = fyne.TextWrapWord
	w.SetContent(container.NewVScroll(l))
}

// Linger quits the process a while after its last window closed, so a
// lesson shortly after another finds the window process warm.
type Linger struct {
	mu    sync.Mutex
	open  int
	after time.Duration
	quit  func()
	timer *time.Timer
	// OnClosed, when set, is called (on its own goroutine) after every
	// window closes: the process tells the resident to refresh its menu.
	OnClosed func()
}

// NewLinger calls quit (from a timer goroutine) once no window has been
// open for after.
func NewLinger(after time.Duration, quit func()) *Linger {
	return &Linger{after: after, quit: quit}
}

// Opened counts a window; it cancels a pending quit.
func (l *Linger) Opened() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open++
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
}

// Closed uncounts a window; the last one starts the countdown.
func (l *Linger) Closed() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open > 0 {
		l.open--
	}
	if l.open == 0 && l.timer == nil {
		l.timer = time.AfterFunc(l.after, l.quit)
	}
	if l.OnClosed != nil {
		go l.OnClosed()
	}
}
