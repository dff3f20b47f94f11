package kt

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// Features of one question, in the order of Model weights. Counts are
// log(1+n) as in PFA/Best-LR so that the tenth answer moves the estimate less
// than the first.
const (
	fBias        = iota
	fSkillRight  // log(1 + right answers on the skill)
	fSkillWrong  // log(1 + wrong answers on the skill)
	fAllRight    // log(1 + right answers on all skills): ability
	fAllWrong    // log(1 + wrong answers on all skills)
	fRecentRight // right answers among the last SkillWindow on the skill
	fRecentWrong // wrong answers among the last SkillWindow on the skill
	fLastSkill   // +1/-1 last answer on the skill, 0 if none
	fLastOther   // +1/-1 the previous answer when it was on another skill, else 0
	fRecentAll   // (right - wrong) among the last OverallWindow answers / OverallWindow
	fSkillTries  // log(1 + answers on the skill), Best-LR's "attempts"
	fAllTries    // log(1 + answers on all skills)
	numFeatures
)

// FeatureNames names the weights in the JSON form and in explanations.
var FeatureNames = [numFeatures]string{
	"bias", "skill_right_log", "skill_wrong_log", "all_right_log", "all_wrong_log",
	"skill_recent_right", "skill_recent_wrong", "skill_last", "other_last", "all_recent",
	"skill_tries_log", "all_tries_log",
}

// ModelFormat identifies the JSON layout written by Model.MarshalJSON.
const ModelFormat = "tidbit-kt-lr/1"

// SkillParams are the per-skill parameters of a Model.
type SkillParams struct {
	// Easiness is added to the logit: positive for easy skills.
	Easiness float64 `json:"easiness"`
	// RightRate and WrongRate are added to the global weights of
	// log(1+right) and log(1+wrong) on the skill: how much practice helps on
	// this skill (PFA's per-skill learning rates).
	RightRate float64 `json:"right_rate"`
	WrongRate float64 `json:"wrong_rate"`
	Answers   int     `json:"answers"`   // training answers on the skill
	BaseRate  float64 `json:"base_rate"` // fraction right in training
}

// FitInfo records how a Model was fitted.
type FitInfo struct {
	Students     int     `json:"students"`
	Answers      int     `json:"answers"`
	Iterations   int     `json:"iterations"`
	Converged    bool    `json:"converged"`
	TrainLogLoss float64 `json:"train_log_loss"`
}

// Model holds global weights and per-skill parameters. It is read-only after
// Fit or decoding, so one Model can serve many States concurrently.
type Model struct {
	skillWindow   int
	overallWindow int
	priorStrength float64
	w             [numFeatures]float64
	index         map[string]int
	params        []SkillParams
	unknown       SkillParams // used for skills never seen in training
	globalRate    float64
	info          FitInfo
}

// NewState starts an empty learner history bound to m.
func (m *Model) NewState() *State { return &State{model: m, Skills: make(map[string]SkillStat)} }

// Start implements Replayer.
func (m *Model) Start() Tracker { return m.NewState() }

// Name implements Replayer.
func (m *Model) Name() string { return "logistic (counts+recency)" }

// Info reports how the model was fitted.
func (m *Model) Info() FitInfo { return m.info }

// Weight returns the global weight of a feature by its FeatureNames name.
func (m *Model) Weight(name string) (float64, bool) {
	for i, n := range FeatureNames {
		if n == name {
			return m.w[i], true
		}
	}
	return 0, false
}

// Skill returns the parameters of a skill; ok is false for a skill unseen in
// training, in which case the fallback (answer-weighted mean) is returned.
func (m *Model) Skill(id string) (SkillParams, bool) { return m.skill(id) }

