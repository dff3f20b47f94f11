// Package recsim compares lesson-picking policies on simulated learners
// whose true skill levels are hidden from the policies and who forget.
// It is what `tidbit-lab recsim` runs: the real recommender of
// app/learner against a random picker and a greedy picker that only chases
// the largest estimated gap, reporting learning gain per minute, coverage
// and entropy of skill categories, novelty and soft-skill share.
//
// The world. The taxonomy is Tidbit's own (assets); the library has
// LessonsPerSkill lessons per skill at levels 1..5, each requiring the
// previous level, 2-8 minutes, three questions. A learner has a hidden
// ability theta per skill (a general ability plus a skill-specific part,
// higher on the skills of their role). A question of a level-l lesson is
// answered right with probability learner.PredictSuccess(theta_eff, l),
// the same curve the recommender assumes, so difficulty fit is learnable
// but not given: the policies only see answers, through the
// knowledge-tracing model.
//
// Learning and forgetting. A first pass through a lesson teaches
// Eta x zpd(p) on the logit scale, where p is the success probability and
// zpd(p) = exp(-((p - 0.75) / 0.15)^2) peaks in the 70-85 % zone. What a
// lesson taught is remembered along the FSRS-4.5 power curve
// 1 / (1 + t / (9 S)), S starting at 2 days; a repeat (a review: the
// questions again, two minutes) teaches a quarter as much and multiplies S
// by 1.3 + 3 (1 - recall), so late reviews strengthen memory most.
// Learning gain is the increase, from start to end, of the mastery on a
// level-3 question summed over all skills ("mastery points"); the target
// gain counts only the learner's target skills.
//
// Baselines: random takes any lesson that fits the minutes (done or not,
// ready or not); random-ready takes a ready new lesson when there is one;
// greedy-gap takes the ready new lesson of the largest estimated gap
// (repeating target lessons once they are all done) and nothing else.
// None of them schedules reviews.
//
// Every policy meets the same learners, moments and random streams (common
// random numbers), so differences are the policies'.
package recsim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/learner/kt"
	"github.com/tidbit-learn/tidbit/assets"
)

// Config sets up a simulation. Zero fields take defaults.
type Config struct {
	Learners        int              `json:"learners"`          // default 50
	Days            int              `json:"days"`              // default 60
	Seed            uint64           `json:"seed"`              // default 0 is a valid seed
	MinutesPerDay   int              `json:"minutes_per_day"`   // study budget on a weekday; default 15
	LessonsPerSkill int              `json:"lessons_per_skill"` // default 5
	Eta             float64          `json:"eta"`               // learning rate on the logit scale; default 0.35
	MaxReviewRun    int              `json:"max_review_run"`    // passed to the recommender; 0: its default
	Taxonomy        *assets.Taxonomy `json:"-"`                 // default: the shipped taxonomy
}

// Limits keep a mistyped flag from running for hours.
const (
	MaxLearners = 100000
	MaxDays     = 3650
)

func (c *Config) fill() error {
	if c.Learners == 0 {
		c.Learners = 50
	}
	if c.Days == 0 {
		c.Days = 60
	}
	if c.MinutesPerDay == 0 {
		c.MinutesPerDay = 15
	}
	if c.LessonsPerSkill == 0 {
		c.LessonsPerSkill = 5
	}
	if c.Eta == 0 {
		c.Eta = 0.35
	}
	switch {
	case c.Learners < 0 || c.Learners > MaxLearners:
		return fmt.Errorf("recsim: learners %d is not in 1..%d", c.Learners, MaxLearners)
	case c.Days < 0 || c.Days > MaxDays:
		return fmt.Errorf("recsim: days %d is not in 1..%d", c.Days, MaxDays)
	case c.MinutesPerDay < 2 || c.MinutesPerDay > 600:
		return fmt.Errorf("recsim: minutes per day %d is not in 2..600", c.MinutesPerDay)
	case c.LessonsPerSkill < 1 || c.LessonsPerSkill > 5:
		return fmt.Errorf("recsim: lessons per skill %d is not in 1..5", c.LessonsPerSkill)
	case math.IsNaN(c.Eta) || c.Eta <= 0 || c.Eta > 5:
		return fmt.Errorf("recsim: eta %v is not in (0, 5]", c.Eta)
	case c.MaxReviewRun < 0 || c.MaxReviewRun > 1000:
		return fmt.Errorf("recsim: max review run %d is not in 0..1000", c.MaxReviewRun)
	}
	if c.Taxonomy == nil {
		tax, err := assets.LoadTaxonomy()
		if err != nil {
			return fmt.Errorf("recsim: taxonomy: %w", err)
		}
		c.Taxonomy = tax
	}
	return nil
}

