package learner

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tidbit-learn/tidbit/assets"
)

// Kind says what sort of pick a Pick is.
type Kind string

const (
	KindAssigned    Kind = "assigned"    // someone assigned it and the due date is near
	KindReview      Kind = "review"      // spaced repetition says it is due
	KindNew         Kind = "new"         // a new lesson, mostly in a gap skill
	KindExploration Kind = "exploration" // a new lesson outside the learner's strongest categories and targets
)

// Lesson is what the recommender needs to know about one lesson.
type Lesson struct {
	ID      string
	Title   string
	Skills  []string // the first is the main skill
	Level   int      // 1-5
	Minutes int
	Prereqs []string // lesson ids that must be completed first
}

// Assignment is a lesson someone asked the learner to do by a date.
type Assignment struct {
	LessonID string
	Due      time.Time
	From     string // who assigned it, for the reason ("your manager"); may be empty
}

// DueReview is one lesson the spaced-repetition scheduler wants reviewed.
type DueReview struct {
	LessonID       string
	Due            time.Time
	Retrievability float64 // predicted recall now, 0-1
}

// Reviews reports due reviews (the FSRS scheduler provides them). Due
// returns at most limit items due at or before now, most urgent first.
type Reviews interface {
	Due(now time.Time, limit int) []DueReview
}

// Moment is the occasion a pick is for.
type Moment struct {
	Minutes      int       // time available; <= 0 means DefaultMomentMinutes
	Time         time.Time // now; the zero time disables due dates
	MeetingTitle string    // an upcoming meeting, if any
	// MeetingSkills are skill ids the meeting calls for beyond those its
	// title names (the local model's reading of it); used only with a
	// MeetingTitle, unknown ids ignored.
	MeetingSkills []string
}

// Pick is what to offer and why.
type Pick struct {
	LessonID string `json:"lesson_id"`
	Kind     Kind   `json:"kind"`
	Reason   string `json:"reason"` // one line for people

	Skill    string `json:"skill"`    // main skill of the lesson
	Category string `json:"category"` // its category
	Soft     bool   `json:"soft"`     // soft skill
	// Outside is true when the category is not among the learner's three
	// strongest at pick time (what the exploration share counts).
	Outside          bool    `json:"outside"`
	PredictedSuccess float64 `json:"predicted_success"`
	Minutes          int     `json:"minutes"`
}

// History is what happened before the recommender was built, so that
// shares and diversity carry over between runs.
type History struct {
	// Completed lists lessons completed at least once.
	Completed []string
	// Recent lists recent picks, oldest first (only the last few matter).
	Recent []Past
}

// Past is one earlier pick.
type Past struct {
	LessonID string
	Kind     Kind
}

// Config builds a Recommender. Taxonomy and Lessons are required.
type Config struct {
	Taxonomy    *assets.Taxonomy
	Lessons     []Lesson
	Profile     *Profile // nil: no targets
	Mastery     Mastery  // nil: every skill at the prior
	Reviews     Reviews  // nil: no reviews
	Assignments []Assignment
	History     History
	// Rand drives the exploration coin and tie-breaking jitter; picks are a
	// deterministic function of the inputs and this source. Nil means a
	// PCG source seeded with (1, 2).
	Rand *rand.Rand
	// Tunables; zero values take the defaults below.
	ExploreEvery int     // at least 1 in this many new picks is outside the strongest 3 categories (5)
	SoftEvery    int     // at least 1 in this many new picks is a soft skill, when soft content exists (4)
	Epsilon      float64 // chance of an exploration pick beyond the floor (0.1)
	// MaxReviewRun caps due reviews in a row while new lessons wait (3),
	// so a review backlog cannot starve new learning. Below the cap due
	// reviews go first, as in Anki: a review re-asks a lesson's questions,
	// about two minutes. In recsim (30 learners, seeds 1-3) runs of 1, 2, 3
	// and 6 gave about 48, 64, 72 and 81 % review picks; at 90 days a run
	// of 2 fell to 1.28-1.35x random's gain per minute, 3 kept 1.36-1.38x.
	MaxReviewRun int
	AssignLead   time.Duration // an assignment takes priority this long before its due date (72h)
	MMRLambda    float64       // relevance weight against similarity to recent picks (0.7)
}

