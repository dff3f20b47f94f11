package kt

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"
)

// Tracker follows one learner: P predicts the next answer on a skill, Update
// records it. *State is a Tracker.
type Tracker interface {
	P(skill string) float64
	Update(skill string, correct bool)
}

// Replayer is a knowledge-tracing method that can be replayed over learners.
// *Model, *SkillPrior and *PriorRecord are Replayers.
type Replayer interface {
	Name() string
	Start() Tracker // a fresh learner
}

// Replay walks every sequence, predicting each answer before showing it to
// the tracker, and returns the predictions with the outcomes.
func Replay(r Replayer, test []Sequence) (p []float64, y []bool) {
	for _, s := range test {
		t := r.Start()
		for _, a := range s.Answers {
			p = append(p, clampP(t.P(a.Skill)))
			y = append(y, a.Correct)
			t.Update(a.Skill, a.Correct)
		}
	}
	return p, y
}

// Evaluate replays test through r (predict, then update, answer by answer)
// and scores the predictions.
func Evaluate(r Replayer, test []Sequence) Metrics {
	return ComputeMetrics(Replay(r, test))
}

// SkillPrior is the floor baseline: every answer on a skill is predicted by
// the skill's fraction right in training, whatever the learner did.
type SkillPrior struct {
	rates  map[string]float64
	global float64
}

// FitSkillPrior counts the fraction right per skill; unseen skills get the
// overall fraction. Rates are smoothed towards it by one answer.
func FitSkillPrior(train []Sequence) *SkillPrior {
	right, total := map[string]float64{}, map[string]float64{}
	var r, n float64
	for _, s := range train {
		for _, a := range s.Answers {
			total[a.Skill]++
			n++
			if a.Correct {
				right[a.Skill]++
				r++
			}
		}
	}
	b := &SkillPrior{rates: make(map[string]float64, len(total)), global: 0.5}
	if n > 0 {
		b.global = r / n
	}
	for k, t := range total {
		b.rates[k] = (right[k] + b.global) / (t + 1)
	}
	return b
}

// Rate is the prior probability of a right answer on skill.
func (b *SkillPrior) Rate(skill string) float64 {
	if p, ok := b.rates[skill]; ok {
		return p
	}
	return b.global
}

func (b *SkillPrior) Name() string   { return "baseline: per-skill prior" }
func (b *SkillPrior) Start() Tracker { return priorTracker{b} }

type priorTracker struct{ b *SkillPrior }

func (t priorTracker) P(skill string) float64 { return t.b.Rate(skill) }
func (t priorTracker) Update(string, bool)    {}

// PriorRecord is the second baseline: the skill prior updated with the
// learner's running record on the skill, p = (right + a*prior) / (answers + a),
// with the pseudo-count a chosen on the training data.
type PriorRecord struct {
	Prior *SkillPrior
	A     float64
}

// FitPriorRecord fits the skill prior and picks a from a small grid by
// training log loss.
func FitPriorRecord(train []Sequence) *PriorRecord {
	best := &PriorRecord{Prior: FitSkillPrior(train), A: 1}
	bestLoss := math.Inf(1)
	for _, a := range []float64{0.5, 1, 2, 4, 8, 16, 32} {
		c := &PriorRecord{Prior: best.Prior, A: a}
		if l := LogLoss(Replay(c, train)); l < bestLoss {
			best, bestLoss = c, l
		}
	}
	return best
}

func (b *PriorRecord) Name() string { return "baseline: prior + running record" }
func (b *PriorRecord) Start() Tracker {
	return &recordTracker{b: b, right: map[string]float64{}, n: map[string]float64{}}
}

type recordTracker struct {
	b        *PriorRecord
	right, n map[string]float64
}

func (t *recordTracker) P(skill string) float64 {
	return (t.right[skill] + t.b.A*t.b.Prior.Rate(skill)) / (t.n[skill] + t.b.A)
}

func (t *recordTracker) Update(skill string, correct bool) {
	t.n[skill]++
	if correct {
		t.right[skill]++
	}
}

// Row is one line of a comparison.
type Row struct {
	Name string `json:"name"`
	Metrics
}

// Report compares the model with the baselines on one train/test pair.
type Report struct {
	TrainStudents int   `json:"train_students"`
	TrainAnswers  int   `json:"train_answers"`
	TestStudents  int   `json:"test_students"`
	TestAnswers   int   `json:"test_answers"`
	Rows          []Row `json:"rows"`
	// ECE is the model's expected calibration error on the test set (10 bins).
	ECE float64 `json:"ece"`
}

// Compare fits the model and both baselines on train and replays test
// through each. The fitted model is returned so callers can save it.
func Compare(train, test []Sequence, opt FitOptions) (Report, *Model, error) {
	m, err := Fit(train, opt)
	if err != nil {
		return Report{}, nil, err
	}
	rep := Report{TrainStudents: m.info.Students, TrainAnswers: m.info.Answers}
	for _, s := range test {
		if len(s.Answers) > 0 {
			rep.TestStudents++
			rep.TestAnswers += len(s.Answers)
		}
	}
	for _, r := range []Replayer{FitSkillPrior(train), FitPriorRecord(train)} {
		rep.Rows = append(rep.Rows, Row{Name: r.Name(), Metrics: Evaluate(r, test)})
	}
	p, y := Replay(m, test)
	rep.Rows = append(rep.Rows, Row{Name: m.Name(), Metrics: ComputeMetrics(p, y)})
	_, rep.ECE = Calibration(p, y, 10)
	return rep, m, nil
}

// WriteTable prints the report as an aligned text table.
func (r Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "train: %d students, %d answers; test: %d students, %d answers\n",
		r.TrainStudents, r.TrainAnswers, r.TestStudents, r.TestAnswers)
	fmt.Fprintln(tw, "model\tAUC\tlog loss\tRMSE\taccuracy\t")
	for _, row := range r.Rows {
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.4f\t%.4f\t\n", row.Name, row.AUC, row.LogLoss, row.RMSE, row.Accuracy)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	_, err := fmt.Fprintf(w, "model calibration error (ECE, 10 bins): %.4f\n", r.ECE)
	return err
}
