package revlog

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/tidbit-learn/tidbit/app/learner/fsrs"
)

// Options sets how review times become days.
type Options struct {
	// DayStartHour is the hour (0-23) at which a new day starts, in
	// Location: reviews before it count for the previous day.
	DayStartHour int
	// Location is the learner's time zone; nil means UTC.
	Location *time.Location
}

// DefaultOptions starts days at 04:00 UTC (see the package comment).
func DefaultOptions() Options { return Options{DayStartHour: 4, Location: time.UTC} }

// minTime is 2006-01-01 UTC: the fsrs-optimizer drops earlier reviews.
var minTime = time.Date(2006, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

// Review is a kept row with its elapsed days.
type Review struct {
	Row
	// DeltaT is the number of days since the card's previous kept review:
	// 0 for the first review and for reviews the same day.
	DeltaT int
}

// Card is one card's kept history, in time order.
type Card struct {
	ID      string
	Reviews []Review
}

// Events returns the history as Fit and Replay take it.
func (c *Card) Events() []fsrs.ReviewEvent {
	out := make([]fsrs.ReviewEvent, len(c.Reviews))
	for i, r := range c.Reviews {
		out[i] = fsrs.ReviewEvent{Rating: fsrs.Rating(r.Rating), DeltaT: r.DeltaT}
	}
	return out
}

// Stats counts what Build kept and dropped.
type Stats struct {
	Rows           int `json:"rows"`
	Cards          int `json:"cards"`
	Before2006     int `json:"dropped_before_2006"`
	BeforeLearning int `json:"dropped_before_last_learning_start"`
	NoLearning     int `json:"cards_without_learning_start"`
	NoLearningRows int `json:"dropped_rows_of_cards_without_learning_start"`
	Manual         int `json:"dropped_manual"`
	Kept           int `json:"kept_rows"`
	KeptCards      int `json:"kept_cards"`
	Scored         int `json:"scored_reviews"`
}

// Dataset is a review log turned into histories.
type Dataset struct {
	Cards   []Card
	Stats   Stats
	Options Options
}

// Ref points at a review in a Dataset.
type Ref struct{ Card, Review int }

// Build groups rows by card and applies the rules of the package comment.
// Cards keep the order of their first row in rows.
func Build(rows []Row, opt Options) (*Dataset, error) {
	if opt.DayStartHour < 0 || opt.DayStartHour > 23 {
		return nil, fmt.Errorf("day start hour %d: want 0-23", opt.DayStartHour)
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	ds := &Dataset{Options: opt}
	ds.Stats.Rows = len(rows)
	index := make(map[string]int)
	var groups [][]Row
	hasStates := false
	for _, r := range rows {
		if r.Rating < 0 || r.Rating > 4 {
			return nil, fmt.Errorf("line %d: rating %d: want 0-4", r.Line, r.Rating)
		}
		if r.State < StateUnknown || r.State > StateManual {
			return nil, fmt.Errorf("line %d: state %d: want 0-5", r.Line, r.State)
		}
		hasStates = hasStates || r.State != StateUnknown
		i, ok := index[r.CardID]
		if !ok {
			i = len(groups)
			index[r.CardID] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], r)
	}
	ds.Stats.Cards = len(groups)
	for _, g := range groups {
		slices.SortStableFunc(g, func(a, b Row) int { return cmp.Compare(a.Time, b.Time) })
		kept := g[:0]
		for _, r := range g {
			if r.Time < minTime {
				ds.Stats.Before2006++
				continue
			}
			kept = append(kept, r)
		}
		g = kept
		if len(g) == 0 {
			continue
		}
		if hasStates {
			start := -1
			for i := len(g) - 1; i >= 0; i-- {
				if learning := g[i].State == StateNew || g[i].State == StateLearning; learning {
					start = i
				} else if start >= 0 {
					break
				}
			}
			if start < 0 {
				ds.Stats.NoLearning++
				ds.Stats.NoLearningRows += len(g)
				continue
			}
			ds.Stats.BeforeLearning += start
			g = g[start:]
		}
		card := Card{ID: g[0].CardID}
		var prevDay int64
		for _, r := range g {
			if r.Rating == 0 || r.State == StateManual {
				ds.Stats.Manual++
				continue
			}
			day := dayOf(r.Time, opt)
			rv := Review{Row: r}
			if len(card.Reviews) > 0 {
				rv.DeltaT = int(max(0, min(day-prevDay, math.MaxInt32)))
			}
			prevDay = day
			card.Reviews = append(card.Reviews, rv)
		}
		if len(card.Reviews) == 0 {
			continue
		}
		ds.Stats.Kept += len(card.Reviews)
		for i, rv := range card.Reviews {
			if i > 0 && rv.DeltaT > 0 {
				ds.Stats.Scored++
			}
		}
		ds.Cards = append(ds.Cards, card)
	}
	ds.Stats.KeptCards = len(ds.Cards)
	return ds, nil
}

// dayOf numbers the local calendar date of (ms - day start hour).
func dayOf(ms int64, opt Options) int64 {
	ms -= int64(opt.DayStartHour) * 3_600_000
	if opt.Location == time.UTC {
		return floorDiv(ms, 86_400_000)
	}
	y, m, d := time.UnixMilli(ms).In(opt.Location).Date()
	return floorDiv(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), 86_400)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// Histories returns every card's events, for fsrs.Fit.
func (ds *Dataset) Histories() [][]fsrs.ReviewEvent {
	out := make([][]fsrs.ReviewEvent, len(ds.Cards))
	for i := range ds.Cards {
		out[i] = ds.Cards[i].Events()
	}
	return out
}

// Scored lists the scored reviews (not a card's first, a day or more after
// the previous review) in time order, ties broken by card and position:
// the order of fsrs-rs's items, which its recency weights follow.
func (ds *Dataset) Scored() []Ref {
	var refs []Ref
	for c := range ds.Cards {
		for i, rv := range ds.Cards[c].Reviews {
			if i > 0 && rv.DeltaT > 0 {
				refs = append(refs, Ref{c, i})
			}
		}
	}
	slices.SortFunc(refs, func(a, b Ref) int {
		return cmp.Or(
			cmp.Compare(ds.Cards[a.Card].Reviews[a.Review].Time, ds.Cards[b.Card].Reviews[b.Review].Time),
			cmp.Compare(a.Card, b.Card),
			cmp.Compare(a.Review, b.Review))
	})
	return refs
}

// Result holds the metrics of one weight set.
type Result struct {
	// Plain counts every scored review once: the srs-benchmark figures.
	Plain fsrs.Metrics `json:"plain"`
	// FSRSRS weighs scored reviews by recency in time order: what fsrs-rs's
	// FSRS::evaluate (Anki's Evaluate button) reports. Its AUC is
	// unweighted.
	FSRSRS fsrs.Metrics `json:"fsrs_rs_evaluate"`
}

// Evaluate scores weights w on the dataset.
func (ds *Dataset) Evaluate(w [fsrs.NumWeights]float64) (Result, error) {
	steps := ds.replay(w)
	refs := ds.Scored()
	outs := make([]fsrs.Outcome, len(refs))
	for i, r := range refs {
		outs[i] = steps[r.Card][r.Review].Outcome
	}
	var res Result
	var err error
	if res.Plain, err = fsrs.Evaluate(outs, nil); err != nil {
		return res, err
	}
	res.FSRSRS, err = fsrs.Evaluate(outs, fsrs.RecencyWeights(len(outs)))
	return res, err
}

func (ds *Dataset) replay(w [fsrs.NumWeights]float64) [][]fsrs.Step {
	steps := make([][]fsrs.Step, len(ds.Cards))
	for c := range ds.Cards {
		steps[c] = fsrs.Replay(w, ds.Cards[c].Events())
	}
	return steps
}

// TraceHeader is the column line of WriteTrace.
const TraceHeader = "card_id,review_time,rating,elapsed_days,r,s,d"

// WriteTrace writes one line per kept review with weights w: r is the
// retrievability predicted just before the review (empty for a card's first
// review; 1 for a same-day review, which is not scored), s and d the memory
// state after it. Cards come in dataset order, reviews in time order.
func (ds *Dataset) WriteTrace(out io.Writer, w [fsrs.NumWeights]float64) error {
	bw := bufio.NewWriter(out)
	bw.WriteString(TraceHeader + "\n")
	f := func(b []byte, x float64) []byte { return strconv.AppendFloat(b, x, 'g', 8, 64) }
	var buf []byte
	for c, steps := range ds.replay(w) {
		card := &ds.Cards[c]
		for i, st := range steps {
			rv := card.Reviews[i]
			buf = appendField(buf[:0], card.ID)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, rv.Time, 10)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(rv.Rating), 10)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(rv.DeltaT), 10)
			buf = append(buf, ',')
			if i > 0 {
				buf = f(buf, st.R)
			}
			buf = append(buf, ',')
			buf = f(buf, st.S)
			buf = append(buf, ',')
			buf = f(buf, st.D)
			buf = append(buf, '\n')
			if _, err := bw.Write(buf); err != nil {
				return fmt.Errorf("writing trace: %w", err)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing trace: %w", err)
	}
	return nil
}