// Defaults.
const (
	DefaultMomentMinutes = 10
	targetSuccess        = 0.78 // predicted success of a lesson at exactly the learner's level
	fitLow, fitHigh      = 0.70, 0.85
	topN                 = 16
	recentKeep           = 8
	// meetingBoost outweighs any gap: content for a meeting about to
	// happen is worth more now than anything else.
	meetingBoost = 5
	// poorFit is the fit score below which a new lesson counts as pitched
	// wrong (predicted success under about 55 % or over 97 %).
	poorFit = 0.2
	// catWindowLen and catPenalty set the calibration term: relevance
	// falls by catPenalty x the category's share of the last catWindowLen
	// picks.
	catWindowLen = 24
	catPenalty   = 6
)

// ErrNothingToLearn means the library is empty.
var ErrNothingToLearn = errors.New("the library is empty: import a pack with `tidbit import PATH`")

// ErrNoFit means no lesson fits in the minutes of the moment.
type ErrNoFit struct{ Minutes, Shortest int }

func (e *ErrNoFit) Error() string {
	return fmt.Sprintf("nothing fits in %d minutes: the shortest lesson takes %d", e.Minutes, e.Shortest)
}

// Recommender picks the next item. It is safe for concurrent use (calls are
// serialised); Next records each pick, Done records a completion.
type Recommender struct {
	mu  sync.Mutex
	cfg Config
	tax *assets.Taxonomy
	rng *rand.Rand

	matcher *Matcher

	// skills
	skillIDs   []string
	skillIdx   map[string]int32
	skillCat   []int16 // -1: unknown category
	skillSoft  []bool
	targetP    []float64 // 0: no target
	catNames   []string
	catIDs     []string
	catSkills  [][]int32
	softExists bool

	// lessons
	les        []Lesson
	lesIdx     map[string]int32
	lesMain    []int32 // -1: no skill
	lesLevel   []int8
	lesMinutes []int32
	lesPrereq  [][]int32
	done       []bool
	// frontier lists, in library order, the lessons not done whose
	// prerequisites are: the new-lesson candidates. Done keeps it, so a
	// pick scans the frontier, not the library.
	frontier   []int32
	dependents [][]int32 // lessons listing each lesson as a prerequisite
	shortest   int

	assign []Assignment

	// history
	recent      []int32 // lesson indexes, newest last, at most recentKeep
	newOutside  []bool  // for the last new picks, newest last
	newSoft     []bool
	sinceReview int // picks since the last review
	reviewRun   int // reviews in a row
	// catWindow holds the categories of the last catWindowLen picks
	// (reviews included); catRecent counts them per category.
	catWindow []int16
	catRecent []int

	// per-call scratch
	mast, unc, gap []float64
	evidence       []bool
	lm             []float64    // logit of mastery
	ps, fit        [][5]float64 // per level, filled lazily (psDone bit l-1)
	psDone         []uint8
	meeting        []bool
	strong         [3]int16
}

