// Package storepick is the glue between the pure learner model
// (app/learner) and the store: it makes the recommender an app/learn Picker,
// schedules answered questions with FSRS-6 (Cards), keeps the learner's
// knowledge-tracing state up to date from the answer log (KTMastery) and
// fits personal FSRS weights once there are enough answers (RefitIfDue).
// On every Next it reads the library, the profile, the mastery and the
// review cards, builds a Recommender and asks it for one pick. Lessons
// completed before cards were kept fall back to a forgetting curve over
// their completions. app/learner stays free of SQL and app/learn free of
// the model.
package storepick

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/tidbit-learn/tidbit/app/learn"
	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/learner/fsrs"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

// Picker implements learn.Picker with the learner recommender.
type Picker struct {
	Store    *store.Store
	Taxonomy *assets.Taxonomy
	// Minutes is the time the moment offers; 0 means no practical limit
	// (a terminal session the learner started on purpose).
	Minutes int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Meeting returns the title of an upcoming meeting, if any; nil means
	// none. Errors are ignored: a missing calendar must not block learning.
	Meeting func(ctx context.Context) (string, error)
	// MeetingSkills are skills the local model read into the meeting's
	// title (app/personal's cache); they add to the keyword matching.
	MeetingSkills []string
	// Assignments lists assigned lessons; nil means none.
	Assignments []learner.Assignment
	// Seed fixes the recommender's random source; 0 derives it from the
	// day and the number of completed lessons, so picks are reproducible
	// for a given state yet vary from day to day.
	Seed uint64
}

var _ learn.Picker = Picker{}

// Next implements learn.Picker.
func (p Picker) Next(ctx context.Context) (learn.Pick, error) {
	pk, err := p.Pick(ctx)
	if err != nil {
		return learn.Pick{}, err
	}
	return learn.Pick{LessonID: pk.LessonID, Reason: pk.Reason, Review: pk.Kind == learner.KindReview}, nil
}

// Pick returns the full pick (kind, skill, predicted success...).
func (p Picker) Pick(ctx context.Context) (learner.Pick, error) {
	if p.Store == nil || p.Taxonomy == nil {
		return learner.Pick{}, errors.New("storepick: store and taxonomy are required")
	}
	now := time.Now()
	if p.Now != nil {
		now = p.Now()
	}
	lib, err := p.Store.Library(ctx)
	if err != nil {
		return learner.Pick{}, fmt.Errorf("reading the library: %w", err)
	}
	if len(lib) == 0 {
		return learner.Pick{}, learn.ErrNothingToLearn
	}
	prof, err := p.Store.Profile(ctx)
	if err != nil {
		return learner.Pick{}, fmt.Errorf("reading the profile: %w", err)
	}
	profile, err := learner.BuildProfile(p.Taxonomy, ProfileInput(ctx, p.Store, prof))
	if err != nil {
		return learner.Pick{}, err
	}
	mastery, err := KTMastery(ctx, p.Store)
	if err != nil {
		return learner.Pick{}, fmt.Errorf("updating the knowledge-tracing state: %w", err)
	}

	lessons := make([]learner.Lesson, 0, len(lib))
	var hist learner.History
	var done []store.LessonSummary
	for _, l := range lib {
		lessons = append(lessons, learner.Lesson{ID: l.ID, Title: l.Title, Skills: l.Skills, Level: l.Level,
			Minutes: l.Minutes, Prereqs: l.Prereqs})
		if l.Completed > 0 {
			hist.Completed = append(hist.Completed, l.ID)
			done = append(done, l)
		}
	}
	// Recent picks, oldest first, as far as the store knows them: the last
	// completion of each lesson.
	sort.SliceStable(done, func(i, j int) bool { return done[i].LastDoneAt < done[j].LastDoneAt })
	for _, l := range done[max(0, len(done)-8):] {
		k := learner.KindNew
		if l.Completed > 1 {
			k = learner.KindReview
		}
		hist.Recent = append(hist.Recent, learner.Past{LessonID: l.ID, Kind: k})
	}
	last, err := p.Store.LastLesson(ctx)
	if err != nil {
		return learner.Pick{}, fmt.Errorf("reading the last lesson: %w", err)
	}
	if last != "" && (len(hist.Recent) == 0 || hist.Recent[len(hist.Recent)-1].LessonID != last) {
		// The last attempt may be unfinished: still never offer it twice in a row.
		hist.Recent = append(hist.Recent, learner.Past{LessonID: last, Kind: learner.KindNew})
	}

	reviews, err := p.reviews(ctx, done)
	if err != nil {
		return learner.Pick{}, err
	}
	seed := p.Seed
	if seed == 0 {
		h := fnv.New64a()
		fmt.Fprintf(h, "%s/%d", now.Format(time.DateOnly), len(hist.Completed))
		seed = h.Sum64()
	}
	rec, err := learner.New(learner.Config{Taxonomy: p.Taxonomy, Lessons: lessons, Profile: profile, Mastery: mastery,
		Reviews: reviews, Assignments: p.Assignments, History: hist,
		// One pick is one sitting here (a terminal session or a pop-up), so
		// reviews get every other sitting at most: with a backlog of due
		// reviews, new lessons still keep coming (two in a row left 2 of the
		// 27 starter lessons unseen after 81 sittings).
		MaxReviewRun: 1,
		Rand:         rand.New(rand.NewPCG(seed, seed>>1|1))})
	if err != nil {
		return learner.Pick{}, err
	}
	m := learner.Moment{Minutes: p.Minutes, Time: now}
	if m.Minutes <= 0 {
		m.Minutes = 1 << 20
	}
	if p.Meeting != nil {
		if title, err := p.Meeting(ctx); err == nil {
			m.MeetingTitle = title
			m.MeetingSkills = p.MeetingSkills
		}
	}
	pk, err := rec.Next(ctx, m)
	if errors.Is(err, learner.ErrNothingToLearn) {
		return pk, learn.ErrNothingToLearn
	}
	return pk, err
}

// completionReviews stands in for stored FSRS cards: a lesson completed n
// times, last at T, is taken to have the stability of n successive Good
// reviews under FSRS-6 default weights (first 2.3 days, then about
// threefold each time) and is due once the forgetting curve drops below
// 90 %.
type completionReviews struct {
	sched *fsrs.Scheduler
	done  []store.LessonSummary
}

func newCompletionReviews(done []store.LessonSummary) *completionReviews {
	return &completionReviews{sched: fsrs.MustDefault(), done: done}
}

func (c *completionReviews) Due(now time.Time, limit int) []learner.DueReview {
	var out []learner.DueReview
	w := c.sched.Weights()
	for _, l := range c.done {
		if l.LastDoneAt <= 0 {
			continue
		}
		s := w[2]
		for i := 1; i < min(l.Completed, 20); i++ {
			s *= 3
		}
		last := time.UnixMilli(l.LastDoneAt)
		days := now.Sub(last).Hours() / 24
		if days < 0 {
			continue // clock skew: a completion in the future is not due
		}
		r := c.sched.ForgettingCurve(days, s)
		if r >= 0.9 {
			continue
		}
		out = append(out, learner.DueReview{LessonID: l.ID, Due: last.Add(time.Duration(s * 24 * float64(time.Hour))), Retrievability: r})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Retrievability < out[j].Retrievability })
	if limit >= 0 && len(out) > limit { // a negative limit means all
		out = out[:limit]
	}
	return out
}
