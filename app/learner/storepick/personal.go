package storepick

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/learner/fsrs"
	"github.com/tidbit-learn/tidbit/app/learner/kt"
	"github.com/tidbit-learn/tidbit/app/store"
)

// Settings keys of the learner's personal models.
const (
	SettingFSRSWeights = "learner.fsrs_weights"
	SettingKTState     = "learner.kt_state"
)

// PersonalWeights are FSRS-6 weights fitted to the learner's own answers.
type PersonalWeights struct {
	W              []float64 `json:"w,omitempty"` // empty: the defaults fit better (or no fit yet)
	FittedAt       time.Time `json:"fitted_at"`
	Answers        int       `json:"answers"` // answers in the log at the fit
	LogLoss        float64   `json:"log_loss"`
	InitialLogLoss float64   `json:"initial_log_loss"`
}

// MinAnswersToFit is how many answers a learner needs before Tidbit fits
// personal weights; below it the defaults (fitted on millions of Anki
// reviews) predict better. Anki asks for about as many reviews.
const MinAnswersToFit = 400

// CardsFor returns the review scheduler for this learner: FSRS-6 with their
// personal weights when a fit beat the defaults, else the defaults.
func CardsFor(ctx context.Context, st *store.Store) (Cards, error) {
	var pw PersonalWeights
	if _, err := st.Setting(ctx, SettingFSRSWeights, &pw); err != nil || len(pw.W) != fsrs.NumWeights {
		return NewCards()
	}
	p := fsrs.DefaultParameters()
	p.W = pw.W
	p.LearningSteps, p.RelearningSteps = nil, nil
	s, err := fsrs.NewScheduler(p)
	if err != nil {
		// Stored weights that no longer validate: fall back, never fail a session.
		return NewCards()
	}
	return Cards{Scheduler: s}, nil
}

// RefitIfDue fits FSRS-6 weights to the learner's answers when there are at
// least MinAnswersToFit and the last fit is a week old or the log has grown
// by a fifth since. It keeps the fitted weights only when they predict the
// learner's own answers better than the defaults. Callers run it when the
// learner is not waiting (after a session, or from the daemon when idle).
func RefitIfDue(ctx context.Context, st *store.Store, now time.Time) (bool, error) {
	n, err := st.AnswerCount(ctx)
	if err != nil || n < MinAnswersToFit {
		return false, err
	}
	var last PersonalWeights
	if _, err := st.Setting(ctx, SettingFSRSWeights, &last); err != nil {
		return false, err
	}
	if !last.FittedAt.IsZero() && now.Sub(last.FittedAt) < 7*24*time.Hour && n < last.Answers*6/5 {
		return false, nil
	}
	type point struct {
		at      time.Time
		correct bool
		rating  int
	}
	byQuestion := map[string][]point{}
	if _, err := st.AnswersAfter(ctx, 0, func(e store.AnswerEvent) error {
		byQuestion[e.QuestionID] = append(byQuestion[e.QuestionID], point{e.At, e.Correct, e.Rating})
		return nil
	}); err != nil {
		return false, err
	}
	ids := make([]string, 0, len(byQuestion))
	for id := range byQuestion {
		ids = append(ids, id)
	}
	sort.Strings(ids) // a deterministic fit for a given log
	var cards [][]fsrs.ReviewEvent
	for _, id := range ids {
		pts := byQuestion[id]
		sort.SliceStable(pts, func(i, j int) bool { return pts[i].at.Before(pts[j].at) })
		times := make([]time.Time, len(pts))
		ratings := make([]fsrs.Rating, len(pts))
		for i, p := range pts {
			times[i], ratings[i] = p.at, ratingOf(p.correct, p.rating)
		}
		h, err := fsrs.HistoryFromReviews(times, ratings)
		if err != nil {
			return false, fmt.Errorf("review history of %s: %w", id, err)
		}
		cards = append(cards, h)
	}
	res, err := fsrs.Fit(cards, fsrs.FitOptions{})
	pw := PersonalWeights{FittedAt: now, Answers: n}
	if err == nil {
		pw.LogLoss, pw.InitialLogLoss = res.LogLoss, res.InitialLogLoss
		if res.Trained && res.LogLoss < res.InitialLogLoss {
			pw.W = res.W[:]
		}
	}
	// A failed fit (too few reviews a day apart) is remembered too, so it
	// is not retried at every session.
	if err := st.SetSetting(ctx, SettingFSRSWeights, pw); err != nil {
		return false, err
	}
	return len(pw.W) > 0, nil
}

// ktState is the knowledge-tracing state as stored: the State plus how far
// into the answer log it has read.
type ktState struct {
	Seq   int64           `json:"seq"`
	State json.RawMessage `json:"state"`
}

// KTMastery brings the learner's knowledge-tracing state up to date with the
// answers written since it was last saved, saves it, and returns it as the
// recommender's mastery. Replaying only what is new keeps a pick fast with
// a long history.
func KTMastery(ctx context.Context, st *store.Store) (learner.Mastery, error) {
	model := kt.DefaultModel()
	var saved ktState
	state := model.NewState()
	if ok, err := st.Setting(ctx, SettingKTState, &saved); err != nil {
		return nil, err
	} else if ok && len(saved.State) > 0 {
		if s, err := model.RestoreState(saved.State); err == nil {
			state = s
		} else {
			saved.Seq = 0 // a state this build cannot read: rebuild it from the log
		}
	}
	seq, err := st.AnswersAfter(ctx, saved.Seq, func(e store.AnswerEvent) error {
		if e.Skill != "" {
			state.Update(e.Skill, e.Correct)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if seq != saved.Seq {
		b, err := json.Marshal(state)
		if err != nil {
			return nil, err
		}
		if err := st.SetSetting(ctx, SettingKTState, ktState{Seq: seq, State: b}); err != nil {
			return nil, err
		}
	}
	return learner.KTMastery{State: state}, nil
}

// ratingOf is an answer's FSRS rating for fitting: the learner's own grade
// when they gave one on a review card, else Good for a right quiz answer
// and Again for a wrong one (as Cards.Next schedules them).
func ratingOf(correct bool, rating int) fsrs.Rating {
	if r := fsrs.Rating(rating); r.Valid() {
		return r
	}
	if correct {
		return fsrs.Good
	}
	return fsrs.Again
}