// New validates the config and indexes the library.
func New(cfg Config) (*Recommender, error) {
	if cfg.Taxonomy == nil {
		return nil, ErrNoTaxonomy
	}
	if cfg.ExploreEvery <= 0 {
		cfg.ExploreEvery = 5
	}
	if cfg.SoftEvery <= 0 {
		cfg.SoftEvery = 4
	}
	if cfg.Epsilon == 0 {
		cfg.Epsilon = 0.1
	}
	cfg.Epsilon = math.Max(0, math.Min(1, cfg.Epsilon))
	if cfg.MaxReviewRun <= 0 {
		cfg.MaxReviewRun = 3
	}
	if cfg.AssignLead <= 0 {
		cfg.AssignLead = 72 * time.Hour
	}
	if cfg.MMRLambda <= 0 || cfg.MMRLambda > 1 {
		cfg.MMRLambda = 0.7
	}
	r := &Recommender{cfg: cfg, tax: cfg.Taxonomy, rng: cfg.Rand, matcher: NewMatcher(cfg.Taxonomy), sinceReview: 1 << 30}
	if r.rng == nil {
		r.rng = rand.New(rand.NewPCG(1, 2))
	}
	tax := cfg.Taxonomy
	catIdx := map[string]int16{}
	for i, c := range tax.Categories {
		catIdx[c.ID] = int16(i)
		r.catIDs = append(r.catIDs, c.ID)
		r.catNames = append(r.catNames, c.Name)
	}
	r.catSkills = make([][]int32, len(tax.Categories))
	r.catRecent = make([]int, len(tax.Categories))
	r.skillIdx = map[string]int32{}
	addSkill := func(id string) int32 {
		if i, ok := r.skillIdx[id]; ok {
			return i
		}
		i := int32(len(r.skillIDs))
		r.skillIdx[id] = i
		r.skillIDs = append(r.skillIDs, id)
		cat, soft := int16(-1), false
		if s, ok := tax.Skill(id); ok {
			if c, ok := catIdx[s.Category]; ok {
				cat = c
				r.catSkills[c] = append(r.catSkills[c], i)
			}
			soft = s.Kind == assets.Soft
		}
		r.skillCat = append(r.skillCat, cat)
		r.skillSoft = append(r.skillSoft, soft)
		return i
	}
	for _, s := range tax.Skills {
		addSkill(s.ID)
	}
	r.les = cfg.Lessons
	r.lesIdx = make(map[string]int32, len(r.les))
	for i, l := range r.les {
		if _, dup := r.lesIdx[l.ID]; dup {
			return nil, fmt.Errorf("learner: lesson %q listed twice", l.ID)
		}
		r.lesIdx[l.ID] = int32(i)
	}
	n := len(r.les)
	r.lesMain = make([]int32, n)
	r.lesLevel = make([]int8, n)
	r.lesMinutes = make([]int32, n)
	r.lesPrereq = make([][]int32, n)
	r.done = make([]bool, n)
	r.shortest = math.MaxInt32
	for i, l := range r.les {
		r.lesMain[i] = -1
		if len(l.Skills) > 0 {
			r.lesMain[i] = addSkill(l.Skills[0])
			if r.skillSoft[r.lesMain[i]] {
				r.softExists = true
			}
		}
		r.lesLevel[i] = int8(max(1, min(5, l.Level)))
		r.lesMinutes[i] = int32(max(1, min(l.Minutes, 1<<20)))
		r.shortest = min(r.shortest, int(r.lesMinutes[i]))
		for _, p := range l.Prereqs {
			// A prerequisite missing from the library cannot be done, so
			// it does not block (the pack reader reports it).
			if j, ok := r.lesIdx[p]; ok && int(j) != i {
				r.lesPrereq[i] = append(r.lesPrereq[i], j)
			}
		}
	}
	ns := len(r.skillIDs)
	r.targetP = make([]float64, ns)
	if cfg.Profile != nil {
		for _, t := range cfg.Profile.Targets {
			if i, ok := r.skillIdx[t.Skill]; ok {
				r.targetP[i] = LevelP(t.Level)
			}
		}
	}
	r.mast, r.unc, r.gap = make([]float64, ns), make([]float64, ns), make([]float64, ns)
	r.evidence = make([]bool, ns)
	r.ps, r.fit = make([][5]float64, ns), make([][5]float64, ns)
	r.lm, r.psDone = make([]float64, ns), make([]uint8, ns)
	r.meeting = make([]bool, ns)
	for _, id := range cfg.History.Completed {
		if i, ok := r.lesIdx[id]; ok {
			r.done[i] = true
		}
	}
	r.dependents = make([][]int32, n)
	for i, pre := range r.lesPrereq {
		for _, p := range pre {
			r.dependents[p] = append(r.dependents[p], int32(i))
		}
	}
	for i := range r.les {
		if !r.done[i] && r.ready(int32(i)) {
			r.frontier = append(r.frontier, int32(i))
		}
	}
	// Replay recent history for the floors and diversity, judging
	// "outside" by today's strengths (the past ones are not known).
	r.refresh("")
	for _, p := range cfg.History.Recent {
		if i, ok := r.lesIdx[p.LessonID]; ok {
			s := r.lesMain[i]
			r.record(i, p.Kind, s >= 0 && r.outside(r.skillCat[s]))
		}
	}
	r.assign = append([]Assignment(nil), cfg.Assignments...)
	return r, nil
}

