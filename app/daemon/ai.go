package daemon

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/tidbit-learn/tidbit/app/aiquiz"
	"github.com/tidbit-learn/tidbit/app/personal"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/llm"
)

// aiWork prepares AI-written quizzes ahead of time on the local model
// server, only while the user is idle (the scheduler's OnIdle), one
// request at a time, each cancelled the moment the user is active again
// (llm.Queue). Beside it the personalisation worker (app/personal) reads
// the profile, today's meetings and the likely next lessons; both hold one
// model slot per request, so the server never runs two of them at once,
// and both stop the moment the user is back. Pop-ups never wait for them:
// windows read what the store has.
type aiWork struct {
	mu        sync.Mutex
	cancel    context.CancelFunc
	activity  chan bool
	pactivity chan bool // the personalisation worker's copy of activity
	queue     *llm.Queue
	personal  *personal.Worker
	probed    time.Time
	running   bool
	idle      bool // the user's state as last told
}

// probeEvery spaces the checks for a model server that was not running.
const probeEvery = 10 * time.Minute

// startAI starts the queue when the settings allow the model and the
// server answers with the model pulled; otherwise it tries again when the
// user next goes idle (at most every probeEvery).
func (d *Daemon) startAI(set settings.Settings) {
	if set.NoAI {
		return
	}
	w := &d.ai
	w.mu.Lock()
	if w.running || (!w.probed.IsZero() && time.Since(w.probed) < probeEvery) {
		w.mu.Unlock()
		return
	}
	w.probed = time.Now()
	w.mu.Unlock()

	model := set.Model
	if model == "" {
		model = llm.DefaultModel
	}
	base, err := llm.ResolveHost(set.ModelHost, d.Getenv, set.AllowRemote)
	if err != nil {
		d.logf("AI quizzes off: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(d.schedCtx, 5*time.Second)
	st := llm.Probe(ctx, base, model, nil)
	cancel()
	if st.Problem != "" {
		d.logf("AI quizzes wait: %s at %s (%s)", st.Problem, st.Host, st.Fix)
		return
	}
	maker := d.NewModel
	if maker == nil {
		debug := d.debugLog(set)
		maker = func(base *url.URL, model string) llm.QuizMaker {
			g := llm.NewGenerator(base, model, &http.Client{})
			g.Debug = debug
			return g
		}
	}
	adapter := aiquiz.New(d.app.Store)
	qctx, qcancel := context.WithCancel(d.schedCtx)
	qm := maker(base, model)
	slot := personal.NewSlot()
	w.mu.Lock()
	w.activity, w.pactivity = make(chan bool, 1), make(chan bool, 1)
	q := &llm.Queue{Maker: slot.Maker(qm), Model: model, Cache: adapter, Store: adapter,
		Activity: w.activity, Idle: w.idle, Now: d.Now}
	var pw *personal.Worker
	// The maker is also the personalisation model when it can be (the
	// real llm.Generator is both).
	if pm, ok := qm.(personal.Model); ok {
		pw = &personal.Worker{Store: d.app.Store, Taxonomy: d.app.Taxonomy, Model: pm, ModelName: model, Slot: slot,
			Activity: w.pactivity, Idle: w.idle, AILessons: set.AILessons, Meetings: d.meetingTitles, Now: d.Now, Logf: d.logf}
	}
	w.cancel, w.queue, w.personal, w.running = qcancel, q, pw, true
	w.mu.Unlock()
	go q.Run(qctx)
	if pw != nil {
		go pw.Run(qctx)
	}
	go func() {
		lessons, err := adapter.Wanted(qctx)
		if err != nil {
			d.logf("%v", err)
			return
		}
		q.Enqueue(qctx, lessons...)
		d.logf("AI quizzes: %d lessons to prepare with %s while you are away", len(lessons), model)
	}()
}

// aiIdle passes the user's idle state to the queue: true means idle.
func (d *Daemon) aiIdle(idle bool) {
	w := &d.ai
	w.mu.Lock()
	w.idle = idle
	running, chans := w.running, []chan bool{w.activity, w.pactivity}
	w.mu.Unlock()
	if !running {
		if idle {
			d.mu.Lock()
			set := d.set
			d.mu.Unlock()
			go d.startAI(set)
		}
		return
	}
	// The queue and the worker want "active"; keep only the newest state.
	for _, ch := range chans {
		select {
		case <-ch:
		default:
		}
		select {
		case ch <- !idle:
		default:
		}
	}
}

func (d *Daemon) stopAI() {
	w := &d.ai
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cancel != nil {
		w.cancel()
	}
	w.running, w.cancel, w.queue, w.personal = false, nil, nil, nil
	w.probed = time.Time{}
}

// AIStats is what the ahead-of-time queue has done (zero when it is off).
func (d *Daemon) AIStats() llm.QueueStats {
	w := &d.ai
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.queue == nil {
		return llm.QueueStats{}
	}
	return w.queue.Stats()
}

// PersonalStats is what the personalisation worker has done (zero when
// it is off).
func (d *Daemon) PersonalStats() personal.Stats {
	w := &d.ai
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.personal == nil {
		return personal.Stats{}
	}
	return w.personal.Stats()
}

// meetingTitles are the titles of the meetings still ahead today, soonest
// first (the scheduler's agenda): the worker reads them into skills on a
// model server on this machine only.
func (d *Daemon) meetingTitles() []string {
	s := d.scheduler()
	if s == nil {
		return nil
	}
	now := d.Now()
	var out []string
	for _, m := range s.Agenda() {
		if m.Meeting != "" && !m.MeetingAt.Before(now) {
			out = append(out, m.Meeting)
		}
	}
	return out
}

// DebugLogName is the local log of prompts and model outputs
// (personal.DebugLogName).
const DebugLogName = personal.DebugLogName

// debugLog opens the local debug log (0600, in the data folder) when the
// setting is on; nil otherwise, so prompts and outputs are never written.
// The resident keeps it open for its lifetime.
func (d *Daemon) debugLog(set settings.Settings) *slog.Logger {
	l, _, err := personal.OpenDebugLog(d.Paths.Data, set)
	if err != nil {
		d.logf("the model debug log: %v", err)
	}
	return l
}
