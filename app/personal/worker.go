package personal

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tidbit-learn/tidbit/app/aiquiz"
	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/learner/storepick"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
	"github.com/tidbit-learn/tidbit/llm"
)

// Defaults of a Worker.
const (
	DefaultRewrites   = 3               // lessons whose example one pass retells
	DefaultMeetings   = 5               // meetings of the agenda read per pass
	DefaultRetryAfter = 6 * time.Hour   // before a job whose output was unusable is tried again
	DefaultPause      = time.Minute     // after a server fault
	DefaultRecheck    = 5 * time.Minute // between looks for work when there was none
	candidateLessons  = 24              // lessons read to find examples to rewrite
	// AILessonEvery spaces AI-written lessons: at most one a day, so the
	// library grows at the learner's pace, not the model's.
	AILessonEvery = 24 * time.Hour
)

// Stats counts what a Worker did.
type Stats struct {
	Done      int `json:"done"`      // jobs that stored a result (or a "none")
	Failed    int `json:"failed"`    // jobs whose output was unusable or refused
	Cancelled int `json:"cancelled"` // jobs stopped because the learner became active
	Faults    int `json:"faults"`    // server faults (the worker paused)
	// ByKind counts stored results: profile, rewrite, meeting, lesson.
	ByKind map[string]int `json:"by_kind,omitempty"`
}

// Worker runs personalisation jobs while the learner is idle, one at a
// time, each holding Slot for its request. A true on Activity (the learner
// is active) cancels the running job at once; false lets work resume.
// Jobs, in order of urgency: (a) the profile read into targets when role,
// goals or notes changed (storepick.SettingAITargets); (c) today's next
// meetings read into skills (MeetingKey, only on a loopback server); (b)
// the examples of the likely next lessons retold for the role
// (RewriteKey); (d) with AILessons, one micro-lesson for a gap skill that
// has no lesson (store.SaveAILesson).
type Worker struct {
	Store    *store.Store
	Taxonomy *assets.Taxonomy
	Model    Model
	// ModelName is the model's name (part of every cache key).
	ModelName string
	Slot      *Slot // nil: a slot of its own
	Activity  <-chan bool
	// Idle is the learner's state when Run starts.
	Idle bool
	// AILessons is the learner's opt-in to AI-written micro-lessons.
	AILessons bool
	// Meetings returns the titles of today's next meetings, soonest first
	// (the scheduler's agenda); nil means none.
	Meetings func() []string
	Now      func() time.Time
	Logf     func(format string, args ...any)
	// Tunables; zero takes the defaults above.
	Rewrites, MaxMeetings      int
	RetryAfter, Pause, Recheck time.Duration

	mu     sync.Mutex
	failed map[string]time.Time
	stats  Stats
	wake   chan struct{}
}

// job is one request to the model and what to do with its answer.
type job struct {
	key, kind string
	run       func(ctx context.Context) error
}

func (w *Worker) init() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.failed == nil {
		w.failed = map[string]time.Time{}
		w.wake = make(chan struct{}, 1)
		w.stats.ByKind = map[string]int{}
	}
	if w.Slot == nil {
		w.Slot = NewSlot()
	}
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) logf(format string, args ...any) {
	if w.Logf != nil {
		w.Logf(format, args...)
	}
}

// Stats returns what the worker has done.
func (w *Worker) Stats() Stats {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.stats
	s.ByKind = map[string]int{}
	for k, v := range w.stats.ByKind {
		s.ByKind[k] = v
	}
	return s
}