// SkillIDs lists the skills seen in training, sorted.
func (m *Model) SkillIDs() []string {
	out := make([]string, 0, len(m.index))
	for k := range m.index {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (m *Model) skill(id string) (SkillParams, bool) {
	if i, ok := m.index[id]; ok {
		return m.params[i], true
	}
	return m.unknown, false
}

func (m *Model) logit(x *[numFeatures]float64, sp SkillParams) float64 {
	z := sp.Easiness + sp.RightRate*x[fSkillRight] + sp.WrongRate*x[fSkillWrong]
	for i, w := range m.w {
		z += w * x[i]
	}
	switch {
	case math.IsNaN(z):
		return 0
	case z > 30:
		return 30
	case z < -30:
		return -30
	}
	return z
}

// defaultModel backs States that have no fitted model.
var defaultModel = DefaultModel()

// DefaultModel is a hand-set model for use before any data has been fitted:
// a new skill starts near 0.6, each right answer raises the estimate and
// each wrong one lowers it, recent answers weigh more. Its weights are in
// the range fitted models reach on skill-builder data, not fitted themselves.
func DefaultModel() *Model {
	m := &Model{skillWindow: 5, overallWindow: 10, priorStrength: 2, globalRate: 0.6, index: map[string]int{}}
	m.w = [numFeatures]float64{
		fBias: 0.4, fSkillRight: 0.5, fSkillWrong: -0.5, fAllRight: 0.1, fAllWrong: -0.1,
		fRecentRight: 0.1, fRecentWrong: -0.1, fLastSkill: 0.2, fLastOther: 0.05, fRecentAll: 0.3,
	}
	m.unknown = SkillParams{BaseRate: 0.6}
	return m
}

// Contribution is one feature's share of a prediction's logit.
type Contribution struct {
	Feature string  `json:"feature"`
	Value   float64 `json:"value"`
	Weight  float64 `json:"weight"`
	Logit   float64 `json:"logit"` // Value*Weight
}

// Explanation says why the model believes what it does about one skill.
type Explanation struct {
	Skill string `json:"skill"`
	Prediction
	Right int `json:"right"` // answers on the skill
	Wrong int `json:"wrong"`
	// RecentRight of RecentN is the learner's recent record on the skill.
	RecentRight int `json:"recent_right"`
	RecentN     int `json:"recent_n"`
	// SkillPrior is the fraction right on the skill in training (the
	// population prior); NewLearnerP the model's prediction for a learner
	// with no history at all.
	SkillPrior   float64 `json:"skill_prior"`
	NewLearnerP  float64 `json:"new_learner_p"`
	OverallRight int     `json:"overall_right"`
	OverallWrong int     `json:"overall_wrong"`
	// Factors groups the contributions into four readable parts whose logits
	// sum to Logit (before clamping): "skill baseline", "practice on skill",
	// "recent on skill" and "overall record".
	Factors       []Contribution `json:"factors"`
	Contributions []Contribution `json:"contributions"` // per feature, largest |Logit| first
}

// factorOf maps a feature to its group in Explanation.Factors.
var factorOf = [numFeatures]int{
	fBias: 0, fSkillRight: 1, fSkillWrong: 1, fSkillTries: 1, fRecentRight: 2, fRecentWrong: 2, fLastSkill: 2,
	fAllRight: 3, fAllWrong: 3, fAllTries: 3, fRecentAll: 3, fLastOther: 3,
}

var factorNames = [4]string{"skill baseline", "practice on skill", "recent on skill", "overall record"}

// Explain returns the prediction for skill with the evidence behind it.
// Unlike Predict it allocates; call it when a person asks "why".
func (s *State) Explain(skill string) Explanation {
	m := s.model
	if m == nil {
		m = defaultModel
	}
	var x [numFeatures]float64
	st := m.features(s, skill, &x)
	sp, _ := m.skill(skill)
	var empty State
	var x0 [numFeatures]float64
	m.features(&empty, skill, &x0)
	k := min(st.RecentN, m.skillWindow)
	e := Explanation{
		Skill: skill, Prediction: s.Predict(skill),
		Right: st.Right, Wrong: st.Wrong,
		RecentRight: int(x[fRecentRight]), RecentN: k,
		SkillPrior: sp.BaseRate, NewLearnerP: clampP(sigmoid(m.logit(&x0, sp))),
		OverallRight: s.Right, OverallWrong: s.Wrong,
	}
	e.Contributions = append(e.Contributions, Contribution{Feature: "skill_easiness", Value: 1, Weight: sp.Easiness, Logit: sp.Easiness})
	var groups [4]float64
	groups[0] = sp.Easiness
	for i := range x {
		w := m.w[i]
		switch i {
		case fSkillRight:
			w += sp.RightRate
		case fSkillWrong:
			w += sp.WrongRate
		}
		e.Contributions = append(e.Contributions, Contribution{Feature: FeatureNames[i], Value: x[i], Weight: w, Logit: w * x[i]})
		groups[factorOf[i]] += w * x[i]
	}
	for i, g := range groups {
		e.Factors = append(e.Factors, Contribution{Feature: factorNames[i], Value: 1, Weight: g, Logit: g})
	}
	sort.SliceStable(e.Contributions, func(a, b int) bool {
		return math.Abs(e.Contributions[a].Logit) > math.Abs(e.Contributions[b].Logit)
	})
	return e
}

// String renders the explanation in one line for people, e.g.
// "skill 17: p=0.74 ±0.12; 3 of last 5 right (7 right, 2 wrong in all);
// prior for this skill 0.62; overall 30 of 41 right; logit skill baseline
// +0.35, practice on skill +0.61, recent on skill -0.12, overall record +0.20".
func (e Explanation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "skill %s: p=%.2f ±%.2f; ", e.Skill, e.P, e.Std)
	if e.Answers == 0 {
		b.WriteString("no answers on this skill yet")
	} else {
		fmt.Fprintf(&b, "%d of last %d right (%d right, %d wrong in all)", e.RecentRight, e.RecentN, e.Right, e.Wrong)
	}
	if e.KnownSkill {
		fmt.Fprintf(&b, "; prior for this skill %.2f", e.SkillPrior)
	} else {
		fmt.Fprintf(&b, "; skill unseen in training, average-skill prior %.2f", e.SkillPrior)
	}
	if n := e.OverallRight + e.OverallWrong; n > 0 {
		fmt.Fprintf(&b, "; overall %d of %d right", e.OverallRight, n)
	}
	b.WriteString("; logit")
	for _, f := range e.Factors {
		fmt.Fprintf(&b, " %s %+.2f,", f.Feature, f.Logit)
	}
	str := strings.TrimSuffix(b.String(), ",")
	b.Reset()
	b.WriteString(str)
	return b.String()
}

type modelJSON struct {
	Format        string                 `json:"format"`
	SkillWindow   int                    `json:"skill_window"`
	OverallWindow int                    `json:"overall_window"`
	PriorStrength float64                `json:"prior_strength"`
	GlobalRate    float64                `json:"global_rate"`
	Weights       map[string]float64     `json:"weights"`
	Unknown       SkillParams            `json:"unknown_skill"`
	Skills        map[string]SkillParams `json:"skills"`
	Fit           FitInfo                `json:"fit"`
}

// MarshalJSON writes the model with named weights so it can be read, diffed
// and persisted by the app.
func (m *Model) MarshalJSON() ([]byte, error) {
	j := modelJSON{
		Format: ModelFormat, SkillWindow: m.skillWindow, OverallWindow: m.overallWindow,
		PriorStrength: m.priorStrength, GlobalRate: m.globalRate, Unknown: m.unknown, Fit: m.info,
		Weights: make(map[string]float64, numFeatures), Skills: make(map[string]SkillParams, len(m.index)),
	}
	for i, n := range FeatureNames {
		j.Weights[n] = m.w[i]
	}
	for id, i := range m.index {
		j.Skills[id] = m.params[i]
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON wrote and rejects anything that could
// make predictions NaN or out of range.
func (m *Model) UnmarshalJSON(data []byte) error {
	var j modelJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	if j.Format != ModelFormat {
		return fmt.Errorf("model format %q, want %q", j.Format, ModelFormat)
	}
	if j.SkillWindow < 1 || j.SkillWindow > maxSkillWindow || j.OverallWindow < 1 || j.OverallWindow > maxOverallWindow {
		return fmt.Errorf("windows %d/%d out of range", j.SkillWindow, j.OverallWindow)
	}
	if !finite(j.PriorStrength) || j.PriorStrength < 0 || !finite(j.GlobalRate) {
		return fmt.Errorf("prior strength %v or global rate %v invalid", j.PriorStrength, j.GlobalRate)
	}
	n := Model{skillWindow: j.SkillWindow, overallWindow: j.OverallWindow, priorStrength: j.PriorStrength,
		globalRate: j.GlobalRate, unknown: j.Unknown, info: j.Fit, index: make(map[string]int, len(j.Skills))}
	for i, name := range FeatureNames {
		w, ok := j.Weights[name]
		if !ok || !finite(w) {
			return fmt.Errorf("weight %q missing or not finite", name)
		}
		n.w[i] = w
	}
	if !j.Unknown.finite() {
		return fmt.Errorf("unknown-skill parameters not finite")
	}
	ids := make([]string, 0, len(j.Skills))
	for id := range j.Skills {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		sp := j.Skills[id]
		if !sp.finite() {
			return fmt.Errorf("skill %q: parameters not finite", id)
		}
		n.index[id] = len(n.params)
		n.params = append(n.params, sp)
	}
	*m = n
	return nil
}

// LoadModel decodes a model written by json.Marshal(model).
func LoadModel(r io.Reader) (*Model, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading knowledge-tracing model: %w", err)
	}
	m := &Model{}
	if err := json.Unmarshal(data, m); err != nil {
		return nil, fmt.Errorf("decoding knowledge-tracing model: %w", err)
	}
	return m, nil
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func (sp SkillParams) finite() bool {
	return finite(sp.Easiness) && finite(sp.RightRate) && finite(sp.WrongRate) && finite(sp.BaseRate)
}
