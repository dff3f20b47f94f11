package kt

import (
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"sort"
)

// Recency is kept as bit histories, so an update never allocates:
// bit 0 is the newest answer, 1 means right.
const (
	maxSkillWindow   = 16 // bits in SkillStat.Recent
	maxOverallWindow = 64 // bits in State.Recent
	// maxCount caps every counter (a trillion answers), so sums of counts
	// cannot overflow whatever a restored state contains.
	maxCount = 1 << 40
)

// SkillStat is what a learner's State remembers about one skill.
type SkillStat struct {
	Right   int    `json:"right"`
	Wrong   int    `json:"wrong"`
	Recent  uint16 `json:"recent"`   // last answers on the skill, bit 0 newest, 1 = right
	RecentN int    `json:"recent_n"` // valid bits in Recent (at most 16)
}

// State is one learner's answer history in the compact form the model reads.
// Update needs no model; Predict and Explain use the model the State was
// made with (Model.NewState or Model.RestoreState). A State is not safe for
// concurrent use; one Model may serve many States concurrently.
type State struct {
	model *Model

	Skills      map[string]SkillStat `json:"skills"`
	Right       int                  `json:"right"` // over all skills
	Wrong       int                  `json:"wrong"`
	Recent      uint64               `json:"recent"` // last answers overall, bit 0 newest
	RecentN     int                  `json:"recent_n"`
	HasLast     bool                 `json:"has_last"`
	LastSkill   string               `json:"last_skill"`
	LastCorrect bool                 `json:"last_correct"`
}

// Update records one answer. It does not allocate once the skill has been
// seen by this State.
func (s *State) Update(skill string, correct bool) {
	if s.Skills == nil {
		s.Skills = make(map[string]SkillStat)
	}
	st := s.Skills[skill]
	var bit uint16
	if correct {
		st.Right = min(st.Right+1, maxCount)
		s.Right = min(s.Right+1, maxCount)
		bit = 1
	} else {
		st.Wrong = min(st.Wrong+1, maxCount)
		s.Wrong = min(s.Wrong+1, maxCount)
	}
	st.Recent = st.Recent<<1 | bit
	if st.RecentN < maxSkillWindow {
		st.RecentN++
	}
	s.Skills[skill] = st
	s.Recent = s.Recent<<1 | uint64(bit)
	if s.RecentN < maxOverallWindow {
		s.RecentN++
	}
	s.HasLast, s.LastSkill, s.LastCorrect = true, skill, correct
}

// Reset forgets the history but keeps the model and the map's storage.
func (s *State) Reset() {
	m, skills := s.model, s.Skills
	clear(skills)
	*s = State{model: m, Skills: skills}
}

// Model is the model Predict uses.
func (s *State) Model() *Model { return s.model }

// SetModel swaps the model, e.g. after a refit; the history is kept.
func (s *State) SetModel(m *Model) { s.model = m }