// Policy names.
const (
	Recommender = "recommender"
	Random      = "random"
	RandomReady = "random-ready"
	Greedy      = "greedy-gap"
)

// Policies are run in this order.
var Policies = []string{Recommender, Random, RandomReady, Greedy}

// PolicyReport holds one policy's means over learners.
type PolicyReport struct {
	Policy              string  `json:"policy"`
	Picks               float64 `json:"picks"`   // per learner
	Minutes             float64 `json:"minutes"` // per learner
	Gain                float64 `json:"gain"`    // mastery points per learner, all skills
	GainPerMinute       float64 `json:"gain_per_minute"`
	TargetGainPerMinute float64 `json:"target_gain_per_minute"`
	Coverage            float64 `json:"category_coverage"` // share of categories picked at least once
	Entropy             float64 `json:"category_entropy"`  // of picked categories, divided by ln(#categories)
	Novelty             float64 `json:"novelty"`           // share of picks on a skill never practised before
	SoftShare           float64 `json:"soft_share"`        // share of picks on soft skills
	ReviewShare         float64 `json:"review_share"`      // share of picks of a lesson done before
	TargetShare         float64 `json:"target_share"`      // share of picks on the learner's target skills
}

// Check is one target of the issue, evaluated.
type Check struct {
	Name   string `json:"name"`
	Pass   bool   `json:"pass"`
	Detail string `json:"detail"`
}

// Report is the outcome of Run.
type Report struct {
	Config   Config         `json:"config"`
	Policies []PolicyReport `json:"policies"`
	Checks   []Check        `json:"checks"`
}

// Policy returns the report of one policy.
func (r Report) Policy(name string) PolicyReport {
	for _, p := range r.Policies {
		if p.Policy == name {
			return p
		}
	}
	return PolicyReport{Policy: name}
}

// Passed reports whether every check passed.
func (r Report) Passed() bool {
	for _, c := range r.Checks {
		if !c.Pass {
			return false
		}
	}
	return len(r.Checks) > 0
}

// world is what every learner shares: skills and the library.
type world struct {
	tax      *assets.Taxonomy
	skills   []string
	skillIdx map[string]int
	cat      []int // per skill
	soft     []bool
	lessons  []learner.Lesson
	lesSkill []int
	nCats    int
	// skillLessons lists the lessons of each skill.
	skillLessons [][]int
}

func newWorld(cfg Config, rng *rand.Rand) *world {
	w := &world{tax: cfg.Taxonomy, skillIdx: map[string]int{}, nCats: len(cfg.Taxonomy.Categories)}
	catIdx := map[string]int{}
	for i, c := range cfg.Taxonomy.Categories {
		catIdx[c.ID] = i
	}
	for i, s := range cfg.Taxonomy.Skills {
		w.skills = append(w.skills, s.ID)
		w.skillIdx[s.ID] = i
		w.cat = append(w.cat, catIdx[s.Category])
		w.soft = append(w.soft, s.Kind == assets.Soft)
	}
	w.skillLessons = make([][]int, len(cfg.Taxonomy.Skills))
	for i, s := range cfg.Taxonomy.Skills {
		for l := 1; l <= cfg.LessonsPerSkill; l++ {
			les := learner.Lesson{ID: fmt.Sprintf("%s-%d", s.ID, l), Title: fmt.Sprintf("%s %d", s.Name, l),
				Skills: []string{s.ID}, Level: l, Minutes: 2 + rng.IntN(7)}
			if l > 1 {
				les.Prereqs = []string{fmt.Sprintf("%s-%d", s.ID, l-1)}
			}
			w.skillLessons[i] = append(w.skillLessons[i], len(w.lessons))
			w.lessons = append(w.lessons, les)
			w.lesSkill = append(w.lesSkill, i)
		}
	}
	return w
}

