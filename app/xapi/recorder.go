package xapi

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/store"
)

// Platform is the context platform of every statement.
const Platform = "Tidbit"

// Recorder turns progress records into outbox items. A nil *Recorder is
// valid and records nothing: that is what callers hold when no LRS is
// configured. Its methods match app/learn's Outbox hook, so a Recorder is
// plugged into a session as is.
type Recorder struct {
	cfg   Config
	actor Agent
}

// NewRecorder checks cfg and returns a recorder for it.
func NewRecorder(cfg Config) (*Recorder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.normalized()
	return &Recorder{cfg: cfg, actor: cfg.actor()}, nil
}

// LoadRecorder returns the recorder for the stored configuration, or nil
// (records nothing) when none is set. An invalid configuration is an error;
// callers should go on without a recorder and let `tidbit doctor` show it.
func LoadRecorder(ctx context.Context, st *store.Store) (*Recorder, error) {
	cfg, ok, err := Load(ctx, st)
	if err != nil || !ok {
		return nil, err
	}
	return NewRecorder(cfg)
}

// Started describes the opening of a lesson: experienced.
func (r *Recorder) Started(l store.Lesson, a store.Attempt) []store.OutboxItem {
	if r == nil {
		return nil
	}
	return r.items(r.StartedStatement(l, a))
}

// StartedStatement is the statement of Started.
func (r *Recorder) StartedStatement(l store.Lesson, a store.Attempt) Statement {
	return Statement{
		ID: StatementID(r.actor, "experienced", a.ID), Actor: r.actor, Verb: Experienced,
		Object: r.lesson(l, true), Context: r.context(a.ID, nil), Timestamp: Timestamp(a.StartedAt),
	}
}

// Answered describes one answer: answered, with the question as a choice
// interaction, the learner's response and whether it was right.
func (r *Recorder) Answered(l store.Lesson, q store.Question, a store.Answer) []store.OutboxItem {
	if r == nil {
		return nil
	}
	return r.items(r.AnsweredStatement(l, q, a))
}

// AnsweredStatement is the statement of Answered. A spaced-repetition
// review the learner graded themselves (they recalled the answer, saw it,
// and said how well they knew it: no option was chosen) is a likert
// interaction: its scale is Again, Hard, Good, Easy, its response the
// grade, and success means anything but Again, as the review card counts
// it.
func (r *Recorder) AnsweredStatement(l store.Lesson, q store.Question, a store.Answer) Statement {
	lang := r.cfg.Language
	def := &Definition{
		Description:     LangMap{lang: q.Prompt},
		Type:            TypeInteraction,
		InteractionType: "choice",
	}
	if l.Title != "" {
		def.Name = LangMap{lang: l.Title + ": question " + strconv.Itoa(q.Ord+1)}
	}
	if len(a.Chosen) == 0 && a.Rating >= 1 && a.Rating <= len(recallScale) {
		def.InteractionType = "likert"
		for _, g := range recallScale {
			def.Scale = append(def.Scale, InteractionComponent{ID: g.id, Description: LangMap{lang: g.text}})
		}
		response := recallScale[a.Rating-1].id
		return Statement{
			ID: StatementID(r.actor, "answered", a.ID), Actor: r.actor, Verb: Answered,
			Object:  Activity{ObjectType: "Activity", ID: r.iri("questions", q.ID), Definition: def},
			Result:  &Result{Success: ptr(a.Correct), Response: &response, Duration: Duration(a.Duration)},
			Context: r.context(a.AttemptID, []Activity{r.lesson(l, false)}), Timestamp: Timestamp(a.AnsweredAt),
		}
	}
	var right []string
	for i, o := range q.Options {
		def.Choices = append(def.Choices, InteractionComponent{ID: choiceID(i), Description: LangMap{lang: o.Text}})
		if o.Correct {
			right = append(right, choiceID(i))
		}
	}
	def.CorrectResponsesPattern = []string{strings.Join(right, "[,]")}
	var resp []string
	for _, c := range a.Chosen {
		resp = append(resp, choiceID(c))
	}
	response := strings.Join(resp, "[,]")
	return Statement{
		ID: StatementID(r.actor, "answered", a.ID), Actor: r.actor, Verb: Answered,
		Object:  Activity{ObjectType: "Activity", ID: r.iri("questions", q.ID), Definition: def},
		Result:  &Result{Success: ptr(a.Correct), Response: &response, Duration: Duration(a.Duration)},
		Context: r.context(a.AttemptID, []Activity{r.lesson(l, false)}), Timestamp: Timestamp(a.AnsweredAt),
	}
}

