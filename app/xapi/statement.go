// Package xapi reports the learner's progress to a Learning Record Store
// (LRS) as xAPI 1.0.3 statements, when — and only when — the learner or
// their employer configured one (setting "xapi.lrs").
//
// Statements are built from the progress records themselves and travel in
// the store's outbox: the Recorder hands them to app/store, which writes
// them in the same transaction as the attempt, answer or result they
// describe, so a statement never exists without its progress or the
// reverse. The Sender later posts them in batches with retries and backoff.
// Every statement id is a UUID v5 of the record it describes, so a resend
// (after a crash, a lost answer or a restarted LRS) never duplicates: the
// LRS keeps one statement per id.
//
// Verbs (ADL): experienced (a lesson opened), answered (each question, as a
// cmi.interaction of type choice with its choices and correct response
// pattern), completed (a lesson finished), passed or failed (the quiz
// against a threshold, 80 % by default) and mastered (a skill, when the
// learner model says so; the caller invokes Recorder.Mastered).
//
// Activity ids are IRIs under a configurable base (default
// https://tidbit.app/xapi/): they identify lessons, questions and skills and
// are never fetched.
//
// Credentials live in the 0600 database only; Config redacts the password
// in every printed form and the Sender never puts it in an error.
package xapi

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Version is the xAPI version Tidbit speaks (the X-Experience-API-Version
// header).
const Version = "1.0.3"

// OutboxKind is the store outbox kind of xAPI statements.
const OutboxKind = "xapi"

// Statement is one xAPI statement, with just the parts Tidbit writes.
type Statement struct {
	ID        string    `json:"id"`
	Actor     Agent     `json:"actor"`
	Verb      Verb      `json:"verb"`
	Object    Activity  `json:"object"`
	Result    *Result   `json:"result,omitempty"`
	Context   *Context  `json:"context,omitempty"`
	Timestamp Timestamp `json:"timestamp"`
}

// Agent identifies the learner by mbox or by an account on a system.
type Agent struct {
	ObjectType string   `json:"objectType"` // Agent
	Name       string   `json:"name,omitempty"`
	Mbox       string   `json:"mbox,omitempty"` // mailto:...
	Account    *Account `json:"account,omitempty"`
}

// Account is an agent's account on a system (homePage is the system's IRL).
type Account struct {
	HomePage string `json:"homePage"`
	Name     string `json:"name"`
}

// LangMap is an xAPI language map: language tag → text.
type LangMap map[string]string

// Verb is an xAPI verb.
type Verb struct {
	ID      string  `json:"id"`
	Display LangMap `json:"display"`
}

// The ADL verbs Tidbit uses.
var (
	Experienced = adl("experienced")
	Answered    = adl("answered")
	Completed   = adl("completed")
	Passed      = adl("passed")
	Failed      = adl("failed")
	Mastered    = adl("mastered")
)

func adl(name string) Verb {
	return Verb{ID: "http://adlnet.gov/expapi/verbs/" + name, Display: LangMap{"en-US": name}}
}

// Activity types.
const (
	TypeLesson      = "http://adlnet.gov/expapi/activities/lesson"
	TypeInteraction = "http://adlnet.gov/expapi/activities/cmi.interaction"
	TypeObjective   = "http://adlnet.gov/expapi/activities/objective" // a skill
)

// Activity is a statement's object: a lesson, a question or a skill.
type Activity struct {
	ObjectType string      `json:"objectType"` // Activity
	ID         string      `json:"id"`
	Definition *Definition `json:"definition,omitempty"`
}

// Definition describes an activity; the interaction fields are set for
// questions only.
type Definition struct {
	Name                    LangMap                `json:"name,omitempty"`
	Description             LangMap                `json:"description,omitempty"`
	Type                    string                 `json:"type,omitempty"`
	InteractionType         string                 `json:"interactionType,omitempty"` // choice, likert
	CorrectResponsesPattern []string               `json:"correctResponsesPattern,omitempty"`
	Choices                 []InteractionComponent `json:"choices,omitempty"`
	Scale                   []InteractionComponent `json:"scale,omitempty"` // likert
}

// InteractionComponent is one choice of a question.
type InteractionComponent struct {
	ID          string  `json:"id"`
	Description LangMap `json:"description"`
}

// Result is the outcome a statement reports.
type Result struct {
	Score      *Score  `json:"score,omitempty"`
	Success    *bool   `json:"success,omitempty"`
	Completion *bool   `json:"completion,omitempty"`
	Response   *string `json:"response,omitempty"`
	Duration   string  `json:"duration,omitempty"` // ISO 8601, e.g. PT1M4.25S
}

// Score of a quiz. Scaled is in [-1, 1]; Raw lies in [Min, Max].
type Score struct {
	Scaled *float64 `json:"scaled,omitempty"`
	Raw    *float64 `json:"raw,omitempty"`
	Min    *float64 `json:"min,omitempty"`
	Max    *float64 `json:"max,omitempty"`
}

// Context places a statement: Registration groups the statements of one
// attempt (its id), Parent is the lesson of a question.
type Context struct {
	Registration      string             `json:"registration,omitempty"`
	Platform          string             `json:"platform,omitempty"`
	Language          string             `json:"language,omitempty"`
	ContextActivities *ContextActivities `json:"contextActivities,omitempty"`
}

// ContextActivities relates a statement to other activities.
type ContextActivities struct {
	Parent []Activity `json:"parent,omitempty"`
}

// Timestamp is a UTC time written with millisecond precision, as xAPI
// recommends.
type Timestamp time.Time

// MarshalJSON implements json.Marshaler.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Time(t).UTC().Format("2006-01-02T15:04:05.000Z"))
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	*t = Timestamp(v)
	return nil
}