// person is one simulated learner's hidden state and profile.
type person struct {
	profile *learner.Profile
	theta0  []float64 // initial ability per skill (logit)
	target  []bool
	// What each lesson taught and how well it is remembered.
	gain, stab, last []float64
	skillLessons     [][]int
}

const (
	questionsPerLesson = 3
	reviewMinutes      = 2 // a review re-asks the questions: about two minutes
)

func newPerson(w *world, rng *rand.Rand) (*person, error) {
	tax := w.tax
	role := tax.Roles[rng.IntN(len(tax.Roles))]
	in := learner.ProfileInput{Role: role.ID, MinutesPerWeek: 75, SelfRatings: map[string]float64{}}
	switch rng.IntN(3) {
	case 0:
		in.Goals = []string{tax.Roles[rng.IntN(len(tax.Roles))].ID}
	case 1:
		in.Goals = []string{w.skills[rng.IntN(len(w.skills))], w.skills[rng.IntN(len(w.skills))]}
	}
	n := len(w.skills)
	p := &person{theta0: make([]float64, n), target: make([]bool, n),
		gain: make([]float64, len(w.lessons)), stab: make([]float64, len(w.lessons)), last: make([]float64, len(w.lessons)),
		skillLessons: w.skillLessons}
	general := rng.NormFloat64() * 0.5
	for i, id := range w.skills {
		// Abilities are centred where kt's default model puts a new
		// skill (60 % right on a level 2-3 question), lower off-role.
		t := general + rng.NormFloat64()*0.8 - 0.2
		if _, ok := role.Skills[id]; ok {
			t += 0.6
			// Self-ratings are honest but noisy, on the level scale.
			lv := (sigmoid(t) - 0.45) / 0.1
			in.SelfRatings[id] = math.Max(1, math.Min(5, math.Round(lv+rng.NormFloat64())))
		}
		p.theta0[i] = t
	}
	prof, err := learner.BuildProfile(tax, in)
	if err != nil {
		return nil, err
	}
	p.profile = prof
	for _, t := range prof.Targets {
		p.target[w.skillIdx[t.Skill]] = true
	}
	return p, nil
}

// recall is the power forgetting curve of FSRS-4.5: 0.9 after stab days.
func recall(days, stab float64) float64 {
	if stab <= 0 {
		return 0
	}
	return 1 / (1 + math.Max(0, days)/(9*stab))
}

// theta is the ability on skill s at day: the initial ability plus what
// each lesson of the skill taught, as far as it is still remembered.
func (p *person) theta(s int, day float64) float64 {
	t := p.theta0[s]
	for _, l := range p.skillLessons[s] {
		if p.gain[l] > 0 {
			t += p.gain[l] * recall(day-p.last[l], p.stab[l])
		}
	}
	return t
}

// practise applies one pass through lesson l. The first pass teaches
// Eta x zpd(success); a repeat teaches a quarter of that and, like a
// spaced-repetition review, multiplies the memory's stability, the more
// the further recall had fallen.
func (p *person) practise(l int, day, success, eta float64) {
	z := math.Exp(-((success - 0.75) / 0.15) * ((success - 0.75) / 0.15))
	if p.gain[l] == 0 {
		p.gain[l] = eta * z
		p.stab[l] = 2
		p.last[l] = day
		return
	}
	r := recall(day-p.last[l], p.stab[l])
	p.gain[l] += eta * z / 4
	p.stab[l] = math.Min(p.stab[l]*(1.3+3*(1-r)), 3650)
	p.last[l] = day
}