// Done records that the learner completed a lesson (it stops being new).
func (r *Recommender) Done(lessonID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i, ok := r.lesIdx[lessonID]
	if !ok || r.done[i] {
		return
	}
	r.done[i] = true
	if k, found := slices.BinarySearch(r.frontier, i); found {
		r.frontier = slices.Delete(r.frontier, k, k+1)
	}
	for _, j := range r.dependents[i] {
		if r.done[j] || !r.ready(j) {
			continue
		}
		if k, found := slices.BinarySearch(r.frontier, j); !found {
			r.frontier = slices.Insert(r.frontier, k, j)
		}
	}
}

// SetAssignments replaces the assignment list.
func (r *Recommender) SetAssignments(a []Assignment) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.assign = append(r.assign[:0], a...)
}

func (r *Recommender) record(i int32, k Kind, outside bool) {
	r.recent = pushKeep(r.recent, i)
	if s := r.lesMain[i]; s >= 0 && r.skillCat[s] >= 0 {
		c := r.skillCat[s]
		if len(r.catWindow) == catWindowLen {
			r.catRecent[r.catWindow[0]]--
			r.catWindow = r.catWindow[1:]
		}
		r.catWindow = append(r.catWindow, c)
		r.catRecent[c]++
	}
	switch k {
	case KindReview:
		r.sinceReview = 0
		r.reviewRun++
	default:
		r.sinceReview++
		r.reviewRun = 0
	}
	if k == KindNew || k == KindExploration {
		s := r.lesMain[i]
		r.newOutside = pushKeep(r.newOutside, outside)
		r.newSoft = pushKeep(r.newSoft, s >= 0 && r.skillSoft[s])
	}
}

func pushKeep[T any](s []T, v T) []T {
	if len(s) >= recentKeep {
		copy(s, s[1:])
		s = s[:len(s)-1]
	}
	return append(s, v)
}

// lastN reports whether any of the last n-1 flags is true, i.e. whether
// this pick may skip the property and still keep 1 in n. With fewer than
// n-1 earlier picks there is no obligation yet.
func needs(flags []bool, n int) bool {
	if len(flags) < n-1 {
		return false
	}
	for _, f := range flags[len(flags)-(n-1):] {
		if f {
			return false
		}
	}
	return true
}

// Strongest returns the ids of the learner's three strongest categories
// now: highest mean mastery over the skills with evidence (answers or a
// self-rating), ties by taxonomy order. Categories without evidence never
// count, so a new learner has none and every new lesson is "outside".
func (r *Recommender) Strongest() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refresh("")
	out := make([]string, 0, 3)
	for _, c := range r.strong {
		if c >= 0 {
			out = append(out, r.catIDs[c])
		}
	}
	return out
}

