package onboarding

import (
	"context"
	"fmt"
	"github.com/tidbit-learn/tidbit/widgets/internal/fynetest"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	ob "github.com/tidbit-learn/tidbit/app/onboarding"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
	"github.com/tidbit-learn/tidbit/widgets/formkit"
)

func TestMain(m *testing.M) { fynetest.Main(m) }

type harness struct {
	w        *Window
	st       *store.Store
	bg       *formkit.Background
	closed   int
	autorun  []bool
	finished int
}

func open(t *testing.T) *harness { return openWith(t, store.Profile{}) }

func openWith(t *testing.T, prof store.Profile) *harness {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tax, err := assets.LoadTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{st: st, bg: &formkit.Background{Do: func(f func()) { f() }}}
	h.w = Show(test.NewTempApp(t), Deps{
		Taxonomy: tax,
		Profile:  prof,
		Finish: func(ctx context.Context, a ob.Answers) (settings.Settings, []settings.Problem, error) {
			return ob.Finish(ctx, st, tax, a)
		},
		Check: func(_ context.Context, src string, s settings.Settings) (string, error) {
			return fmt.Sprintf("12 events, 3 busy today (%s; %v)", src, s.Addresses), nil
		},
		Autostart:  func(on bool) error { h.autorun = append(h.autorun, on); return nil },
		OnFinished: func(settings.Settings) { h.finished++ },
		OnClosed:   func() { h.closed++ },
		Background: h.bg,
	})
	return h
}

func key(w fyne.Window, name fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: name}
	if f := w.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	w.Canvas().OnTypedKey()(ev)
}