// masteryPoints is the mastery on a level-3 question, summed over skills
// (or over target skills), at day; with initial, before any lesson.
func (p *person) masteryPoints(day float64, onlyTargets, initial bool) float64 {
	sum := 0.0
	for s := range p.theta0 {
		if onlyTargets && !p.target[s] {
			continue
		}
		t := p.theta0[s]
		if !initial {
			t = p.theta(s, day)
		}
		sum += learner.PredictSuccess(t, 3)
	}
	return sum
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// picker is one policy for one learner.
type picker interface {
	next(ctx context.Context, m learner.Moment) (string, error)
	done(lessonID string)
}

// Run simulates cfg.Learners learners for cfg.Days days under every policy.
func Run(cfg Config) (Report, error) {
	if err := cfg.fill(); err != nil {
		return Report{}, err
	}
	rep := Report{Config: cfg}
	w := newWorld(cfg, rand.New(rand.NewPCG(cfg.Seed, 0x5eed)))
	acc := make([]PolicyReport, len(Policies))
	for i, name := range Policies {
		acc[i].Policy = name
	}
	for l := 0; l < cfg.Learners; l++ {
		for i, name := range Policies {
			r, err := simulate(cfg, w, name, uint64(l))
			if err != nil {
				return rep, fmt.Errorf("learner %d, %s: %w", l, name, err)
			}
			a := &acc[i]
			a.Picks += r.Picks
			a.Minutes += r.Minutes
			a.Gain += r.Gain
			a.GainPerMinute += r.GainPerMinute
			a.TargetGainPerMinute += r.TargetGainPerMinute
			a.Coverage += r.Coverage
			a.Entropy += r.Entropy
			a.Novelty += r.Novelty
			a.SoftShare += r.SoftShare
			a.ReviewShare += r.ReviewShare
			a.TargetShare += r.TargetShare
		}
	}
	n := float64(cfg.Learners)
	for i := range acc {
		a := &acc[i]
		a.Picks /= n
		a.Minutes /= n
		a.Gain /= n
		a.GainPerMinute /= n
		a.TargetGainPerMinute /= n
		a.Coverage /= n
		a.Entropy /= n
		a.Novelty /= n
		a.SoftShare /= n
		a.ReviewShare /= n
		a.TargetShare /= n
	}
	rep.Policies = acc
	rec, rnd, gr := rep.Policy(Recommender), rep.Policy(Random), rep.Policy(Greedy)
	rep.Checks = []Check{
		{Name: "gain/min >= 1.3 x random", Pass: rec.GainPerMinute >= 1.3*rnd.GainPerMinute,
			Detail: fmt.Sprintf("%.2f x", ratio(rec.GainPerMinute, rnd.GainPerMinute))},
		{Name: "gain/min within 5 % of greedy", Pass: rec.GainPerMinute >= 0.95*gr.GainPerMinute,
			Detail: fmt.Sprintf("%.2f x", ratio(rec.GainPerMinute, gr.GainPerMinute))},
		{Name: "category entropy >= 0.8 of max", Pass: rec.Entropy >= 0.8,
			Detail: fmt.Sprintf("%.2f (greedy %.2f)", rec.Entropy, gr.Entropy)},
		{Name: "greedy collapses (entropy below the recommender's)", Pass: gr.Entropy < rec.Entropy,
			Detail: fmt.Sprintf("greedy %.2f vs %.2f", gr.Entropy, rec.Entropy)},
	}
	return rep, nil
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return math.Inf(1)
	}
	return a / b
}

