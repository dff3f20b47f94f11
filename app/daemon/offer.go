package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tidbit-learn/tidbit/app/assign"
	"github.com/tidbit-learn/tidbit/app/doctor"
	"github.com/tidbit-learn/tidbit/app/ipc"
	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/learner/storepick"
	"github.com/tidbit-learn/tidbit/app/personal"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/app/tray"
	"github.com/tidbit-learn/tidbit/scheduler/moments"
)

// onMoment is the scheduler's OnMoment: it must return at once.
func (d *Daemon) onMoment(m moments.Moment) { go d.offer(m) }

// offer picks an item for m (the held one when m releases one), logs the
// offer and shows it: a pop-up, or a notification where a pop-up cannot be
// shown without taking focus.
func (d *Daemon) offer(m moments.Moment) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	item, ok := Offered{}, false
	if m.Released != nil {
		item, ok = d.items.get(m.Released.Moment.ID)
	}
	if !ok {
		item, ok = d.takePrepicked(ctx, m)
	}
	if !ok {
		var err error
		if item, err = d.pick(ctx, m); err != nil {
			d.logf("nothing to offer for the %s moment: %v", m.Kind, err)
			d.logRow(m, "nothing to offer: "+err.Error(), "ignored", Offered{})
			return
		}
	}
	item.At, item.Row = d.Now(), 0
	d.items.put(m.ID, item)
	d.logRow(m, m.Context, "offered", item)
	d.mu.Lock()
	notify := d.set.NotifyOffers
	d.mu.Unlock()
	if notify || d.waylandOnly() {
		d.notifyOffer(ctx, m, item)
	} else {
		d.openWindow("lesson", popupArgs(m, item)...)
	}
	d.refreshTray()
}

func popupArgs(m moments.Moment, it Offered) []string {
	args := []string{"--popup", "--moment", m.ID}
	if !it.Review && it.LessonID != "" {
		// A review is picked again by the window (the same state gives the
		// same due questions); a lesson is opened by id.
		args = append(args, "--lesson", it.LessonID)
	}
	if it.Why != "" {
		args = append(args, "--why", it.Why)
	}
	if m.Minutes > 0 {
		args = append(args, "--minutes", strconv.Itoa(m.Minutes))
	}
	return args
}

// pick asks the recommender for an item that fits the moment's minutes and
// its meeting (titles stay on this machine).
func (d *Daemon) pick(ctx context.Context, m moments.Moment) (Offered, error) {
	a := d.app
	var assigned []learner.Assignment
	if mast, err := storepick.KTMastery(ctx, a.Store); err == nil {
		assigned, _ = assign.PickerAssignments(ctx, a.Store, a.Taxonomy, mast, d.Now())
	}
	p := storepick.Picker{Store: a.Store, Taxonomy: a.Taxonomy, Minutes: m.Minutes, Now: d.Now, Assignments: assigned}
	if m.Meeting != "" {
		p.Meeting = func(context.Context) (string, error) { return m.Meeting, nil }
		// A skill the local model read into this title earlier (never
		// asked now: a pick does not wait for the model).
		d.mu.Lock()
		set := d.set
		d.mu.Unlock()
		if !set.NoAI {
			if skill, ok := personal.MeetingHint(ctx, a.Store, personal.ModelName(set), m.Meeting); ok {
				p.MeetingSkills = []string{skill}
			}
		}
	}
	pk, err := p.Pick(ctx)
	if err != nil {
		return Offered{}, err
	}
	return Offered{LessonID: pk.LessonID, Why: pk.Reason, Review: pk.Kind == learner.KindReview, Minutes: pk.Minutes}, nil
}

// logRow appends an offered (or unofferable) moment to the store's log and
// remembers its row for the outcome.
func (d *Daemon) logRow(m moments.Moment, reason, outcome string, it Offered) {
	detail, _ := json.Marshal(m)
	row := momentRow(m.At, m, reason, outcome, string(detail))
	row.Item = it.LessonID
	d.writes.do("logging a moment", func(ctx context.Context) error {
		id, err := d.app.Store.LogMoment(ctx, row)
		if err == nil && outcome == "offered" {
			it.Row = id
			d.items.put(m.ID, it)
		}
		return err
	})
}

func momentRow(at time.Time, m moments.Moment, reason, outcome, detail string) store.Moment {
	if reason == "" {
		reason = string(m.Kind)
	}
	return store.Moment{At: at, Kind: string(m.Kind), Reason: reason, Outcome: outcome, Detail: detail}
}

// answer applies a window's report on a pop-up.
func (d *Daemon) answer(msg ipc.MomentMsg) error {
	s := d.scheduler()
	var err error
	var outcome string
	learnNow := strings.HasPrefix(msg.Moment, "learn-now@")
	switch msg.Outcome {
	case ipc.Done:
		outcome = "done"
		if s != nil && !learnNow {
			err = s.Answer(msg.Moment, moments.Accepted)
		}
	case ipc.Later:
		outcome = "snoozed"
		if s != nil && !learnNow {
			s.Snooze(msg.Moment, moments.SnoozeShort)
		}
	case ipc.Dismiss, ipc.NotForMe:
		outcome = "dismissed"
		if s != nil && !learnNow {
			err = s.Answer(msg.Moment, moments.Dismissed)
		}
	case ipc.Held:
		outcome = "held"
		if s != nil && !learnNow {
			err = s.Hold(msg.Moment, "the pop-up hid itself untouched")
		}
	}
	if s == nil && !learnNow {
		err = errNoScheduler
	}
	if _, ok := d.items.get(msg.Moment); ok && d.writes != nil {
		d.writes.do("recording a pop-up's outcome", func(ctx context.Context) error {
			// The row is known once the offer's log entry is written, which
			// the writer did before this job.
			if it, ok := d.items.get(msg.Moment); ok && it.Row != 0 {
				return d.app.Store.SetMomentOutcome(ctx, it.Row, outcome)
			}
			return nil
		})
	}
	d.refreshTray()
	return err
}