// recallScale is the self-grade of a review, 1 (Again) to 4 (Easy), as
// FSRS rates it.
var recallScale = []struct{ id, text string }{
	{"again", "Again: I did not remember"}, {"hard", "Hard: I remembered with effort"},
	{"good", "Good: I remembered"}, {"easy", "Easy: I knew it at once"},
}

// choiceID names option i (0-based) as the learner sees it: "1", "2"...
func choiceID(i int) string { return strconv.Itoa(i + 1) }

// Finished describes the end of an attempt. Only a completed attempt says
// anything: completed, and for a lesson or quiz with answers, passed or
// failed against the threshold with the score. Reviews (spaced repetition
// of single questions) are not graded as a quiz; their answers already
// went out one by one. An abandoned attempt leaves its experienced and
// answered statements, which is what happened.
func (r *Recorder) Finished(l store.Lesson, a store.Attempt, res store.AttemptResult) []store.OutboxItem {
	if r == nil {
		return nil
	}
	return r.items(r.FinishedStatements(l, a, res)...)
}

// FinishedStatements are the statements of Finished.
func (r *Recorder) FinishedStatements(l store.Lesson, a store.Attempt, res store.AttemptResult) []Statement {
	if res.Outcome != "completed" {
		return nil
	}
	dur := Duration(time.Duration(res.Seconds) * time.Second)
	out := []Statement{{
		ID: StatementID(r.actor, "completed", res.AttemptID), Actor: r.actor, Verb: Completed, Object: r.lesson(l, true),
		Result:  &Result{Completion: ptr(true), Duration: dur},
		Context: r.context(res.AttemptID, nil), Timestamp: Timestamp(res.FinishedAt),
	}}
	if res.Answered <= 0 || a.Kind == "review" {
		return out
	}
	correct := min(max(res.Correct, 0), res.Answered)
	scaled := math.Round(float64(correct)/float64(res.Answered)*1e4) / 1e4
	pass := float64(correct) >= r.cfg.PassThreshold*float64(res.Answered)-1e-9
	verb := Failed
	if pass {
		verb = Passed
	}
	out = append(out, Statement{
		// passed and failed share one id: an attempt can only ever get one.
		ID: StatementID(r.actor, "score", res.AttemptID), Actor: r.actor, Verb: verb, Object: r.lesson(l, true),
		Result: &Result{
			Score:   &Score{Scaled: ptr(scaled), Raw: ptr(float64(correct)), Min: ptr(0.0), Max: ptr(float64(res.Answered))},
			Success: ptr(pass), Completion: ptr(true), Duration: dur,
		},
		Context: r.context(res.AttemptID, nil), Timestamp: Timestamp(res.FinishedAt),
	})
	return out
}

// Mastered describes the learner model's judgement that a skill is
// mastered, with the mastery probability as the scaled score. basis names
// what the judgement rests on (e.g. the id of the answer after which the
// model crossed its threshold): the same skill and basis give the same
// statement, so asking twice sends one; "" means once per skill ever.
// The caller enqueues the items (store.Enqueue, or EnqueueTx inside the
// transaction that saves the model) — see EnqueueMastered.
func (r *Recorder) Mastered(skillID, skillName string, mastery float64, basis string, at time.Time) []store.OutboxItem {
	if r == nil {
		return nil
	}
	return r.items(r.MasteredStatement(skillID, skillName, mastery, basis, at))
}

