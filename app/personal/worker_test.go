package personal

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/core/coretest"
	"github.com/tidbit-learn/tidbit/app/learner/storepick"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/llm"
	"github.com/tidbit-learn/tidbit/llm/ollamatest"
)

// rig is a store with the starter library, a profile and a worker.
type rig struct {
	app      *core.App
	worker   *Worker
	activity chan bool
	cancel   context.CancelFunc
	done     chan struct{}
	skills   []string // taxonomy ids the stand-in answers with
}

const (
	testRole    = "Ward nurse on a surgical ward"
	testMeeting = "Handover with the night team"
)

func newRig(t *testing.T, m Model) *rig {
	t.Helper()
	a := coretest.Open(t)
	ctx := context.Background()
	if err := a.Store.SaveProfile(ctx, store.Profile{Role: testRole, Goals: []string{"Run calmer handovers"},
		Notes: "Handovers run long.", MinutesPerWeek: 60}); err != nil {
		t.Fatal(err)
	}
	r := &rig{app: a, activity: make(chan bool, 1)}
	for _, s := range a.Taxonomy.Skills[:3] {
		r.skills = append(r.skills, s.ID)
	}
	r.worker = &Worker{Store: a.Store, Taxonomy: a.Taxonomy, Model: m, ModelName: "tiny", Activity: r.activity, Idle: true,
		Meetings: func() []string { return []string{testMeeting, testMeeting, ""} }, Now: func() time.Time { return testNow },
		Pause: 20 * time.Millisecond, Recheck: 20 * time.Millisecond, Logf: t.Logf}
	return r
}

func (r *rig) start(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan struct{})
	go func() { r.worker.Run(ctx); close(r.done) }()
	t.Cleanup(r.stop)
}

func (r *rig) stop() {
	if r.cancel != nil {
		r.cancel()
		<-r.done
		r.cancel = nil
	}
}

func (r *rig) aiTargets(t *testing.T) (storepick.AITargets, bool) {
	var at storepick.AITargets
	ok, err := r.app.Store.Setting(context.Background(), storepick.SettingAITargets, &at)
	if err != nil {
		t.Fatal(err)
	}
	return at, ok
}