// Kick asks a waiting worker to look for work now (the profile was saved,
// the agenda changed).
func (w *Worker) Kick() {
	w.init()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run works until ctx ends. Run it in its own goroutine.
func (w *Worker) Run(ctx context.Context) {
	w.init()
	idle := w.Idle
	pause := orDefault(w.Pause, DefaultPause)
	recheck := orDefault(w.Recheck, DefaultRecheck)
	var wait <-chan time.Time
	for {
		if idle && wait == nil {
			j, ok, err := w.next(ctx)
			if err != nil && ctx.Err() == nil {
				w.logf("personalisation: %v", err)
			}
			switch {
			case ctx.Err() != nil:
				return
			case !ok:
				wait = time.After(recheck)
			default:
				var stop, fault bool
				idle, fault, stop = w.do(ctx, j)
				if stop {
					return
				}
				if fault {
					wait = time.After(pause)
				}
				continue
			}
		}
		select {
		case <-ctx.Done():
			return
		case a, ok := <-w.Activity:
			if !ok {
				w.Activity = nil
				continue
			}
			idle = !a
		case <-w.wake:
			wait = nil
		case <-wait:
			wait = nil
		}
	}
}

// do runs one job, cancelling it when the learner becomes active.
func (w *Worker) do(ctx context.Context, j job) (idle, fault, stop bool) {
	jctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		if err := w.Slot.Acquire(jctx); err != nil {
			done <- err
			return
		}
		defer w.Slot.Release()
		done <- j.run(jctx)
	}()
	for {
		select {
		case err := <-done:
			return true, w.finish(ctx, j, err), false
		case a, ok := <-w.Activity:
			if !ok {
				w.Activity = nil
				continue
			}
			if !a {
				continue
			}
			cancel()
			<-done
			w.mu.Lock()
			w.stats.Cancelled++
			w.mu.Unlock()
			return false, false, false
		case <-ctx.Done():
			cancel()
			<-done
			return true, false, true
		}
	}
}

// finish records a job's end; it reports a server fault (pause and retry).
func (w *Worker) finish(ctx context.Context, j job, err error) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case err == nil:
		w.stats.Done++
		w.stats.ByKind[j.kind]++
		return false
	case ctx.Err() != nil:
		return false
	case errors.Is(err, llm.ErrServer):
		w.stats.Faults++
		w.logf("personalisation waits: %v", err)
		return true
	}
	w.stats.Failed++
	w.failed[j.key] = w.now()
	w.logf("personalisation: %v", err)
	return false
}

func (w *Worker) recentlyFailed(key string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, ok := w.failed[key]
	return ok && w.now().Sub(t) < orDefault(w.RetryAfter, DefaultRetryAfter)
}

// next finds the most urgent job with nothing stored for it yet.
func (w *Worker) next(ctx context.Context) (job, bool, error) {
	prof, err := w.Store.Profile(ctx)
	if err != nil {
		return job{}, false, fmt.Errorf("reading the profile: %w", err)
	}
	skills := SkillRefs(w.Taxonomy)
	if len(skills) == 0 {
		return job{}, false, nil
	}
	if j, ok := w.profileJob(ctx, prof, skills); ok {
		return j, true, nil
	}
	if j, ok := w.meetingJob(ctx, skills); ok {
		return j, true, nil
	}
	built, lib, err := w.targets(ctx, prof)
	if err != nil {
		return job{}, false, err
	}
	if j, ok, err := w.rewriteJob(ctx, prof, built, lib); ok || err != nil {
		return j, ok, err
	}
	if w.AILessons && w.lessonDue(ctx) {
		if j, ok := w.lessonJob(built, lib, skills); ok {
			return j, true, nil
		}
	}
	return job{}, false, nil
}