// Duration formats d as an ISO 8601 duration with at most hundredths of a
// second (xAPI's precision): 0 → PT0S, 64.25 s → PT1M4.25S. Negative
// durations (a clock that went backwards) are written as PT0S.
func Duration(d time.Duration) string {
	cs := int64(math.Round(float64(d) / float64(10*time.Millisecond)))
	if cs <= 0 {
		return "PT0S"
	}
	h, cs := cs/360000, cs%360000
	m, cs := cs/6000, cs%6000
	var b strings.Builder
	b.WriteString("PT")
	if h > 0 {
		b.WriteString(strconv.FormatInt(h, 10) + "H")
	}
	if m > 0 {
		b.WriteString(strconv.FormatInt(m, 10) + "M")
	}
	if cs > 0 || (h == 0 && m == 0) {
		s := strconv.FormatInt(cs/100, 10)
		if frac := cs % 100; frac != 0 {
			s += strings.TrimRight(fmt.Sprintf(".%02d", frac), "0")
		}
		b.WriteString(s + "S")
	}
	return b.String()
}

// namespace is the UUID v5 namespace of Tidbit's statement ids.
var namespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://tidbit.app/xapi/statement"))

// StatementID is the fixed id of the statement about one record: the same
// actor, kind and record always give the same id, so a resend is dropped by
// the LRS as a duplicate instead of being stored twice. kind separates the
// statements about one record ("experienced" and "completed" of the same
// attempt); passed and failed share the kind "score" so that an attempt can
// never get both.
func StatementID(actor Agent, kind string, record ...string) string {
	var b strings.Builder
	b.WriteString(actorKey(actor))
	b.WriteString("\x00" + kind)
	for _, r := range record {
		b.WriteString("\x00" + r)
	}
	return uuid.NewSHA1(namespace, []byte(b.String())).String()
}

// actorKey is the inverse functional identifier of an agent.
func actorKey(a Agent) string {
	if a.Mbox != "" {
		return a.Mbox
	}
	if a.Account != nil {
		return "account:" + a.Account.HomePage + "\x00" + a.Account.Name
	}
	return ""
}
