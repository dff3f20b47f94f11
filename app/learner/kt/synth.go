package kt

import (
	"math"
	"math/rand/v2"
	"strconv"
)

// SynthConfig describes simulated learners for Generate. Zero fields take
// the defaults in brackets.
type SynthConfig struct {
	Seed     uint64
	Students int // [400]
	Skills   int // [30]; skill ids are "0", "1", ...
	// Assignments is the mean number of skill-builder assignments per
	// student [10]; each student gets 1..2*Assignments-1, uniformly.
	Assignments int
	// An assignment asks questions on one skill until MasteryRun right in a
	// row [3] or MaxPerAssignment questions [12], like ASSISTments skill builders.
	MasteryRun       int
	MaxPerAssignment int
	// Hidden logit of a right answer: ability + skill fit - difficulty + learning.
	AbilitySD      float64 // spread of student ability [1]
	DifficultySD   float64 // spread of skill difficulty [1]
	StudentSkillSD float64 // student-by-skill deviation [0.5]
	// Each answer on a skill raises its logit by the skill's learning rate,
	// drawn uniformly from [LearnMin, LearnMax] [0.1, 0.4]; a wrong answer
	// teaches half as much.
	LearnMin, LearnMax float64
	// MultiSkill is the probability [0] that a question also exercises a
	// second, random skill. Like the DKT export of ASSISTments, such an
	// answer is written twice: the row for the assignment's skill, then a row
	// for the other skill with the same correctness. Both skills learn.
	MultiSkill float64
}

func (c SynthConfig) withDefaults() SynthConfig {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	deff := func(v *float64, d float64) {
		if !(*v > 0) || math.IsInf(*v, 0) {
			*v = d
		}
	}
	def(&c.Students, 400)
	def(&c.Skills, 30)
	def(&c.Assignments, 10)
	def(&c.MasteryRun, 3)
	def(&c.MaxPerAssignment, 12)
	deff(&c.AbilitySD, 1)
	deff(&c.DifficultySD, 1)
	deff(&c.StudentSkillSD, 0.5)
	deff(&c.LearnMin, 0.1)
	deff(&c.LearnMax, 0.4)
	if !(c.MultiSkill > 0) {
		c.MultiSkill = 0
	}
	c.MultiSkill = min(c.MultiSkill, 1)
	if c.LearnMax < c.LearnMin {
		c.LearnMax = c.LearnMin
	}
	return c
}

// Synthetic is generated data with its hidden ground truth.
type Synthetic struct {
	Config    SynthConfig
	Sequences []Sequence // one per student, in student order
	// TrueP[u][i] is the probability used to draw answer i of student u; a
	// duplicated multi-skill row repeats the probability of the row it copies.
	TrueP      [][]float64
	Ability    []float64   // per student
	Difficulty []float64   // per skill index
	Learn      []float64   // per skill index: logit gain per right answer
	fit        [][]float64 // per student, per skill: student-by-skill deviation
	practice   [][]float64 // per student, per skill: accumulated learning
}

// Generate simulates learners deterministically from cfg.Seed.
func Generate(cfg SynthConfig) *Synthetic {
	cfg = cfg.withDefaults()
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	s := &Synthetic{Config: cfg}
	ids := make([]string, cfg.Skills)
	s.Difficulty = make([]float64, cfg.Skills)
	s.Learn = make([]float64, cfg.Skills)
	for k := range ids {
		ids[k] = strconv.Itoa(k)
		s.Difficulty[k] = cfg.DifficultySD * rng.NormFloat64()
		s.Learn[k] = cfg.LearnMin + (cfg.LearnMax-cfg.LearnMin)*rng.Float64()
	}
	for u := 0; u < cfg.Students; u++ {
		ability := cfg.AbilitySD * rng.NormFloat64()
		fit := make([]float64, cfg.Skills)
		for k := range fit {
			fit[k] = cfg.StudentSkillSD * rng.NormFloat64()
		}
		practice := make([]float64, cfg.Skills)
		var seq Sequence
		var probs []float64
		nAssign := 1 + rng.IntN(2*cfg.Assignments-1)
		for a := 0; a < nAssign; a++ {
			k := rng.IntN(cfg.Skills)
			run := 0
			for q := 0; q < cfg.MaxPerAssignment && run < cfg.MasteryRun; q++ {
				p := sigmoid(ability + fit[k] - s.Difficulty[k] + practice[k])
				right := rng.Float64() < p
				seq.Answers = append(seq.Answers, Answer{Skill: ids[k], Correct: right})
				probs = append(probs, p)
				learned := []int{k}
				if cfg.MultiSkill > 0 && cfg.Skills > 1 && rng.Float64() < cfg.MultiSkill {
					other := (k + 1 + rng.IntN(cfg.Skills-1)) % cfg.Skills
					seq.Answers = append(seq.Answers, Answer{Skill: ids[other], Correct: right})
					probs = append(probs, p)
					learned = append(learned, other)
				}
				if right {
					run++
				} else {
					run = 0
				}
				for _, j := range learned {
					if right {
						practice[j] += s.Learn[j]
					} else {
						practice[j] += s.Learn[j] / 2
					}
				}
			}
		}
		s.Sequences = append(s.Sequences, seq)
		s.TrueP = append(s.TrueP, probs)
		s.Ability = append(s.Ability, ability)
		s.fit = append(s.fit, fit)
		s.practice = append(s.practice, practice)
	}
	return s
}

// Mastery is the true probability that student u answers the next question on
// skill k right, after all of the student's generated answers.
func (s *Synthetic) Mastery(u, k int) float64 {
	return sigmoid(s.Ability[u] + s.fit[u][k] - s.Difficulty[k] + s.practice[u][k])
}

// SplitStudents keeps the first part of seqs for training and the last
// testFraction (rounded up, at least one when possible) for testing, so test
// students are never seen in training. test[i] is seqs[len(train)+i].
func SplitStudents(seqs []Sequence, testFraction float64) (train, test []Sequence) {
	if !(testFraction > 0) || len(seqs) < 2 {
		return seqs, nil
	}
	nTest := int(math.Ceil(testFraction * float64(len(seqs))))
	nTest = min(max(nTest, 1), len(seqs)-1)
	cut := len(seqs) - nTest
	return seqs[:cut], seqs[cut:]
}