// simulate runs one learner under one policy. The learner (hidden state,
// profile) and the answer randomness depend only on the learner number, so
// every policy meets the same people.
func simulate(cfg Config, w *world, policy string, learnerNo uint64) (PolicyReport, error) {
	ctx := context.Background()
	pr := rand.New(rand.NewPCG(cfg.Seed, 1000+learnerNo))
	p, err := newPerson(w, pr)
	if err != nil {
		return PolicyReport{}, err
	}
	answers := rand.New(rand.NewPCG(cfg.Seed^0xa11, learnerNo))  // question outcomes
	moments := rand.New(rand.NewPCG(cfg.Seed^0x3011, learnerNo)) // moment lengths
	state := kt.DefaultModel().NewState()
	reviews, err := learner.NewCardReviews(nil)
	if err != nil {
		return PolicyReport{}, err
	}
	var pk picker
	switch policy {
	case Recommender:
		r, err := learner.New(learner.Config{Taxonomy: w.tax, Lessons: w.lessons, Profile: p.profile,
			Mastery: learner.KTMastery{State: state}, Reviews: reviews, MaxReviewRun: cfg.MaxReviewRun, Rand: rand.New(rand.NewPCG(cfg.Seed^0x7ec, learnerNo))})
		if err != nil {
			return PolicyReport{}, err
		}
		pk = recPicker{r}
	case Random, RandomReady:
		pk = &randomPicker{w: w, ready: policy == RandomReady, finished: map[string]bool{}, rng: rand.New(rand.NewPCG(cfg.Seed^0x4a4d, learnerNo))}
	case Greedy:
		pk = &greedyPicker{w: w, profile: p.profile, mastery: learner.KTMastery{State: state}, finished: map[string]bool{}}
	default:
		return PolicyReport{}, fmt.Errorf("unknown policy %q", policy)
	}
	start := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC) // a Monday
	before := p.masteryPoints(0, false, true)
	beforeT := p.masteryPoints(0, true, true)
	lesByID := map[string]int{}
	for i, l := range w.lessons {
		lesByID[l.ID] = i
	}
	var out PolicyReport
	catCount := make([]float64, w.nCats)
	practised := make([]bool, len(w.skills))
	doneLesson := map[string]bool{}
	picks, novel, soft, repeats, onTarget := 0, 0, 0, 0, 0
	for d := 0; d < cfg.Days; d++ {
		day := start.AddDate(0, 0, d)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		budget := cfg.MinutesPerDay
		hour := 0
		for budget >= 2 {
			mins := min(budget, 3+moments.IntN(8))
			now := day.Add(time.Duration(hour) * time.Hour)
			hour++
			id, err := pk.next(ctx, learner.Moment{Minutes: mins, Time: now})
			var nf *learner.ErrNoFit
			if errors.As(err, &nf) || errors.Is(err, errNone) {
				budget -= mins // the moment passes unused
				continue
			}
			if err != nil {
				return out, err
			}
			li, ok := lesByID[id]
			if !ok {
				return out, fmt.Errorf("policy picked unknown lesson %q", id)
			}
			les := w.lessons[li]
			if les.Minutes > mins {
				return out, fmt.Errorf("policy picked %s (%d min) for a %d-minute moment", id, les.Minutes, mins)
			}
			s := w.lesSkill[li]
			dayF := float64(d) + float64(hour)/24
			success := learner.PredictSuccess(p.theta(s, dayF), les.Level)
			right := 0
			for q := 0; q < questionsPerLesson; q++ {
				ok := answers.Float64() < success
				state.Update(w.skills[s], ok)
				if ok {
					right++
				}
			}
			repeat := doneLesson[id]
			p.practise(li, dayF, success, cfg.Eta)
			if err := reviews.Review(id, now, learner.RatingFor(right, questionsPerLesson)); err != nil {
				return out, err
			}
			pk.done(id)
			doneLesson[id] = true
			picks++
			catCount[w.cat[s]]++
			if !practised[s] {
				novel++
			}
			practised[s] = true
			if w.soft[s] {
				soft++
			}
			if repeat {
				repeats++
			}
			if p.target[s] {
				onTarget++
			}
			// A repeat is a review: the lesson's questions again, not the
			// whole lesson.
			spent := les.Minutes
			if repeat {
				spent = min(spent, reviewMinutes)
			}
			budget -= spent
			out.Minutes += float64(spent)
		}
	}
	end := float64(cfg.Days)
	out.Picks = float64(picks)
	out.Gain = p.masteryPoints(end, false, false) - before
	if out.Minutes > 0 {
		out.GainPerMinute = out.Gain / out.Minutes
		out.TargetGainPerMinute = (p.masteryPoints(end, true, false) - beforeT) / out.Minutes
	}
	if picks > 0 {
		cats, h := 0, 0.0
		for _, c := range catCount {
			if c > 0 {
				cats++
				q := c / float64(picks)
				h -= q * math.Log(q)
			}
		}
		out.Coverage = float64(cats) / float64(w.nCats)
		out.Entropy = h / math.Log(float64(w.nCats))
		out.Novelty = float64(novel) / float64(picks)
		out.SoftShare = float64(soft) / float64(picks)
		out.ReviewShare = float64(repeats) / float64(picks)
		out.TargetShare = float64(onTarget) / float64(picks)
	}
	return out, nil
}

var errNone = errors.New("nothing to pick")

type recPicker struct{ r *learner.Recommender }

func (p recPicker) next(ctx context.Context, m learner.Moment) (string, error) {
	pk, err := p.r.Next(ctx, m)
	return pk.LessonID, err
}

func (p recPicker) done(id string) { p.r.Done(id) }