// MasteredStatement is the statement of Mastered.
func (r *Recorder) MasteredStatement(skillID, skillName string, mastery float64, basis string, at time.Time) Statement {
	def := &Definition{Type: TypeObjective}
	if skillName != "" {
		def.Name = LangMap{r.cfg.Language: skillName}
	}
	var res *Result
	if !math.IsNaN(mastery) {
		p := math.Round(min(max(mastery, 0), 1)*1e4) / 1e4
		res = &Result{Score: &Score{Scaled: &p}, Success: ptr(true)}
	}
	return Statement{
		ID: StatementID(r.actor, "mastered", skillID, basis), Actor: r.actor, Verb: Mastered,
		Object: Activity{ObjectType: "Activity", ID: r.iri("skills", skillID), Definition: def},
		Result: res, Context: r.context("", nil), Timestamp: Timestamp(at),
	}
}

// EnqueueMastered queues Mastered's statement in the outbox; with a nil
// recorder it does nothing.
func (r *Recorder) EnqueueMastered(ctx context.Context, st *store.Store, skillID, skillName string, mastery float64, basis string, at time.Time) error {
	for _, it := range r.Mastered(skillID, skillName, mastery, basis, at) {
		if err := st.Enqueue(ctx, it); err != nil {
			return fmt.Errorf("queueing mastered %s: %w", skillID, err)
		}
	}
	return nil
}

func (r *Recorder) lesson(l store.Lesson, full bool) Activity {
	a := Activity{ObjectType: "Activity", ID: r.iri("lessons", l.ID), Definition: &Definition{Type: TypeLesson}}
	if full && l.Title != "" {
		a.Definition.Name = LangMap{r.cfg.Language: l.Title}
	}
	return a
}

func (r *Recorder) context(registration string, parent []Activity) *Context {
	c := &Context{Platform: Platform, Language: r.cfg.Language}
	if isUUID(registration) {
		c.Registration = registration
	}
	if len(parent) > 0 {
		c.ContextActivities = &ContextActivities{Parent: parent}
	}
	return c
}

// iri is the activity id of one lesson, question or skill. Ids may contain
// slashes ("lesson/q1"), which are escaped so the id stays one segment.
func (r *Recorder) iri(kind, id string) string {
	return r.cfg.IRIBase + kind + "/" + url.PathEscape(id)
}

func (r *Recorder) items(sts ...Statement) []store.OutboxItem {
	out := make([]store.OutboxItem, 0, len(sts))
	for _, s := range sts {
		b, err := json.Marshal(s)
		if err != nil {
			// Only strings, finite numbers and times go in, so this does
			// not happen; a statement that cannot be encoded is skipped
			// rather than blocking the learner's progress.
			continue
		}
		out = append(out, store.OutboxItem{ID: s.ID, Kind: OutboxKind, Payload: string(b)})
	}
	return out
}

// isUUID: xAPI's registration must be a UUID; attempt ids are, but a
// caller's custom ids might not be, and an invalid one would make the LRS
// refuse the statement.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
				return false
			}
		}
	}
	return true
}

func ptr[T any](v T) *T { return &v }

// Mastery thresholds for the mastered statement: the knowledge-tracing
// model must give at least MasteredP with at least MasteredAnswers answers
// on the skill behind it.
const (
	MasteredP       = 0.85
	MasteredAnswers = 5
)

// EnqueueMasteredSkills queues a mastered statement for each of skills the
// mastery estimate puts over the thresholds. Each skill is reported once
// ever: the statement id depends only on the learner and the skill, and the
// outbox keeps an id once (sent or not). It returns how many it queued now
// or before.
func (r *Recorder) EnqueueMasteredSkills(ctx context.Context, st *store.Store, m learner.Mastery, skills []string,
	name func(skill string) string, at time.Time) (int, error) {
	if r == nil || m == nil {
		return 0, nil
	}
	n := 0
	for _, sk := range skills {
		e := m.Estimate(sk)
		if e.Answered < MasteredAnswers || !(e.P >= MasteredP) {
			continue
		}
		if err := r.EnqueueMastered(ctx, st, sk, name(sk), e.P, "", at); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