func (h *harness) stored(t *testing.T) (settings.Settings, store.Profile) {
	t.Helper()
	s, err := settings.Load(context.Background(), h.st)
	if err != nil {
		t.Fatal(err)
	}
	p, err := h.st.Profile(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s, p
}

func TestDefaultsFirstStep(t *testing.T) {
	h := open(t)
	test.AssertRendersToMarkup(t, "onboarding/role.xml", h.w.Canvas())
	if h.w.Canvas().Focused() != h.w.role || !h.w.Back.Disabled() || len(h.w.role.Options) != 15 {
		t.Fatalf("first step: focus %T, back disabled %v, %d role options", h.w.Canvas().Focused(), h.w.Back.Disabled(), len(h.w.role.Options))
	}
}

// TestWholeOnboardingByKeyboard answers every step with keys only and
// finds the answers in the store.
func TestWholeOnboardingByKeyboard(t *testing.T) {
	h := open(t)
	w := h.w
	c := w.Canvas()
	for w.role.Selected != "Software engineer" {
		key(w, fyne.KeyRight) // Left and Right walk the roles
	}
	key(w, fyne.KeyReturn) // Enter goes on
	if w.step != 1 || c.Focused() != w.goalRole {
		t.Fatalf("step %d, focus %T", w.step, c.Focused())
	}
	for w.goalRole.Selected != "People manager" {
		key(w, fyne.KeyRight)
	}
	test.FocusNext(c)
	test.Type(c.Focused(), "Active listening, juggling")
	key(w, fyne.KeyReturn)
	if w.step != 1 || !w.errs["goals"].Visible() || !strings.Contains(w.errs["goals"].Text, `"juggling" is not a skill`) {
		t.Fatalf("an unknown skill was let through: step %d, %q", w.step, w.errs["goals"].Text)
	}
	test.AssertRendersToMarkup(t, "onboarding/goals-invalid.xml", c)
	w.skills.SetText("Active listening, code-review")
	test.FocusNext(c)
	test.Type(c.Focused(), "12")
	key(w, fyne.KeyReturn)
	if w.step != 2 || c.Focused() != w.calendar {
		t.Fatalf("step %d, focus %T", w.step, c.Focused())
	}
	test.Type(w.calendar, "/cal/work.ics")
	test.FocusNext(c) // Check
	key(w, fyne.KeySpace)
	h.bg.Wait()
	if !strings.HasPrefix(w.calResult.Text, "12 events, 3 busy today") || !w.calResult.Visible() {
		t.Fatalf("check: %q", w.calResult.Text)
	}
	test.FocusNext(c)
	test.Type(c.Focused(), "me@example.com")
	key(w, fyne.KeyReturn)
	if w.step != 3 || c.Focused() != w.host || w.Next.Text != "Finish" {
		t.Fatalf("step %d, next %q", w.step, w.Next.Text)
	}
	test.Type(w.host, "gpu.lan:11434")
	test.FocusNext(c)
	test.Type(c.Focused(), "qwen2.5:3b")
	test.FocusNext(c) // no AI
	test.FocusNext(c) // allow remote
	c.Focused().TypedRune(' ')
	if !w.remoteMsg.Visible() {
		t.Fatal("no warning for a remote model server")
	}
	test.AssertRendersToMarkup(t, "onboarding/model.xml", c)
	key(w, fyne.KeyReturn) // Enter on the check box finishes
	h.bg.Wait()
	s, p := h.stored(t)
	if !s.Onboarded || !s.StartsAtLogin() || s.Calendars[0] != "/cal/work.ics" || s.Addresses[0] != "me@example.com" ||
		s.WeeklyGoal != 12 || s.ModelHost != "gpu.lan:11434" || !s.AllowRemote || s.Model != "qwen2.5:3b" {
		t.Fatalf("settings %+v", s)
	}
	if p.Role != "software-engineer" || strings.Join(p.Goals, ",") != "people-manager,active-listening,code-review" {
		t.Fatalf("profile %+v", p)
	}
	if fmt.Sprint(h.autorun) != "[true]" || h.finished != 1 || h.closed != 1 {
		t.Fatalf("autostart %v, finished %d, closed %d", h.autorun, h.finished, h.closed)
	}
}

func TestSkipEverything(t *testing.T) {
	h := open(t)
	w := h.w
	w.role.SetSelectedIndex(3)
	for i := 0; i < 4; i++ {
		w.Canvas().Focus(w.Skip)
		key(w, fyne.KeySpace)
	}
	h.bg.Wait()
	s, p := h.stored(t)
	if !s.Onboarded || !s.StartsAtLogin() || p.Role != "" || len(s.Calendars) != 0 || s.MaxPerDay != 0 {
		t.Fatalf("after skipping: %+v %+v", s, p)
	}
	if h.closed != 1 || fmt.Sprint(h.autorun) != "[true]" {
		t.Fatalf("closed %d, autostart %v", h.closed, h.autorun)
	}
}

func TestInvalidModelServerSavesNothing(t *testing.T) {
	h := open(t)
	w := h.w
	for i := 0; i < 3; i++ {
		w.next()
	}
	w.host.SetText("10.0.0.9")
	w.next()
	h.bg.Wait()
	if w.step != 3 || !w.errs["model_host"].Visible() || h.closed != 0 {
		t.Fatalf("step %d, error %q, closed %d", w.step, w.errs["model_host"].Text, h.closed)
	}
	if s, _ := h.stored(t); s.Onboarded {
		t.Fatal("saved with a problem")
	}
	// Back goes back, keeping what was typed.
	w.Canvas().Focus(w.Back)
	key(w, fyne.KeySpace)
	if w.step != 2 || w.host.Text != "10.0.0.9" {
		t.Fatalf("back: step %d", w.step)
	}
}

func TestEscapeClosesWithoutSaving(t *testing.T) {
	for _, focus := range []string{"select", "entry", "button", "nothing"} {
		t.Run(focus, func(t *testing.T) {
			h := open(t)
			w := h.w
			switch focus {
			case "entry":
				w.next()
				w.Canvas().Focus(w.skills)
			case "button":
				w.Canvas().Focus(w.Next)
			case "nothing":
				w.Canvas().Unfocus()
			}
			key(w, fyne.KeyEscape)
			key(w, fyne.KeyEscape)
			if h.closed != 1 {
				t.Fatalf("closed %d times", h.closed)
			}
			if s, _ := h.stored(t); s.Onboarded {
				t.Fatal("closing finished onboarding")
			}
		})
	}
}

func TestTabOrderEndsWithTheButtons(t *testing.T) {
	h := open(t)
	w := h.w
	w.next() // goals step: Back is enabled
	var order []string
	for i := 0; i < 8; i++ {
		test.FocusNext(w.Canvas())
		switch f := w.Canvas().Focused().(type) {
		case *formkit.Button:
			order = append(order, f.Text)
		case *formkit.Select:
			order = append(order, "select")
		case *formkit.Entry:
			order = append(order, "entry")
		}
	}
	if got := strings.Join(order, " "); got != "entry entry Back Skip Next select entry entry" {
		t.Fatalf("tab order %q", got)
	}
}

func TestStoredProfilePreselected(t *testing.T) {
	h := openWith(t, store.Profile{Role: "designer", Goals: []string{"people-manager", "active-listening", "code-review"}})
	w := h.w
	if w.role.Selected != "Designer" || w.goalRole.Selected != "People manager" || w.skills.Text != "Active listening, Code review" {
		t.Fatalf("role %q, goal %q, skills %q", w.role.Selected, w.goalRole.Selected, w.skills.Text)
	}
	if a := w.Answers(); a.Role != "designer" || a.GoalRole != "people-manager" {
		t.Fatalf("answers %+v", a)
	}
}