// rewrites counts the lessons of the library with a cached rewrite.
func (r *rig) rewrites(t *testing.T) int {
	ctx := context.Background()
	lib, err := r.app.Store.Library(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range lib {
		l, err := r.app.Store.Lesson(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rw, ok := CachedRewrite(ctx, r.app.Store, "tiny", l, testRole); ok {
			n++
			body, inserted := WithRewrite(l.Body, rw)
			if !inserted || !strings.Contains(body, RewriteLabel) || !strings.Contains(body, rw.Original) {
				t.Errorf("lesson %s: the rewrite is not shown beside the original:\n%s", l.ID, body)
			}
		}
	}
	return n
}

// TestWorkerJobs runs the worker against the Ollama stand-in, one case
// per kind of server.
func TestWorkerJobs(t *testing.T) {
	cases := []struct {
		name string
		// answer is the stand-in's; nil means the server is down.
		answer func(skills []string) func(string) string
		// remote: the server is reached under a non-loopback address.
		remote bool
		check  func(t *testing.T, r *rig, s *ollamatest.Scripted)
	}{
		{name: "every job stored", answer: goodAnswers, check: func(t *testing.T, r *rig, s *ollamatest.Scripted) {
			eventually(t, "profile, meeting and three rewrites", func() bool {
				st := r.worker.Stats()
				return st.ByKind["profile"] == 1 && st.ByKind["meeting"] == 1 && st.ByKind["rewrite"] == DefaultRewrites
			})
			at, ok := r.aiTargets(t)
			if !ok || at.ProfileHash == "" || len(at.Targets) != 2 || at.Targets[0].Skill != r.skills[0] || at.Targets[0].Level != 4 ||
				at.Model != "tiny" || at.ModelDigest != "sha256:tiny" {
				t.Errorf("AI targets %+v", at)
			}
			prof, _ := r.app.Store.Profile(context.Background())
			if got := storepick.LoadAITargets(context.Background(), r.app.Store, prof); len(got) != 2 {
				t.Errorf("the picker sees %d AI targets, want 2", len(got))
			}
			if skill, ok := MeetingHint(context.Background(), r.app.Store, "tiny", testMeeting); !ok || skill != r.skills[2] {
				t.Errorf("meeting hint %q %v, want %s", skill, ok, r.skills[2])
			}
			if n := r.rewrites(t); n != DefaultRewrites {
				t.Errorf("%d lessons with a rewrite, want %d", n, DefaultRewrites)
			}
			// Done: nothing is asked twice.
			before := len(s.Prompts())
			time.Sleep(100 * time.Millisecond)
			if after := len(s.Prompts()); after != before {
				t.Errorf("%d more requests with everything stored", after-before)
			}
			if s.CountPrefix(promptMeeting) != 1 {
				t.Errorf("%d meeting requests for one title given twice", s.CountPrefix(promptMeeting))
			}
		}},
		{name: "server down", check: func(t *testing.T, r *rig, s *ollamatest.Scripted) {
			eventually(t, "server faults", func() bool { return r.worker.Stats().Faults >= 2 })
			if _, ok := r.aiTargets(t); ok {
				t.Error("AI targets stored with the server down")
			}
			if st := r.worker.Stats(); st.Done != 0 || st.Failed != 0 {
				t.Errorf("stats %+v: a server fault is neither done nor a failed job", st)
			}
		}},
		{name: "bad output ends in no suggestion", answer: func([]string) func(string) string {
			return func(string) string {
				return `{"targets":[{"skill":"moon-landing","level":9,"why":"x"}],"skill":"none"}`
			}
		}, check: func(t *testing.T, r *rig, s *ollamatest.Scripted) {
			eventually(t, "every job failed", func() bool { return r.worker.Stats().Failed >= 2+DefaultRewrites })
			if _, ok := r.aiTargets(t); ok {
				t.Error("AI targets stored from bad output")
			}
			if _, ok := MeetingHint(context.Background(), r.app.Store, "tiny", testMeeting); ok {
				t.Error("meeting hint stored from bad output")
			}
			if n := r.rewrites(t); n != 0 {
				t.Errorf("%d rewrites stored from bad output", n)
			}
			// One retry each, then not again within RetryAfter.
			time.Sleep(100 * time.Millisecond)
			if n := s.CountPrefix(promptProfile); n != 2 {
				t.Errorf("%d profile requests, want 2 (one retry)", n)
			}
		}},
		{name: "titles never go to a remote server", answer: goodAnswers, remote: true, check: func(t *testing.T, r *rig, s *ollamatest.Scripted) {
			eventually(t, "the profile and rewrites", func() bool {
				st := r.worker.Stats()
				return st.ByKind["profile"] == 1 && st.ByKind["rewrite"] == DefaultRewrites && st.Failed >= 1
			})
			for _, p := range s.Prompts() {
				if strings.Contains(p, "Handover with the night") || strings.HasPrefix(p, promptMeeting) {
					t.Fatalf("a meeting title reached the remote server:\n%s", p)
				}
			}
			if _, ok := MeetingHint(context.Background(), r.app.Store, "tiny", testMeeting); ok {
				t.Error("a meeting hint with a remote server")
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var s *ollamatest.Scripted
			var g *llm.Generator
			if tc.answer == nil {
				g = generator(ollamatest.DownURL(t))
			} else {
				s = ollamatest.NewScripted(t, "tiny", nil)
				g = generator(s.URL())
				if tc.remote {
					// Requests reach the stand-in; the address the
					// generator checks is another machine's.
					g.Base, _ = url.Parse("http://192.0.2.7:11434")
				}
			}
			r := newRig(t, g)
			if s != nil {
				s.SetAnswer(tc.answer(r.skills))
			}
			r.start(t)
			tc.check(t, r, s)
		})
	}
}

// TestWorkerCancelledByActivity: the learner's return cancels the request
// under way at once; idle again, the job runs again.
func TestWorkerCancelledByActivity(t *testing.T) {
	s := ollamatest.NewScripted(t, "tiny", nil)
	s.SetBlock(true)
	r := newRig(t, generator(s.URL()))
	s.SetAnswer(goodAnswers(r.skills))
	r.start(t)
	eventually(t, "a request in flight", func() bool { return s.Counts().InFlight == 1 })
	r.activity <- true
	eventually(t, "the request cancelled", func() bool {
		c := s.Counts()
		return c.Cancelled == 1 && c.InFlight == 0
	})
	if st := r.worker.Stats(); st.Cancelled != 1 || st.Failed != 0 {
		t.Errorf("stats %+v: want one cancelled job and no failure", st)
	}
	n := len(s.Prompts())
	time.Sleep(100 * time.Millisecond)
	if len(s.Prompts()) != n {
		t.Fatalf("requests while the learner is active")
	}
	s.SetBlock(false)
	r.activity <- false
	eventually(t, "the profile read after all", func() bool { return r.worker.Stats().ByKind["profile"] == 1 })
}

// fakeModel writes micro-lessons and counts requests in flight across it
// and the quiz maker sharing its counter.
type fakeModel struct {
	Model // MapProfile, RewriteExample, MeetingSkill: the stand-in's
	mu    sync.Mutex
	n     int
	fl    *flight
	fail  bool
}

type flight struct {
	mu       sync.Mutex
	now, max int
}

func (f *flight) enter() func() {
	f.mu.Lock()
	f.now++
	f.max = max(f.max, f.now)
	f.mu.Unlock()
	time.Sleep(3 * time.Millisecond)
	return func() { f.mu.Lock(); f.now--; f.mu.Unlock() }
}

func (m *fakeModel) MicroLesson(ctx context.Context, skill llm.SkillRef, level int) (llm.AILesson, error) {
	if m.fl != nil {
		defer m.fl.enter()()
	}
	m.mu.Lock()
	m.n++
	fail := m.fail
	m.mu.Unlock()
	if fail {
		return llm.AILesson{}, fmt.Errorf("writing a micro-lesson: %w: %w", llm.ErrNoSuggestion, llm.ErrNotVerified)
	}
	hash := fmt.Sprintf("%064x", len(skill.ID))
	id := "ai-" + skill.ID + "-" + hash[:12]
	p := llm.Provenance{AIWritten: true, Model: "tiny", ModelDigest: "sha256:tiny", PromptVersion: llm.PersonalPromptVersion,
		GeneratedAt: testNow, Verified: true, LessonHash: hash}
	a := llm.AILesson{ID: id, Title: "A first lesson on " + skill.Name, Body: "**An example.** " + skill.Name + " at work.",
		Skills: []string{skill.ID}, Level: level, Minutes: 3, Hash: hash, AIWritten: true, Provenance: p,
		Quiz: llm.Quiz{LessonID: id, LessonHash: hash}}
	for i := range 2 {
		a.Quiz.Questions = append(a.Quiz.Questions, llm.Question{ID: fmt.Sprintf("%s/ai-%02d", id, i), Type: "single",
			Prompt: fmt.Sprintf("Question %d on %s?", i, skill.Name), Skill: skill.ID, Difficulty: level, Provenance: p,
			Options: []llm.Option{{Text: "Right", Correct: true, Why: "The lesson says so."}, {Text: "Wrong", Why: "It does not."}}})
	}
	return a, nil
}

// gapSkills are n taxonomy skills no starter lesson teaches.
func gapSkills(t *testing.T, a *core.App, n int) []string {
	lib, err := a.Store.Library(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	taught := map[string]bool{}
	for _, l := range lib {
		for _, s := range l.Skills {
			taught[s] = true
		}
	}
	var out []string
	for _, s := range a.Taxonomy.Skills {
		if !taught[s.ID] && len(out) < n {
			out = append(out, s.ID)
		}
	}
	if len(out) < n {
		t.Fatalf("only %d taxonomy skills without a starter lesson", len(out))
	}
	return out
}

// TestWorkerAILessons: a gap skill gets an AI-written lesson only with the
// opt-in, at most one a day however many gaps there are; a lesson that
// did not verify is not stored.
func TestWorkerAILessons(t *testing.T) {
	cases := []struct {
		name    string
		optIn   bool
		fail    bool
		wantNew int
	}{
		{name: "opted in", optIn: true, wantNew: 1},
		{name: "not opted in"},
		{name: "quiz did not verify", optIn: true, fail: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := ollamatest.NewScripted(t, "tiny", nil)
			fm := &fakeModel{Model: generator(s.URL()), fail: tc.fail}
			r := newRig(t, fm)
			s.SetAnswer(goodAnswers(r.skills))
			gaps := gapSkills(t, r.app, 2)
			ctx := context.Background()
			if err := r.app.Store.SaveProfile(ctx, store.Profile{Role: testRole, Goals: gaps}); err != nil {
				t.Fatal(err)
			}
			r.worker.AILessons = tc.optIn
			r.start(t)
			eventually(t, "the worker idle with nothing left", func() bool {
				st := r.worker.Stats()
				return st.ByKind["profile"] == 1 && st.ByKind["rewrite"] == DefaultRewrites && (!tc.optIn || st.ByKind["lesson"]+st.Failed >= 1)
			})
			time.Sleep(100 * time.Millisecond) // time for a second lesson, were one allowed
			r.stop()
			infos, err := r.app.Store.AILessons(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(infos) != tc.wantNew {
				t.Fatalf("%d AI-written lessons, want %d", len(infos), tc.wantNew)
			}
			if tc.wantNew == 0 {
				return
			}
			if (infos[0].Skill != gaps[0] && infos[0].Skill != gaps[1]) || infos[0].Provenance.PromptVersion != llm.PersonalPromptVersion {
				t.Errorf("provenance %+v", infos[0])
			}
			l, err := r.app.Store.Lesson(ctx, infos[0].LessonID)
			if err != nil || !l.AIWritten || len(l.AIQuestions) != 2 {
				t.Errorf("stored lesson %+v %v", l, err)
			}
			if fm.calls() != 1 {
				t.Errorf("%d micro-lesson requests, want 1 (one a day)", fm.calls())
			}
		})
	}
}

// slowQuiz is a quiz maker counting requests in flight.
type slowQuiz struct{ fl *flight }

func (q slowQuiz) Quiz(ctx context.Context, l llm.Lesson) (llm.Quiz, error) {
	defer q.fl.enter()()
	return llm.Quiz{}, fmt.Errorf("%w: none", llm.ErrUseAuthored)
}

// TestOneModelSlot: the quiz queue and the worker, sharing a Slot, never
// ask the model twice at once.
func TestOneModelSlot(t *testing.T) {
	fl := &flight{}
	slot := NewSlot()
	s := ollamatest.NewScripted(t, "tiny", nil)
	fm := &fakeModel{Model: generator(s.URL()), fl: fl, fail: true}
	r := newRig(t, fm)
	s.SetAnswer(goodAnswers(r.skills))
	r.worker.Slot, r.worker.AILessons, r.worker.RetryAfter, r.worker.Now = slot, true, time.Nanosecond, time.Now
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	q := &llm.Queue{Maker: slot.Maker(slowQuiz{fl}), Idle: true, RetryAfter: time.Nanosecond}
	var lessons []llm.Lesson
	for i := range 40 {
		lessons = append(lessons, llm.Lesson{ID: fmt.Sprintf("l%d", i), Hash: "h"})
	}
	go q.Run(ctx)
	q.Enqueue(ctx, lessons...)
	r.start(t)
	eventually(t, "both at work", func() bool { return q.Stats().Failed >= 20 && fm.calls() >= 10 })
	fl.mu.Lock()
	defer fl.mu.Unlock()
	if fl.max != 1 {
		t.Errorf("%d requests at once, want 1", fl.max)
	}
}

func (m *fakeModel) calls() int { m.mu.Lock(); defer m.mu.Unlock(); return m.n }

// TestFeedback: the window's background feedback goes to the configured
// server, is refused with the model off, and fails typed with no server.
func TestFeedback(t *testing.T) {
	s := ollamatest.NewScripted(t, "tiny", nil)
	s.SetAnswer(goodAnswers([]string{"a", "b", "c"}))
	rubric := []string{"Names a shared goal", "Ends with a next step"}
	answer := "I would say we both want the release to go well, then agree who checks the numbers on Friday."
	env := func(host string) func(string) string {
		return func(k string) string {
			if k == "OLLAMA_HOST" {
				return host
			}
			return ""
		}
	}
	cases := []struct {
		name    string
		noAI    bool
		host    string
		wantErr error
	}{
		{name: "feedback per criterion", host: s.URL().Host},
		{name: "model turned off", noAI: true, host: s.URL().Host, wantErr: ErrOff},
		{name: "no server", host: ollamatest.DownURL(t).Host, wantErr: llm.ErrNoSuggestion},
		{name: "remote server not allowed", host: "192.0.2.7:11434", wantErr: llm.ErrRemoteRefused},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			before := s.CountPrefix(promptFeedback)
			set := settingsFor(tc.noAI)
			fb, err := Feedback(ctx, set, env(tc.host), nil, "Two teammates disagree about a release.", rubric, answer)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				if s.CountPrefix(promptFeedback) != before {
					t.Errorf("a request was sent")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(fb.PerCriterion) != 2 || fb.PerCriterion[0].Criterion != rubric[0] || !fb.PerCriterion[0].Met || fb.PerCriterion[1].Met ||
				!fb.Provenance.AIWritten || fb.Summary == "" {
				t.Errorf("feedback %+v", fb)
			}
		})
	}
}

func settingsFor(noAI bool) settings.Settings { return settings.Settings{NoAI: noAI, Model: "tiny"} }