// (a) The profile read into taxonomy targets.
func (w *Worker) profileJob(ctx context.Context, prof store.Profile, skills []llm.SkillRef) (job, bool) {
	hash := storepick.ProfileHash(prof)
	var have storepick.AITargets
	if ok, err := w.Store.Setting(ctx, storepick.SettingAITargets, &have); err == nil && ok && have.ProfileHash == hash && have.Model == w.ModelName {
		return job{}, false
	}
	key := "profile/" + hash
	if w.recentlyFailed(key) {
		return job{}, false
	}
	return job{key: key, kind: "profile", run: func(ctx context.Context) error {
		in := llm.Profile{Role: prof.Role, Goals: strings.Join(prof.Goals, "; "), Notes: prof.Notes}
		at := storepick.AITargets{ProfileHash: hash, Model: w.ModelName, MappedAt: w.now().UTC(), Targets: []learner.AITarget{}}
		pm, err := w.Model.MapProfile(ctx, in, skills)
		switch {
		case errors.Is(err, llm.ErrNoInput):
			// An empty profile: nothing to read until it changes.
		case err != nil:
			return err
		default:
			at.ModelDigest, at.Prompt = pm.Provenance.ModelDigest, pm.Provenance.PromptVersion
			for _, t := range pm.Targets {
				at.Targets = append(at.Targets, learner.AITarget{Skill: t.SkillID, Level: float64(t.Level), Why: t.Why})
			}
		}
		if err := w.Store.SetSetting(ctx, storepick.SettingAITargets, at); err != nil {
			return fmt.Errorf("storing the profile's AI targets: %w", err)
		}
		w.logf("personalisation: the profile read into %d targets", len(at.Targets))
		return nil
	}}, true
}

// (c) Today's next meetings read into skills. MeetingSkill itself refuses
// a server that is not on this machine before sending anything.
func (w *Worker) meetingJob(ctx context.Context, skills []llm.SkillRef) (job, bool) {
	if w.Meetings == nil {
		return job{}, false
	}
	seen := map[string]bool{}
	n := 0
	for _, title := range w.Meetings() {
		title = strings.TrimSpace(title)
		if title == "" || seen[title] {
			continue
		}
		seen[title] = true
		if n++; n > orDefault(w.MaxMeetings, DefaultMeetings) {
			break
		}
		key := MeetingKey(w.ModelName, title)
		if _, ok := getEntry(ctx, w.Store, key); ok || w.recentlyFailed(key) {
			continue
		}
		return job{key: key, kind: "meeting", run: func(ctx context.Context) error {
			m, err := w.Model.MeetingSkill(ctx, title, skills)
			e := entry{Meeting: &m}
			switch {
			case errors.Is(err, llm.ErrNoInput):
				e = entry{None: "the title has no words"}
			case err != nil:
				return err
			}
			return putEntry(ctx, w.Store, key, kindMeeting, w.ModelName, e, meetingTTL)
		}}, true
	}
	return job{}, false
}

// targets builds the learner's profile (with the model's targets) and
// reads the library: what rewrites and gap lessons are chosen from.
func (w *Worker) targets(ctx context.Context, prof store.Profile) (*learner.Profile, []store.LessonSummary, error) {
	built, err := learner.BuildProfile(w.Taxonomy, storepick.ProfileInput(ctx, w.Store, prof))
	if err != nil {
		return nil, nil, err
	}
	lib, err := w.Store.Library(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the library: %w", err)
	}
	return built, lib, nil
}

