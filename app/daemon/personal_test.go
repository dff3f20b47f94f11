//go:build unix

package daemon

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/learner/storepick"
	"github.com/tidbit-learn/tidbit/app/personal"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/llm"
	"github.com/tidbit-learn/tidbit/llm/ollamatest"
	"github.com/tidbit-learn/tidbit/scheduler/moments"
)

// personalOllama stands in for an Ollama server: quiz requests get output
// that fails validation (so quizzes end in authored questions), the
// personalisation requests get valid answers naming skills. The
// stand-in counts requests in flight; with its block set it holds them
// until cancelled.
type personalOllama struct {
	*ollamatest.Scripted
	skills []string
}

func (o *personalOllama) start(t *testing.T) string {
	o.Scripted = ollamatest.NewScripted(t, "tiny", o.answer)
	o.SetDelay(2 * time.Millisecond) // long enough for an overlap to show
	return o.URL().Host
}

func (o *personalOllama) answer(p string) string {
	switch {
	case strings.HasPrefix(p, "Find the skills the learner's profile"):
		return fmt.Sprintf(`{"targets":[{"skill":%q,"level":4,"why":"The notes ask for this skill."}]}`, o.skills[0])
	case strings.HasPrefix(p, "The learner has a meeting soon"):
		return fmt.Sprintf(`{"skill":%q,"why":"The meeting title calls for this skill."}`, o.skills[1])
	}
	return "Sure, here you go."
}

const meetingTitle = "Handover with the night team"

// TestPersonalisationWhileIdle: with a local model server, the resident
// reads the profile and today's meeting while the user is idle, sharing
// one model slot with the quiz queue; the pick for the meeting's moment
// uses the skill read into its title; the user's return cancels the
// request under way.
func TestPersonalisationWhileIdle(t *testing.T) {
	r := newRig(t, "")
	o := &personalOllama{}
	r.env["OLLAMA_HOST"] = o.start(t)
	r.d.NewModel = func(base *url.URL, model string) llm.QuizMaker {
		g := llm.NewGenerator(base, model, &http.Client{})
		g.Now = r.d.Now
		return g
	}
	ics := filepath.Join(t.TempDir(), "work.ics")
	start := wednesday.Add(4 * time.Hour)
	cal := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:m1\r\nDTSTAMP:20261125T080000Z\r\n" +
		"DTSTART:" + start.Format("20060102T150405Z") + "\r\nDTEND:" + start.Add(time.Hour).Format("20060102T150405Z") + "\r\n" +
		"SUMMARY:" + meetingTitle + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	if err := os.WriteFile(ics, []byte(cal), 0o600); err != nil {
		t.Fatal(err)
	}
	open := r.d.Open
	r.d.Open = func(ctx context.Context) (_ *core.App, err error) {
		a, err := open(ctx)
		if err != nil {
			return a, err
		}
		lib, err := a.Store.Library(ctx)
		if err != nil {
			return a, err
		}
		// Skills with a short starter lesson, so a pick can show them.
		for _, l := range lib {
			if l.Minutes <= 5 && len(o.skills) < 2 && (len(o.skills) == 0 || o.skills[0] != l.Skills[0]) {
				o.skills = append(o.skills, l.Skills[0])
			}
		}
		if err := a.Store.SaveProfile(ctx, store.Profile{Role: "Ward nurse", Notes: "Handovers run long.", MinutesPerWeek: 60}); err != nil {
			return a, err
		}
		return a, settings.Update(ctx, a.Store, func(s *settings.Settings) { s.Model = "tiny"; s.Calendars = []string{ics} })
	}
	r.pres.input(wednesday.Add(-70 * time.Second)) // idle
	r.start(t)
	eventually(t, "the profile and the meeting read", func() bool {
		st := r.d.PersonalStats()
		return st.ByKind["profile"] == 1 && st.ByKind["meeting"] == 1
	})
	ctx := context.Background()
	st := r.d.app.Store
	var at storepick.AITargets
	if ok, err := st.Setting(ctx, storepick.SettingAITargets, &at); !ok || err != nil || len(at.Targets) != 1 || at.Targets[0].Skill != o.skills[0] {
		t.Errorf("AI targets %+v (%v %v)", at, ok, err)
	}
	if skill, ok := personal.MeetingHint(ctx, st, "tiny", meetingTitle); !ok || skill != o.skills[1] {
		t.Errorf("meeting hint %q %v, want %s", skill, ok, o.skills[1])
	}
	if n := o.CountContaining(meetingTitle); n != 1 {
		t.Errorf("the title was sent %d times, want once (to this machine's server)", n)
	}
	eventually(t, "quizzes tried too", func() bool { return r.d.AIStats().Failed >= 2 })
	if n := o.Counts().MaxInFlight; n != 1 {
		t.Errorf("%d requests at once: the quiz queue and the worker must share one model slot", n)
	}

	// The meeting's moment: the pick uses the skill read into its title.
	pk, err := r.d.pick(ctx, moments.Moment{Kind: moments.BeforeMeeting, Minutes: 10, Meeting: meetingTitle, MeetingAt: start})
	if err != nil {
		t.Fatal(err)
	}
	l, err := st.Lesson(ctx, pk.LessonID)
	if err != nil {
		t.Fatal(err)
	}
	if l.Skills[0] != o.skills[1] || !strings.Contains(pk.Why, meetingTitle) {
		t.Errorf("pick %s on %v (%q): want a lesson on %s for the meeting", pk.LessonID, l.Skills, pk.Why, o.skills[1])
	}

	// Once the worker has nothing left to do it waits (five minutes
	// between looks). A profile saved elsewhere (the Profile window,
	// `tidbit profile`), which then asks the tray for a refresh, is read
	// at once.
	quiet := func() bool {
		n := len(o.Prompts())
		time.Sleep(300 * time.Millisecond)
		return len(o.Prompts()) == n && o.Counts().InFlight == 0
	}
	eventually(t, "the worker waiting", quiet)
	if err := st.SaveProfile(ctx, store.Profile{Role: "Charge nurse", Notes: "Escalations are slow.", MinutesPerWeek: 60}); err != nil {
		t.Fatal(err)
	}
	if err := tell(t, r.d, "refresh"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the new profile sent to the model", func() bool { return o.CountContaining("Escalations are slow.") == 1 })

	// The user comes back while a request runs: it is cancelled.
	eventually(t, "the worker waiting again", quiet)
	o.SetBlock(true)
	if err := st.SaveProfile(ctx, store.Profile{Role: "Ward manager", Notes: "Rotas take long.", MinutesPerWeek: 60}); err != nil {
		t.Fatal(err)
	}
	if err := tell(t, r.d, "refresh"); err != nil {
		t.Fatal(err)
	}
	// A request that is held (not one of the quick ones still finishing).
	eventually(t, "a request held", func() bool { return o.Counts().Held >= 1 })
	r.pres.input(wednesday.Add(2 * time.Minute))
	r.advance(t, wednesday.Add(2*time.Minute+40*time.Second))
	eventually(t, "the request cancelled by activity", func() bool { return o.Counts().Cancelled >= 1 })
}