// Practised lists the skills with at least one answer, sorted.
func (s *State) Practised() []string {
	out := make([]string, 0, len(s.Skills))
	for k := range s.Skills {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// P is the probability that the next answer on skill is right.
func (s *State) P(skill string) float64 { return s.Predict(skill).P }

// Prediction is the model's belief about the next answer on one skill.
type Prediction struct {
	P     float64 `json:"p"`     // probability the next answer is right, in [1e-6, 1-1e-6]
	Logit float64 `json:"logit"` // log(P/(1-P)) before clamping, in [-30, 30]
	// Answers is the evidence: how many answers this learner gave on the skill.
	Answers int `json:"answers"`
	// Std is the uncertainty of P: the standard deviation of a Beta belief
	// with mean P and Answers+PriorStrength observations. It shrinks like
	// 1/sqrt(answers) and is largest for unseen skills.
	Std float64 `json:"std"`
	// KnownSkill is false when the model never saw the skill in training and
	// fell back to its average-skill parameters.
	KnownSkill bool `json:"known_skill"`
}

// Predict returns the probability that the next answer on skill is right and
// how sure the model is. It does not allocate. A State without a model uses
// DefaultModel.
func (s *State) Predict(skill string) Prediction {
	m := s.model
	if m == nil {
		m = defaultModel
	}
	var x [numFeatures]float64
	st := m.features(s, skill, &x)
	sp, known := m.skill(skill)
	z := m.logit(&x, sp)
	prior := m.priorStrength
	if !known {
		prior = 1
	}
	p := clampP(sigmoid(z))
	n := st.Right + st.Wrong
	return Prediction{
		P:          p,
		Logit:      z,
		Answers:    n,
		Std:        math.Sqrt(p * (1 - p) / (float64(n) + prior + 1)),
		KnownSkill: known,
	}
}

// features fills x for a question on skill, exactly as Fit saw it, and
// returns the learner's stats on the skill.
func (m *Model) features(s *State, skill string, x *[numFeatures]float64) SkillStat {
	st := s.Skills[skill] // a nil map reads as empty
	x[fBias] = 1
	x[fSkillRight] = log1pInt(st.Right)
	x[fSkillWrong] = log1pInt(st.Wrong)
	x[fAllRight] = log1pInt(s.Right)
	x[fAllWrong] = log1pInt(s.Wrong)
	x[fSkillTries] = log1pInt(st.Right + st.Wrong)
	x[fAllTries] = log1pInt(s.Right + s.Wrong)
	k := min(st.RecentN, m.skillWindow)
	r := bits.OnesCount16(st.Recent & uint16(1<<k-1))
	x[fRecentRight] = float64(r)
	x[fRecentWrong] = float64(k - r)
	x[fLastSkill] = 0
	if st.RecentN > 0 {
		x[fLastSkill] = sign(st.Recent&1 == 1)
	}
	x[fLastOther] = 0
	if s.HasLast && s.LastSkill != skill {
		x[fLastOther] = sign(s.LastCorrect)
	}
	k = min(s.RecentN, m.overallWindow)
	mask := ^uint64(0)
	if k < 64 {
		mask = 1<<k - 1
	}
	r = bits.OnesCount64(s.Recent & mask)
	x[fRecentAll] = float64(2*r-k) / float64(m.overallWindow)
	return st
}

func sign(b bool) float64 {
	if b {
		return 1
	}
	return -1
}

// log1pTable avoids a transcendental call per feature for ordinary counts.
var log1pTable = func() (t [1024]float64) {
	for i := range t {
		t[i] = math.Log1p(float64(i))
	}
	return t
}()

func log1pInt(n int) float64 {
	if n < 0 {
		return 0
	}
	if n < len(log1pTable) {
		return log1pTable[n]
	}
	return math.Log1p(float64(n))
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// RestoreState decodes a State saved with json.Marshal and attaches it to m.
func (m *Model) RestoreState(data []byte) (*State, error) {
	s := &State{}
	if err := json.Unmarshal(data, s); err != nil {
		return nil, fmt.Errorf("decoding learner state: %w", err)
	}
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("decoding learner state: %w", err)
	}
	s.model = m
	return s, nil
}

func (s *State) validate() error {
	if s.Right < 0 || s.Wrong < 0 || s.Right > maxCount || s.Wrong > maxCount || s.RecentN < 0 || s.RecentN > maxOverallWindow {
		return fmt.Errorf("overall counts out of range (right %d, wrong %d, recent_n %d)", s.Right, s.Wrong, s.RecentN)
	}
	for k, st := range s.Skills {
		if st.Right < 0 || st.Wrong < 0 || st.Right > maxCount || st.Wrong > maxCount || st.RecentN < 0 || st.RecentN > maxSkillWindow || st.RecentN > st.Right+st.Wrong {
			return fmt.Errorf("skill %q: counts out of range (right %d, wrong %d, recent_n %d)", k, st.Right, st.Wrong, st.RecentN)
		}
	}
	return nil
}