// refresh recomputes the per-skill beliefs, gaps, predicted success per
// level, meeting matches and the strongest categories.
func (r *Recommender) refresh(meeting string) {
	prof := r.cfg.Profile
	for i, id := range r.skillIDs {
		e := Estimate{P: 0.6, Uncertainty: 0.3}
		if r.cfg.Mastery != nil {
			e = r.cfg.Mastery.Estimate(id)
		}
		m, u := prof.Blend(id, e)
		r.mast[i], r.unc[i] = m, u
		_, rated := prof.selfRating(id)
		r.evidence[i] = e.Answered > 0 || rated
		r.gap[i] = 0
		if r.targetP[i] > 0 {
			r.gap[i] = math.Max(0, r.targetP[i]-m)
		}
		r.lm[i] = logit(m)
		r.psDone[i] = 0
		r.meeting[i] = false
	}
	if meeting != "" {
		for _, id := range r.matcher.Match(truncate(meeting, 300)) {
			if i, ok := r.skillIdx[id]; ok {
				r.meeting[i] = true
			}
		}
	}
	r.strong = [3]int16{-1, -1, -1}
	var best [3]float64
	for c, skills := range r.catSkills {
		s, n := 0.0, 0
		for _, i := range skills {
			if r.evidence[i] {
				s += r.mast[i]
				n++
			}
		}
		if n == 0 {
			continue // no evidence: a category the learner has not shown strength in
		}
		s /= float64(n)
		for k := 0; k < 3; k++ {
			if r.strong[k] < 0 || s > best[k] {
				copy(r.strong[k+1:], r.strong[k:2])
				copy(best[k+1:], best[k:2])
				r.strong[k], best[k] = int16(c), s
				break
			}
		}
	}
}

// success returns the predicted success and fit score of a lesson of
// level l on skill s, computing them once per refresh: with prerequisite
// chains most skills have one ready level, so lazy is five times cheaper.
func (r *Recommender) success(s int32, l int8) (ps, fit float64) {
	bit := uint8(1) << (l - 1)
	if r.psDone[s]&bit == 0 {
		r.ps[s][l-1] = PredictSuccess(r.lm[s], int(l))
		r.fit[s][l-1] = FitScore(r.ps[s][l-1])
		r.psDone[s] |= bit
	}
	return r.ps[s][l-1], r.fit[s][l-1]
}

// PredictSuccess is the chance that a learner with mastery logit lm
// succeeds on a lesson of the given level: targetSuccess (0.78) when the
// mastery equals LevelP(level), lower for harder lessons.
func PredictSuccess(lm float64, level int) float64 {
	level = max(1, min(5, level))
	return sigmoid(lm + successOffset[level-1])
}

// successOffset[l-1] = logit(targetSuccess) - logit(LevelP(l)), computed
// once: refresh calls PredictSuccess for every skill and level.
var successOffset = func() (o [5]float64) {
	for l := range o {
		o[l] = logit(targetSuccess) - logit(LevelP(float64(l+1)))
	}
	return o
}()

// FitScore is 1 inside the 70-85 % band of predicted success and falls off
// outside it.
func FitScore(ps float64) float64 {
	d := 0.0
	switch {
	case ps < fitLow:
		d = fitLow - ps
	case ps > fitHigh:
		d = ps - fitHigh
	default:
		return 1
	}
	return math.Exp(-(d / 0.12) * (d / 0.12))
}

func (r *Recommender) outside(cat int16) bool {
	if cat < 0 {
		return false
	}
	return cat != r.strong[0] && cat != r.strong[1] && cat != r.strong[2]
}

type cand struct {
	i   int32
	rel float64
}

// topList keeps the n best candidates by rel, best first.
type topList struct {
	items []cand
}

func (t *topList) add(c cand) {
	if len(t.items) == topN && c.rel <= t.items[topN-1].rel {
		return
	}
	if len(t.items) < topN {
		t.items = append(t.items, c)
	} else {
		t.items[topN-1] = c
	}
	for k := len(t.items) - 1; k > 0 && t.items[k].rel > t.items[k-1].rel; k-- {
		t.items[k], t.items[k-1] = t.items[k-1], t.items[k]
	}
}

