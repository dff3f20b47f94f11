// Package personal prepares personalisations with the local model while
// the learner is away (issue "Local AI", parts 3 and 4): the free-text
// profile read into taxonomy targets, lessons' examples retold for the
// learner's role, a skill for each of today's meetings (titles only to a
// model server on this machine) and, when the learner opted in, verified
// micro-lessons for gap skills with no content. A Worker runs these jobs
// one request at a time, sharing one model Slot with the quiz queue, each
// cancelled the moment the learner is active again. Results go to the
// store (settings, model cache, AI-written lessons); the pop-up path only
// reads them (CachedRewrite, MeetingHint) and never waits for a model.
// Feedback on a reflection answer is asked by the window process in the
// background (Feedback). Nothing here imports Fyne.
package personal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
	"github.com/tidbit-learn/tidbit/llm"
)

// Slot is the one model slot of the resident process: the quiz queue and
// the personalisation worker each hold it for one request, so the model
// server never runs two of Tidbit's requests at once.
type Slot struct{ ch chan struct{} }

// NewSlot returns a free slot.
func NewSlot() *Slot { return &Slot{ch: make(chan struct{}, 1)} }

// Acquire waits for the slot until ctx ends.
func (s *Slot) Acquire(ctx context.Context) error {
	select {
	case s.ch <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Release frees the slot taken by Acquire.
func (s *Slot) Release() { <-s.ch }

// Maker wraps a quiz maker so that each quiz holds the slot while it asks
// the model (its generation and verification requests run in turn).
func (s *Slot) Maker(m llm.QuizMaker) llm.QuizMaker { return slotMaker{m: m, s: s} }

type slotMaker struct {
	m llm.QuizMaker
	s *Slot
}

func (sm slotMaker) Quiz(ctx context.Context, l llm.Lesson) (llm.Quiz, error) {
	if err := sm.s.Acquire(ctx); err != nil {
		return llm.Quiz{}, err
	}
	defer sm.s.Release()
	return sm.m.Quiz(ctx, l)
}

// Model is what the worker asks of the local model; *llm.Generator is one.
type Model interface {
	MapProfile(ctx context.Context, p llm.Profile, skills []llm.SkillRef) (llm.ProfileMap, error)
	RewriteExample(ctx context.Context, l llm.Lesson, role string) (llm.Rewrite, error)
	MeetingSkill(ctx context.Context, title string, skills []llm.SkillRef) (llm.MeetingMatch, error)
	MicroLesson(ctx context.Context, skill llm.SkillRef, level int) (llm.AILesson, error)
}

var _ Model = (*llm.Generator)(nil)

// Cache kinds and lifetimes of the model cache entries written here.
const (
	kindRewrite = "rewrite"
	kindMeeting = "meeting"
	rewriteTTL  = 30 * 24 * time.Hour
	meetingTTL  = 14 * 24 * time.Hour
)

// RewriteLabel labels a rewritten example wherever it is shown.
const RewriteLabel = "Example rewritten for your role (AI-written)"

// RewriteKey names the rewrite of the lesson text hashed lessonHash for
// role by model in the store's model cache. It is computable without the
// model (no digest), so a window finds the rewrite without asking it.
func RewriteKey(model, lessonHash, role string) string {
	return llm.PersonalCacheKey(kindRewrite, model, "", lessonHash, strings.TrimSpace(role))
}

// MeetingKey names a meeting title's skill in the model cache; the title
// is hashed, never stored.
func MeetingKey(model, title string) string {
	return llm.PersonalCacheKey(kindMeeting, model, "", strings.TrimSpace(title))
}

// entry is a model cache value: a result, or None saying why there is
// none to wait for (no example to rewrite, an empty title...).
type entry struct {
	Rewrite *llm.Rewrite      `json:"rewrite,omitempty"`
	Meeting *llm.MeetingMatch `json:"meeting,omitempty"`
	None    string            `json:"none,omitempty"`
}

func getEntry(ctx context.Context, st *store.Store, key string) (entry, bool) {
	v, ok, err := st.CacheGet(ctx, key)
	if err != nil || !ok {
		return entry{}, false
	}
	var e entry
	if json.Unmarshal([]byte(v), &e) != nil {
		return entry{}, false
	}
	return e, true
}

func putEntry(ctx context.Context, st *store.Store, key, kind, model string, e entry, ttl time.Duration) error {
	b, _ := json.Marshal(e)
	if err := st.CachePut(ctx, key, kind, model, string(b), ttl); err != nil {
		return fmt.Errorf("caching a %s: %w", kind, err)
	}
	return nil
}

// ModelName is the model the settings name (llm.DefaultModel when none).
func ModelName(set settings.Settings) string {
	if set.Model != "" {
		return set.Model
	}
	return llm.DefaultModel
}

// CachedRewrite returns the rewritten example of lesson l for role when
// one was prepared for l's current text, and nothing otherwise. It reads
// the store only: the window calls it when it opens.
func CachedRewrite(ctx context.Context, st *store.Store, model string, l store.Lesson, role string) (llm.Rewrite, bool) {
	if strings.TrimSpace(role) == "" || l.ContentHash == "" {
		return llm.Rewrite{}, false
	}
	e, ok := getEntry(ctx, st, RewriteKey(model, l.ContentHash, role))
	if !ok || e.Rewrite == nil || e.Rewrite.LessonHash != l.ContentHash || e.Rewrite.Text == "" {
		return llm.Rewrite{}, false
	}
	r := *e.Rewrite
	r.Label = RewriteLabel
	return r, true
}

// WithRewrite returns l's body with the rewrite r shown right after the
// example it retells, labelled, the original kept (llm.InsertRewrite), and
// whether it was inserted (false when the example is no longer there).
func WithRewrite(body string, r llm.Rewrite) (string, bool) {
	r.Label = RewriteLabel
	out := llm.InsertRewrite(body, r)
	return out, out != body
}

// MeetingHint returns the skill the model read into a meeting's title,
// when it did so earlier; it reads the store only.
func MeetingHint(ctx context.Context, st *store.Store, model, title string) (string, bool) {
	if strings.TrimSpace(title) == "" {
		return "", false
	}
	e, ok := getEntry(ctx, st, MeetingKey(model, title))
	if !ok || e.Meeting == nil || e.Meeting.SkillID == "" {
		return "", false
	}
	return e.Meeting.SkillID, true
}

// RoleText is the learner's role as the model reads it and rewrites are
// keyed by: a taxonomy role's name for its id, else the learner's words.
func RoleText(tax *assets.Taxonomy, role string) string {
	role = strings.TrimSpace(role)
	if tax != nil {
		if r, ok := tax.Role(role); ok {
			return r.Name
		}
	}
	return role
}

// SkillRefs are the taxonomy's skills as offered to the model (at most
// 500, the most one request takes).
func SkillRefs(tax *assets.Taxonomy) []llm.SkillRef {
	if tax == nil {
		return nil
	}
	out := make([]llm.SkillRef, 0, len(tax.Skills))
	for _, s := range tax.Skills {
		cat := s.Category
		if c, ok := tax.Category(s.Category); ok {
			cat = c.Name
		}
		out = append(out, llm.SkillRef{ID: s.ID, Name: s.Name, Category: cat})
		if len(out) == 500 {
			break
		}
	}
	return out
}

// ErrOff means the settings keep the model off ("never use the model"):
// only the authored content is shown.
var ErrOff = errors.New("the model is turned off in Settings")

// Feedback asks the configured model server for feedback on a reflection
// answer against the lesson's rubric. The window process calls it off the
// UI goroutine with a timeout, once the answer is saved; any error means
// only the authored model answer is shown. The answer goes only to the
// model server the settings allow (loopback unless the user allowed a
// remote one). With debug (OpenDebugLog) the prompt and the output are
// logged there.
func Feedback(ctx context.Context, set settings.Settings, getenv func(string) string, debug *slog.Logger, scenario string, rubric []string, answer string) (llm.Feedback, error) {
	if set.NoAI {
		return llm.Feedback{}, ErrOff
	}
	base, err := llm.ResolveHost(set.ModelHost, getenv, set.AllowRemote)
	if err != nil {
		return llm.Feedback{}, fmt.Errorf("feedback on a reflection: %w", err)
	}
	g := llm.NewGenerator(base, ModelName(set), nil)
	g.Debug = debug
	if dl, ok := ctx.Deadline(); ok {
		g.Timeout = time.Until(dl)
	}
	return g.ReflectionFeedback(ctx, scenario, rubric, answer)
}