// (b) The examples of the likely next lessons retold for the role: lessons
// not done yet, those on a target skill first, easiest first.
func (w *Worker) rewriteJob(ctx context.Context, prof store.Profile, built *learner.Profile, lib []store.LessonSummary) (job, bool, error) {
	role := RoleText(w.Taxonomy, prof.Role)
	if role == "" {
		return job{}, false, nil
	}
	var cands []store.LessonSummary
	for _, l := range lib {
		if l.Completed == 0 && !l.AIWritten {
			cands = append(cands, l)
		}
	}
	onTarget := func(l store.LessonSummary) bool {
		if len(l.Skills) == 0 {
			return false
		}
		_, ok := built.Target(l.Skills[0])
		return ok
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if a, b := onTarget(cands[i]), onTarget(cands[j]); a != b {
			return a
		}
		return cands[i].Level < cands[j].Level
	})
	limit := orDefault(w.Rewrites, DefaultRewrites)
	for i, c := range cands {
		if i >= candidateLessons || limit <= 0 {
			break
		}
		l, err := w.Store.Lesson(ctx, c.ID)
		if err != nil {
			return job{}, false, fmt.Errorf("reading lesson %s: %w", c.ID, err)
		}
		if _, ok := llm.FindExample(l.Body); !ok {
			continue
		}
		limit--
		key := RewriteKey(w.ModelName, l.ContentHash, role)
		if _, ok := getEntry(ctx, w.Store, key); ok || w.recentlyFailed(key) {
			continue
		}
		return job{key: key, kind: "rewrite", run: func(ctx context.Context) error {
			r, err := w.Model.RewriteExample(ctx, aiquiz.ToLesson(l), role)
			e := entry{Rewrite: &r}
			switch {
			case errors.Is(err, llm.ErrNoInput):
				e = entry{None: err.Error()}
			case err != nil:
				return err
			}
			return putEntry(ctx, w.Store, key, kindRewrite, w.ModelName, e, rewriteTTL)
		}}, true, nil
	}
	return job{}, false, nil
}

// lessonDue reports whether the last AI-written lesson is AILessonEvery old.
func (w *Worker) lessonDue(ctx context.Context) bool {
	infos, err := w.Store.AILessons(ctx)
	if err != nil {
		return false
	}
	for _, i := range infos {
		if w.now().Sub(i.SavedAt) < AILessonEvery {
			return false
		}
	}
	return true
}

// (d) A micro-lesson for the gap skill with the highest target that no
// lesson of the library teaches.
func (w *Worker) lessonJob(built *learner.Profile, lib []store.LessonSummary, skills []llm.SkillRef) (job, bool) {
	taught := map[string]bool{}
	for _, l := range lib {
		for _, s := range l.Skills {
			taught[s] = true
		}
	}
	refs := map[string]llm.SkillRef{}
	for _, s := range skills {
		refs[s.ID] = s
	}
	gaps := make([]learner.Target, 0)
	for _, t := range built.Targets {
		if _, ok := refs[t.Skill]; ok && !taught[t.Skill] {
			gaps = append(gaps, t)
		}
	}
	sort.SliceStable(gaps, func(i, j int) bool { return gaps[i].Level > gaps[j].Level })
	for _, g := range gaps {
		key := "lesson/" + g.Skill
		if w.recentlyFailed(key) {
			continue
		}
		ref, level := refs[g.Skill], int(math.Round(g.Level))
		// A first lesson on a skill with no content starts low: at most
		// level 2, whatever the target.
		level = max(1, min(level, 2))
		return job{key: key, kind: "lesson", run: func(ctx context.Context) error {
			a, err := w.Model.MicroLesson(ctx, ref, level)
			if err != nil {
				return err
			}
			if err := w.Store.SaveAILesson(ctx, ToStoreLesson(a)); err != nil {
				return fmt.Errorf("storing the AI-written lesson on %s: %w", ref.ID, err)
			}
			w.logf("personalisation: wrote lesson %s on %s (AI-written, %d verified questions)", a.ID, ref.ID, len(a.Quiz.Questions))
			return nil
		}}, true
	}
	return job{}, false
}

// ToStoreLesson converts a verified micro-lesson for the store.
func ToStoreLesson(a llm.AILesson) store.AILesson {
	skill := ""
	if len(a.Skills) > 0 {
		skill = a.Skills[0]
	}
	p := a.Provenance
	return store.AILesson{ID: a.ID, Title: a.Title, Body: a.Body, Skill: skill, Level: a.Level, Minutes: a.Minutes, Hash: a.Hash,
		Provenance: store.AIProvenance{Model: p.Model, ModelDigest: p.ModelDigest, PromptVersion: p.PromptVersion,
			GeneratedAt: p.GeneratedAt, LessonHash: a.Hash, Skill: skill},
		Quiz: aiquiz.ToStore(a.Quiz)}
}

func orDefault[T int | time.Duration](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}