// Next picks what to offer in moment m and records the pick.
func (r *Recommender) Next(ctx context.Context, m Moment) (Pick, error) {
	if err := ctx.Err(); err != nil {
		return Pick{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.les) == 0 {
		return Pick{}, ErrNothingToLearn
	}
	minutes := m.Minutes
	if minutes <= 0 {
		minutes = DefaultMomentMinutes
	}
	r.refresh(m.MeetingTitle)
	if m.MeetingTitle != "" {
		for _, id := range m.MeetingSkills {
			if i, ok := r.skillIdx[id]; ok {
				r.meeting[i] = true
			}
		}
	}
	last := int32(-1)
	if len(r.recent) > 0 {
		last = r.recent[len(r.recent)-1]
	}
	fits := func(i int32) bool { return i != last && int(r.lesMinutes[i]) <= minutes }

	// 1. Assignments whose due date is near.
	if p, ok := r.pickAssigned(m.Time, fits); ok {
		return p, nil
	}

	// 2. New lessons: scan once, keeping the best in four classes.
	var all, out, soft, outSoft topList
	var assigned map[int32]bool
	if len(r.assign) > 0 {
		assigned = make(map[int32]bool, len(r.assign))
	}
	for _, a := range r.assign {
		if i, ok := r.lesIdx[a.LessonID]; ok {
			assigned[i] = true
		}
	}
	for _, li := range r.frontier {
		i := int(li)
		if li == last || int(r.lesMinutes[i]) > minutes {
			continue
		}
		s := r.lesMain[i]
		rel := 0.0
		if s >= 0 {
			_, fit := r.success(s, r.lesLevel[i])
			rel = 3*math.Min(r.gap[s]/0.3, 1.5) + fit + 0.3*r.unc[s]
			// Calibration: a category that filled the recent picks
			// (reviews included) counts against its new lessons.
			if c := r.skillCat[s]; c >= 0 && len(r.catWindow) > 0 {
				rel -= catPenalty * float64(r.catRecent[c]) / float64(len(r.catWindow))
			}
			if r.meeting[s] {
				rel += meetingBoost
			}
		}
		if assigned[li] {
			rel += 1 // assigned but not yet urgent: nudged forward
		}
		c := cand{li, rel}
		all.add(c)
		o := s >= 0 && r.outside(r.skillCat[s])
		sf := s >= 0 && r.skillSoft[s]
		if o {
			out.add(c)
		}
		if sf {
			soft.add(c)
		}
		if o && sf {
			outSoft.add(c)
		}
	}

	// New work "waits" only if some new lesson fits the learner's level
	// (fit score at least poorFit); otherwise practice on what was done
	// is worth more than a lesson pitched wrong.
	newWaiting := false
	for _, c := range all.items {
		if s := r.lesMain[c.i]; s < 0 {
			newWaiting = true
		} else if _, fit := r.success(s, r.lesLevel[c.i]); fit >= poorFit {
			newWaiting = true
		}
	}

	// 3. Due reviews, unless reviews have had their run and new work waits.
	if p, ok := r.pickReview(m, fits, newWaiting); ok {
		return p, nil
	}

	// When every new lesson is pitched wrong, every other pick is a
	// refresher of done work instead.
	if len(all.items) > 0 && (newWaiting || r.sinceReview == 0 || !r.anyDone(fits)) {
		needOut := needs(r.newOutside, r.cfg.ExploreEvery)
		needSoft := r.softExists && needs(r.newSoft, r.cfg.SoftEvery)
		explore := !needOut && len(out.items) > 0 && r.rng.Float64() < r.cfg.Epsilon
		// Both floors are "1 in n" windows; when both fall due and no
		// lesson meets both, exploration goes first and soft follows next.
		list := &all
		switch {
		case (needOut || explore) && needSoft && len(outSoft.items) > 0:
			list = &outSoft
		case (needOut || explore) && len(out.items) > 0:
			list = &out
		case needSoft && len(soft.items) > 0:
			list = &soft
		}
		i := r.mmr(list.items)
		s := r.lesMain[i]
		o := s >= 0 && r.outside(r.skillCat[s])
		k := KindNew
		if o && (s < 0 || r.targetP[s] == 0) && !r.meeting[s] {
			k = KindExploration
		}
		p := r.pick(i, k)
		p.Reason = r.reasonNew(i, k, m.MeetingTitle)
		r.record(i, k, o)
		return p, nil
	}

	// 4. Nothing new that fits: a refresher on the completed lesson whose
	// skill is furthest from its target (or weakest), diversified.
	var ref topList
	for i := range r.les {
		li := int32(i)
		if !r.done[i] || !fits(li) {
			continue
		}
		s := r.lesMain[i]
		rel := 0.0
		if s >= 0 {
			rel = r.gap[s] + (1 - r.mast[s])
			if r.meeting[s] {
				rel += meetingBoost
			}
		}
		ref.add(cand{li, rel})
	}
	if len(ref.items) == 0 {
		if last >= 0 && len(r.les) == 1 {
			return Pick{}, fmt.Errorf("only one lesson in the library and it was just done: %w", ErrNothingToLearn)
		}
		return Pick{}, &ErrNoFit{Minutes: minutes, Shortest: r.shortest}
	}
	i := r.mmr(ref.items)
	p := r.pick(i, KindReview)
	p.Reason = r.reasonRefresher(i, m.MeetingTitle)
	r.record(i, KindReview, false)
	return p, nil
}

func (r *Recommender) anyDone(fits func(int32) bool) bool {
	for i := range r.les {
		if r.done[i] && fits(int32(i)) {
			return true
		}
	}
	return false
}

func (r *Recommender) ready(i int32) bool {
	for _, p := range r.lesPrereq[i] {
		if !r.done[p] {
			return false
		}
	}
	return true
}

// mmr re-ranks candidates (best first): MMRLambda x relevance minus
// (1 - MMRLambda) x the largest similarity to a recent pick, where the same
// main skill counts 1, the same category 0.6 and the same soft/hard kind
// 0.1, discounted by how long ago the pick was. A tiny seeded jitter
// breaks ties.
func (r *Recommender) mmr(items []cand) int32 {
	lam := r.cfg.MMRLambda
	best, bestScore := items[0].i, math.Inf(-1)
	for _, c := range items {
		sim := 0.0
		s := r.lesMain[c.i]
		for age, k := 0, len(r.recent)-1; k >= 0 && age < 5; age, k = age+1, k-1 {
			t := r.lesMain[r.recent[k]]
			x := 0.0
			switch {
			case s < 0 || t < 0:
			case s == t:
				x = 1
			case r.skillCat[s] == r.skillCat[t] && r.skillCat[s] >= 0:
				x = 0.6
			case r.skillSoft[s] == r.skillSoft[t]:
				x = 0.1
			}
			sim = math.Max(sim, x/(1+0.5*float64(age)))
		}
		score := lam*c.rel - (1-lam)*sim + 1e-3*r.rng.Float64()
		if score > bestScore {
			best, bestScore = c.i, score
		}
	}
	return best
}

func (r *Recommender) pick(i int32, k Kind) Pick {
	p := Pick{LessonID: r.les[i].ID, Kind: k, Minutes: int(r.lesMinutes[i])}
	if s := r.lesMain[i]; s >= 0 {
		p.Skill = r.skillIDs[s]
		p.Soft = r.skillSoft[s]
		if c := r.skillCat[s]; c >= 0 {
			p.Category = r.catIDs[c]
			p.Outside = r.outside(c)
		}
		p.PredictedSuccess, _ = r.success(s, r.lesLevel[i])
	}
	return p
}

func (r *Recommender) pickAssigned(now time.Time, fits func(int32) bool) (Pick, bool) {
	if now.IsZero() || len(r.assign) == 0 {
		return Pick{}, false
	}
	urgent := make([]Assignment, 0, len(r.assign))
	for _, a := range r.assign {
		i, ok := r.lesIdx[a.LessonID]
		if !ok || r.done[i] || a.Due.IsZero() || a.Due.Sub(now) > r.cfg.AssignLead {
			continue
		}
		urgent = append(urgent, a)
	}
	sort.SliceStable(urgent, func(a, b int) bool {
		if !urgent[a].Due.Equal(urgent[b].Due) {
			return urgent[a].Due.Before(urgent[b].Due)
		}
		return urgent[a].LessonID < urgent[b].LessonID
	})
	for _, a := range urgent {
		i := r.lesIdx[a.LessonID]
		target := i
		if !r.ready(i) {
			target = r.firstReadyPrereq(i, 0)
			if target < 0 {
				continue
			}
		}
		if !fits(target) {
			continue
		}
		p := r.pick(target, KindAssigned)
		p.Reason = r.reasonAssigned(target, i, a, now)
		r.record(target, KindAssigned, false)
		return p, true
	}
	return Pick{}, false
}

// firstReadyPrereq finds a not-done prerequisite of i (transitively) whose
// own prerequisites are done; -1 if none (a cycle or too deep).
func (r *Recommender) firstReadyPrereq(i int32, depth int) int32 {
	if depth > 10 {
		return -1
	}
	for _, p := range r.lesPrereq[i] {
		if r.done[p] {
			continue
		}
		if r.ready(p) {
			return p
		}
		if q := r.firstReadyPrereq(p, depth+1); q >= 0 {
			return q
		}
	}
	return -1
}

func (r *Recommender) pickReview(m Moment, fits func(int32) bool, newWaiting bool) (Pick, bool) {
	if r.cfg.Reviews == nil || m.Time.IsZero() {
		return Pick{}, false
	}
	if newWaiting && r.reviewRun >= r.cfg.MaxReviewRun {
		return Pick{}, false
	}
	due := r.cfg.Reviews.Due(m.Time, 32)
	var items []cand
	var rs []float64
	for _, d := range due {
		i, ok := r.lesIdx[d.LessonID]
		if !ok || !fits(i) {
			continue
		}
		rv := d.Retrievability
		if math.IsNaN(rv) || rv < 0 || rv > 1 {
			rv = 0.5
		}
		rel := 1 - rv
		if s := r.lesMain[i]; s >= 0 && r.meeting[s] {
			rel += meetingBoost
		}
		items = append(items, cand{i, rel})
		rs = append(rs, rv)
	}
	if len(items) == 0 {
		return Pick{}, false
	}
	i := r.mmr(items)
	rv := 0.0
	for k, c := range items {
		if c.i == i {
			rv = rs[k]
		}
	}
	p := r.pick(i, KindReview)
	p.Reason = r.reasonReview(i, rv, m.MeetingTitle)
	r.record(i, KindReview, false)
	return p, true
}

// Explain returns the learner's gaps as the recommender sees them now.
func (r *Recommender) Explain() []Gap {
	return Gaps(r.cfg.Profile, r.cfg.Mastery)
}

func logit(p float64) float64 {
	p = math.Max(1e-6, math.Min(1-1e-6, p))
	return math.Log(p / (1 - p))
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// skillName returns a skill's name for reasons, lower-cased when it reads
// as a common noun ("delegation", but "SQL basics").
func (r *Recommender) skillName(s int32) string {
	if s < 0 {
		return "this topic"
	}
	id := r.skillIDs[s]
	if sk, ok := r.tax.Skill(id); ok {
		return lowerFirst(sk.Name)
	}
	return strings.ReplaceAll(id, "-", " ")
}

func lowerFirst(s string) string {
	rs := []rune(s)
	if len(rs) > 1 && rs[0] >= 'A' && rs[0] <= 'Z' && rs[1] >= 'a' && rs[1] <= 'z' {
		rs[0] += 'a' - 'A'
	}
	return string(rs)
}