// openWindow shows a window of tidbit-ui: through the warm process's
// socket when one runs (fast), else by starting it.
func (d *Daemon) openWindow(name string, extra ...string) {
	defer d.trim.soon() // a pick and a launch used memory: give it back later
	args := append([]string{name}, extra...)
	if err := ask(ipc.UISocket(d.Paths.Data), ipc.OpenMsg{Args: args}.String(), 2*time.Second); err == nil {
		d.setUIErr(nil)
		return
	}
	d.mu.Lock()
	l := d.launcher
	needPath := l.Path == ""
	d.mu.Unlock()
	if needPath {
		self := d.Self
		if self == "" {
			self, _ = os.Executable()
		}
		p, err := tray.FindUI(self, nil)
		if err != nil {
			d.logf("%v", err)
			d.setUIErr(fmt.Errorf("%s is not installed next to tidbit", tray.UIName))
			return
		}
		d.mu.Lock()
		l.Path = p
		d.mu.Unlock()
	}
	err := l.Start(func(err error) {
		if err != nil && !errors.Is(err, tray.ErrBusyUI) {
			d.logf("the %s window ended with: %v", name, err)
		}
	}, args...)
	if err != nil {
		d.logf("%v", err)
	}
	d.setUIErr(err)
}

func (d *Daemon) setUIErr(err error) {
	d.mu.Lock()
	changed := (err == nil) != (d.uiErr == nil)
	d.uiErr = err
	d.mu.Unlock()
	if changed {
		d.refreshTray()
	}
}

// waylandOnly: a Wayland session without XWayland, where no window can be
// shown without taking focus; offers become notifications.
func (d *Daemon) waylandOnly() bool {
	return d.Getenv("WAYLAND_DISPLAY") != "" && d.Getenv("DISPLAY") == ""
}

// notifyOffer offers the item as a notification with Start and Later.
func (d *Daemon) notifyOffer(ctx context.Context, m moments.Moment, it Offered) {
	if d.notifier == nil {
		d.logf("no notification server: the %s moment is held", m.Kind)
		d.answer(ipc.MomentMsg{Moment: m.ID, Outcome: ipc.Held})
		return
	}
	title := "A few minutes to learn something"
	if it.LessonID != "" {
		if l, err := d.app.Store.Lesson(ctx, it.LessonID); err == nil {
			title = fmt.Sprintf("%s (%d min)", l.Title, l.Minutes)
		}
	}
	body := it.Why
	if m.Context != "" {
		body = strings.TrimSpace(m.Context + "\n" + body)
	}
	err := d.notifier.Notify(ctx, Notification{Summary: title, Body: body,
		Actions: []Action{{"start", "Start"}, {"later", "Later"}}, Timeout: 2 * time.Minute,
		OnAction: func(key string) {
			switch key {
			case "start":
				// Clicked: the user asked for it, so a normal window.
				args := []string{"--moment", m.ID}
				if !it.Review && it.LessonID != "" {
					args = append(args, "--lesson", it.LessonID)
				}
				d.openWindow("lesson", args...)
			case "later":
				d.answer(ipc.MomentMsg{Moment: m.ID, Outcome: ipc.Later})
			default:
				d.answer(ipc.MomentMsg{Moment: m.ID, Outcome: ipc.Held})
			}
		}})
	if err != nil {
		d.logf("%v; the %s moment is held", err, m.Kind)
		d.answer(ipc.MomentMsg{Moment: m.ID, Outcome: ipc.Held})
	}
}

// checkTrayHost says once, in a window (a notification where no window
// can be shown), that this desktop shows no tray icons (plain GNOME), and
// how to reach Tidbit anyway.
func (d *Daemon) checkTrayHost(ctx context.Context) {
	has := d.TrayHost
	if has == nil {
		has = d.hasTrayHost
	}
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if has(cctx) {
		return
	}
	d.logf("no tray host on this desktop: pop-ups and notifications still work; `tidbit ui lesson` and `tidbit learn` open a lesson")
	d.mu.Lock()
	shown := d.set.NoTrayNoticeShown
	d.mu.Unlock()
	if shown {
		return
	}
	switch {
	case d.Getenv("DISPLAY") != "" && !d.waylandOnly():
		go d.openWindow("notray")
	case d.notifier != nil:
		err := d.notifier.Notify(cctx, Notification{Summary: "Tidbit is running",
			Body: "This desktop shows no tray icons, so Tidbit has no icon here. It still offers lessons at good moments; " +
				"run `tidbit ui lesson` or `tidbit learn` to start one, and `tidbit doctor` for how to get a tray."})
		if err != nil {
			d.logf("%v", err)
			return
		}
	default:
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := settings.Update(ctx, d.app.Store, func(s *settings.Settings) { s.NoTrayNoticeShown = true }); err != nil {
		d.logf("%v", err)
	}
	d.set.NoTrayNoticeShown = true
}

// hasTrayHost asks the running session bus for a tray host; when the bus
// cannot be asked there is nothing to say (doctor explains).
func (d *Daemon) hasTrayHost(ctx context.Context) bool {
	running, known := doctor.TrayHostRunning(ctx, doctor.Env{Getenv: d.Getenv})
	return running || !known
}

// onIdle is told by the scheduler when the user goes idle or comes back.
func (d *Daemon) onIdle(idle bool) { d.aiIdle(idle) }