// randomPicker picks uniformly among the lessons that fit the minutes
// (other than the last pick); with ready, only among new lessons whose
// prerequisites are done, falling back to any lesson.
type randomPicker struct {
	w        *world
	ready    bool
	finished map[string]bool
	rng      *rand.Rand
	last     string
}

func (p *randomPicker) next(_ context.Context, m learner.Moment) (string, error) {
	var pool, fresh []int
	for i, l := range p.w.lessons {
		if l.Minutes > m.Minutes || l.ID == p.last {
			continue
		}
		pool = append(pool, i)
		if p.ready && !p.finished[l.ID] && prereqsDone(l, p.finished) {
			fresh = append(fresh, i)
		}
	}
	if len(fresh) > 0 {
		pool = fresh
	}
	if len(pool) == 0 {
		return "", errNone
	}
	p.last = p.w.lessons[pool[p.rng.IntN(len(pool))]].ID
	return p.last, nil
}

func (p *randomPicker) done(id string) { p.finished[id] = true }

func prereqsDone(l learner.Lesson, done map[string]bool) bool {
	for _, q := range l.Prereqs {
		if !done[q] {
			return false
		}
	}
	return true
}

// greedyPicker chases the largest estimated gap and nothing else: it
// takes the ready new lesson (lowest level first) of the target skill
// furthest below its target (target minus kt mastery) that has one
// fitting the moment; when no target skill has a new lesson left, it
// repeats a done lesson of the largest-gap skill; only when nothing of a
// target skill fits does it take the lowest-level ready new lesson of any
// skill. No scheduled reviews, no diversity, no difficulty fit.
type greedyPicker struct {
	w        *world
	profile  *learner.Profile
	mastery  learner.Mastery
	finished map[string]bool
	last     string
}

func (p *greedyPicker) next(_ context.Context, m learner.Moment) (string, error) {
	fits := func(l learner.Lesson) bool { return l.Minutes <= m.Minutes && l.ID != p.last }
	gaps := learner.Gaps(p.profile, p.mastery)
	pick := func(li int) (string, error) {
		p.last = p.w.lessons[li].ID
		return p.last, nil
	}
	for _, g := range gaps {
		for _, li := range p.w.skillLessons[p.w.skillIdx[g.Skill]] {
			if l := p.w.lessons[li]; fits(l) && !p.finished[l.ID] && prereqsDone(l, p.finished) {
				return pick(li)
			}
		}
	}
	for _, g := range gaps {
		for _, li := range p.w.skillLessons[p.w.skillIdx[g.Skill]] {
			if l := p.w.lessons[li]; fits(l) && p.finished[l.ID] {
				return pick(li)
			}
		}
	}
	best := -1
	for i, l := range p.w.lessons {
		if fits(l) && !p.finished[l.ID] && prereqsDone(l, p.finished) && (best < 0 || l.Level < p.w.lessons[best].Level) {
			best = i
		}
	}
	if best < 0 {
		return "", errNone
	}
	return pick(best)
}

func (p *greedyPicker) done(id string) { p.finished[id] = true }

// WriteTable prints the report as an aligned table followed by the checks.
func (r Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "policy\tgain/min\ttarget gain/min\tcoverage\tentropy\tnovelty\tsoft share\treview share\ttarget share\tminutes\tpicks\t\n")
	pols := append([]PolicyReport(nil), r.Policies...)
	sort.SliceStable(pols, func(i, j int) bool { return order(pols[i].Policy) < order(pols[j].Policy) })
	for _, p := range pols {
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.0f\t%.0f\t\n", p.Policy, p.GainPerMinute,
			p.TargetGainPerMinute, p.Coverage, p.Entropy, p.Novelty, p.SoftShare, p.ReviewShare, p.TargetShare, p.Minutes, p.Picks)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d learners, %d days, seed %d, %d min a weekday\n", r.Config.Learners, r.Config.Days, r.Config.Seed, r.Config.MinutesPerDay)
	for _, c := range r.Checks {
		mark := "PASS"
		if !c.Pass {
			mark = "FAIL"
		}
		if _, err := fmt.Fprintf(w, "%s  %s: %s\n", mark, c.Name, c.Detail); err != nil {
			return err
		}
	}
	return nil
}

func order(name string) int {
	for i, p := range Policies {
		if p == name {
			return i
		}
	}
	return len(Policies)
}
