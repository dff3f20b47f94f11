package kt

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// synthetic fixtures are shared: generating and fitting them is the slow part.
var (
	synthOnce  sync.Once
	synthData  *Synthetic
	synthTrain []Sequence
	synthTest  []Sequence
	synthRep   Report
	synthModel *Model
	synthErr   error
)

func synthFixture(t testing.TB) (*Synthetic, []Sequence, []Sequence, Report, *Model) {
	t.Helper()
	synthOnce.Do(func() {
		synthData = Generate(SynthConfig{Seed: 7})
		synthTrain, synthTest = SplitStudents(synthData.Sequences, 0.25)
		synthRep, synthModel, synthErr = Compare(synthTrain, synthTest, FitOptions{})
	})
	if synthErr != nil {
		t.Fatal(synthErr)
	}
	return synthData, synthTrain, synthTest, synthRep, synthModel
}

// spearman is the rank correlation with mid-ranks for ties.
func spearman(a, b []float64) float64 {
	ra, rb := ranks(a), ranks(b)
	var ma, mb float64
	for i := range ra {
		ma += ra[i]
		mb += rb[i]
	}
	ma /= float64(len(ra))
	mb /= float64(len(rb))
	var sab, saa, sbb float64
	for i := range ra {
		sab += (ra[i] - ma) * (rb[i] - mb)
		saa += (ra[i] - ma) * (ra[i] - ma)
		sbb += (rb[i] - mb) * (rb[i] - mb)
	}
	return sab / math.Sqrt(saa*sbb)
}

func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(i, j int) bool { return v[idx[i]] < v[idx[j]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && v[idx[j]] == v[idx[i]] {
			j++
		}
		for k := i; k < j; k++ {
			r[idx[k]] = float64(i+j+1) / 2
		}
		i = j
	}
	return r
}

func TestSpearmanHelper(t *testing.T) {
	if got := spearman([]float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}); !near(got, 1, 1e-12) {
		t.Errorf("monotone: %v", got)
	}
	if got := spearman([]float64{1, 2, 3}, []float64{3, 2, 1}); !near(got, -1, 1e-12) {
		t.Errorf("reversed: %v", got)
	}
	if r := ranks([]float64{5, 1, 5}); !reflect.DeepEqual(r, []float64{2.5, 1, 2.5}) {
		t.Errorf("mid-ranks: %v", r)
	}
}

// TestSyntheticAUC is the headline check: on held-out simulated students the
// model beats both baselines clearly, stays below the oracle that knows the
// hidden probabilities (no leakage), and is calibrated.
func TestSyntheticAUC(t *testing.T) {
	s, train, test, rep, m := synthFixture(t)
	var buf bytes.Buffer
	if err := rep.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	var p []float64
	var y []bool
	for u := len(train); u < len(s.Sequences); u++ {
		for i, a := range s.Sequences[u].Answers {
			p = append(p, s.TrueP[u][i])
			y = append(y, a.Correct)
		}
	}
	oracle := ComputeMetrics(p, y)
	t.Logf("\n%soracle (true hidden probabilities): AUC %.4f log loss %.4f RMSE %.4f", buf.String(), oracle.AUC, oracle.LogLoss, oracle.RMSE)

	if len(rep.Rows) != 3 || rep.TestStudents != len(test) || rep.TrainStudents != len(train) {
		t.Fatalf("report shape: %+v", rep)
	}
	prior, record, model := rep.Rows[0].Metrics, rep.Rows[1].Metrics, rep.Rows[2].Metrics
	if model.AUC < 0.75 {
		t.Errorf("model AUC %.4f, want >= 0.75", model.AUC)
	}
	if model.AUC < prior.AUC+0.05 || model.AUC < record.AUC+0.02 {
		t.Errorf("model AUC %.4f not clearly above baselines %.4f / %.4f", model.AUC, prior.AUC, record.AUC)
	}
	if !(model.LogLoss < record.LogLoss && record.LogLoss < prior.LogLoss) || !(model.RMSE < record.RMSE) {
		t.Errorf("log loss/RMSE ordering wrong: %+v", rep.Rows)
	}
	if model.AUC > oracle.AUC+0.005 || model.LogLoss < oracle.LogLoss-0.005 {
		t.Errorf("model (AUC %.4f, LL %.4f) beats the oracle (%.4f, %.4f): leakage", model.AUC, model.LogLoss, oracle.AUC, oracle.LogLoss)
	}
	if rep.ECE > 0.03 {
		t.Errorf("ECE %.4f, want <= 0.03", rep.ECE)
	}
	mp, my := Replay(m, test)
	bins, _ := Calibration(mp, my, 10)
	for _, b := range bins {
		if b.N >= 200 && math.Abs(b.MeanP-b.Observed) > 0.06 {
			t.Errorf("bin [%.1f,%.1f) n=%d: predicted %.3f, observed %.3f", b.Lo, b.Hi, b.N, b.MeanP, b.Observed)
		}
	}
	if !m.Info().Converged {
		t.Errorf("fit did not converge: %+v", m.Info())
	}
}

// TestRecoversMastery checks that after replaying a held-out student the
// per-skill estimates order student-skill pairs like the hidden truth, and
// that fitted skill easiness orders skills like the hidden difficulty.
func TestRecoversMastery(t *testing.T) {
	s, train, _, _, m := synthFixture(t)
	var est, truth []float64
	for u := len(train); u < len(s.Sequences); u++ {
		st := m.NewState()
		for _, a := range s.Sequences[u].Answers {
			st.Update(a.Skill, a.Correct)
		}
		for _, id := range st.Practised() {
			k, _ := strconv.Atoi(id)
			est = append(est, st.P(id))
			truth = append(truth, s.Mastery(u, k))
		}
	}
	if r := spearman(est, truth); r < 0.8 {
		t.Errorf("rank correlation of estimated and true mastery %.3f over %d pairs, want > 0.8", r, len(est))
	} else {
		t.Logf("rank correlation of estimated and true mastery: %.3f over %d student-skill pairs", r, len(est))
	}
	var easy, notHard []float64
	for k, d := range s.Difficulty {
		sp, ok := m.Skill(strconv.Itoa(k))
		if !ok {
			continue
		}
		easy = append(easy, sp.Easiness)
		notHard = append(notHard, -d)
	}
	if r := spearman(easy, notHard); r < 0.8 {
		t.Errorf("rank correlation of easiness and -difficulty %.3f, want > 0.8", r)
	}
}

func TestFitIsDeterministic(t *testing.T) {
	data := Generate(SynthConfig{Seed: 11, Students: 60, Skills: 8})
	a, err := Fit(data.Sequences, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Fit(data.Sequences, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Fatal("two fits of the same data differ")
	}
}

func TestFitErrors(t *testing.T) {
	one := []Sequence{seq(0, "1,1", "10")}
	for _, tc := range []struct {
		name string
		data []Sequence
		opt  FitOptions
		want string
	}{
		{"no sequences", nil, FitOptions{}, "no answers"},
		{"empty sequences", []Sequence{{}, {}}, FitOptions{}, "no answers"},
		{"skill window too big", one, FitOptions{SkillWindow: 17}, "skill window 17"},
		{"overall window negative", one, FitOptions{OverallWindow: -1}, "overall window -1"},
		{"NaN regularisation", one, FitOptions{L2: math.NaN()}, "regularisation"},
		{"negative prior", one, FitOptions{PriorStrength: -1}, "prior strength"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Fit(tc.data, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := Fit(nil, FitOptions{}); !errors.Is(err, ErrNoData) {
		t.Errorf("want ErrNoData, got %v", err)
	}
}

// TestFitOneClass: all answers right must still give a finite, confident model.
func TestFitOneClass(t *testing.T) {
	m, err := Fit([]Sequence{seq(0, "1,2,1,2", "1111"), seq(0, "1", "1")}, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st := m.NewState()
	if p := st.P("1"); !(p > 0.7 && p < 1) {
		t.Fatalf("p = %v, want high but below 1", p)
	}
}

func TestModelJSONRoundTrip(t *testing.T) {
	_, _, test, _, m := synthFixture(t)
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	back, err := LoadModel(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	p1, _ := Replay(m, test[:5])
	p2, _ := Replay(back, test[:5])
	if !reflect.DeepEqual(p1, p2) {
		t.Fatal("decoded model predicts differently")
	}
	if back.Info() != m.Info() || !reflect.DeepEqual(back.SkillIDs(), m.SkillIDs()) {
		t.Fatal("decoded model lost fit info or skills")
	}
	if w, ok := back.Weight("skill_right_log"); !ok || w != m.w[fSkillRight] {
		t.Fatalf("Weight lookup: %v %v", w, ok)
	}
}

func TestLoadModelRejectsBadInput(t *testing.T) {
	good, err := json.Marshal(DefaultModel())
	if err != nil {
		t.Fatal(err)
	}
	mutate := func(f func(map[string]any)) string {
		var j map[string]any
		if err := json.Unmarshal(good, &j); err != nil {
			t.Fatal(err)
		}
		f(j)
		out, _ := json.Marshal(j)
		return string(out)
	}
	for _, tc := range []struct{ name, in, want string }{
		{"not JSON", "{", "decoding knowledge-tracing model"},
		{"other format", mutate(func(j map[string]any) { j["format"] = "bkt/1" }), "model format"},
		{"missing weight", mutate(func(j map[string]any) { delete(j["weights"].(map[string]any), "bias") }), `weight "bias"`},
		{"window zero", mutate(func(j map[string]any) { j["skill_window"] = 0 }), "windows"},
		{"window too big", mutate(func(j map[string]any) { j["overall_window"] = 65 }), "windows"},
		{"negative prior", mutate(func(j map[string]any) { j["prior_strength"] = -2 }), "prior strength"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadModel(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := LoadModel(strings.NewReader(string(good))); err != nil {
		t.Fatalf("default model does not round-trip: %v", err)
	}
}

func TestStateJSONRoundTrip(t *testing.T) {
	_, _, test, _, m := synthFixture(t)
	st := m.NewState()
	for _, a := range test[0].Answers {
		st.Update(a.Skill, a.Correct)
	}
	data, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	back, err := m.RestoreState(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range append(st.Practised(), "never-seen") {
		if a, b := st.Predict(id), back.Predict(id); a != b {
			t.Errorf("skill %s: %+v before, %+v after restore", id, a, b)
		}
	}
	for _, tc := range []struct{ name, in string }{
		{"not JSON", "["},
		{"negative count", `{"right":-1}`},
		{"count beyond 2^40", `{"skills":{"3":{"wrong":9223372036854775807}}}`},
		{"recent_n beyond window", `{"recent_n":65}`},
		{"skill recent_n beyond its answers", `{"skills":{"3":{"right":1,"wrong":0,"recent_n":2}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := m.RestoreState([]byte(tc.in)); err == nil || !strings.Contains(err.Error(), "learner state") {
				t.Fatalf("got %v, want a learner state error", err)
			}
		})
	}
}

func TestPredictionGuards(t *testing.T) {
	_, _, _, _, m := synthFixture(t)
	huge := m.NewState()
	huge.Skills["1"] = SkillStat{Right: 1 << 40, Wrong: 0, Recent: 0xffff, RecentN: 16}
	huge.Right, huge.RecentN, huge.Recent = 1<<40, 64, ^uint64(0)
	var zero State // no model, no map: falls back to DefaultModel
	for _, tc := range []struct {
		name  string
		st    *State
		skill string
	}{
		{"empty skill id", m.NewState(), ""},
		{"unknown skill", m.NewState(), "no-such-skill"},
		{"huge counts", huge, "1"},
		{"zero State", &zero, "1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.st.Predict(tc.skill)
			if !(p.P >= pMin && p.P <= pMax) || !finite(p.Logit) || !finite(p.Std) || p.Std <= 0 {
				t.Fatalf("bad prediction %+v", p)
			}
			tc.st.Update(tc.skill, true)
			if q := tc.st.Predict(tc.skill); !(q.P >= pMin && q.P <= pMax) || q.Answers < 1 {
				t.Fatalf("bad prediction after update %+v", q)
			}
		})
	}
}

func TestUncertaintyShrinksWithEvidence(t *testing.T) {
	_, _, _, _, m := synthFixture(t)
	st := m.NewState()
	unseen := st.Predict("no-such-skill")
	if unseen.KnownSkill {
		t.Fatal("unknown skill reported as known")
	}
	prev := st.Predict("3")
	if !prev.KnownSkill || prev.Answers != 0 {
		t.Fatalf("fresh known skill: %+v", prev)
	}
	if unseen.Std <= prev.Std*0.9 {
		t.Errorf("an unseen skill (std %.3f) should be less certain than a trained one (%.3f)", unseen.Std, prev.Std)
	}
	for i := 0; i < 20; i++ {
		st.Update("3", i%2 == 0) // p stays mid-range, so only the evidence changes
	}
	if now := st.Predict("3"); now.Answers != 20 || now.Std >= prev.Std/2 {
		t.Errorf("after 20 answers std %.3f (was %.3f), answers %d", now.Std, prev.Std, now.Answers)
	}
}

func TestAnswersMoveTheEstimate(t *testing.T) {
	_, _, _, _, fitted := synthFixture(t)
	for _, m := range []*Model{DefaultModel(), fitted} {
		t.Run(m.Name(), func(t *testing.T) {
			st := m.NewState()
			st.Update("3", false)
			before := st.P("3")
			st.Update("3", true)
			if after := st.P("3"); after <= before {
				t.Errorf("a right answer lowered p from %.3f to %.3f", before, after)
			}
		})
	}
	st := DefaultModel().NewState()
	st.Update("3", true)
	before := st.P("3")
	st.Update("3", false)
	if after := st.P("3"); after >= before {
		t.Errorf("default model: a wrong answer raised p from %.3f to %.3f", before, after)
	}
}

func TestExplain(t *testing.T) {
	_, _, _, _, m := synthFixture(t)
	st := m.NewState()
	for _, c := range "0011101" { // 7 answers; the last five are 1,1,1,0,1
		st.Update("5", c == '1')
	}
	st.Update("6", false)
	e := st.Explain("5")
	s := e.String()
	for _, want := range []string{"skill 5:", "4 of last 5 right (4 right, 3 wrong in all)", "prior for this skill 0.", "overall 4 of 8 right", "practice on skill"} {
		if !strings.Contains(s, want) {
			t.Errorf("explanation %q lacks %q", s, want)
		}
	}
	var sum, sumFeat float64
	for _, f := range e.Factors {
		sum += f.Logit
	}
	for _, c := range e.Contributions {
		sumFeat += c.Logit
	}
	if !near(sum, e.Logit, 1e-9) || !near(sumFeat, e.Logit, 1e-9) {
		t.Errorf("factors sum to %v, features to %v, logit is %v", sum, sumFeat, e.Logit)
	}
	if e.P != st.P("5") || e.Answers != 7 || e.RecentRight != 4 || e.RecentN != 5 {
		t.Errorf("explanation disagrees with the state: %+v", e)
	}
	if u := st.Explain("no-such-skill").String(); !strings.Contains(u, "unseen in training") || !strings.Contains(u, "no answers on this skill yet") {
		t.Errorf("unknown skill explanation: %q", u)
	}
	if _, err := json.Marshal(e); err != nil {
		t.Errorf("explanation does not encode: %v", err)
	}
}

func TestUpdateAndPredictDoNotAllocate(t *testing.T) {
	_, _, _, _, m := synthFixture(t)
	st := m.NewState()
	st.Update("3", true)
	if n := testing.AllocsPerRun(1000, func() { st.Update("3", false) }); n != 0 {
		t.Errorf("Update allocates %v times per call", n)
	}
	if n := testing.AllocsPerRun(1000, func() { _ = st.Predict("3") }); n != 0 {
		t.Errorf("Predict allocates %v times per call", n)
	}
}

func TestStateReset(t *testing.T) {
	m := DefaultModel()
	st := m.NewState()
	fresh := st.Predict("1")
	st.Update("1", true)
	st.Update("2", false)
	st.Reset()
	if st.Model() != m || len(st.Skills) != 0 || st.Right != 0 || st.HasLast {
		t.Fatalf("reset left %+v", st)
	}
	if got := st.Predict("1"); got != fresh {
		t.Fatalf("after reset %+v, fresh %+v", got, fresh)
	}
}

func TestMinimizeLBFGS(t *testing.T) {
	// Rosenbrock: a classic non-convex valley; minimum 0 at (1, 1).
	f := func(x, g []float64) float64 {
		a, b := 1-x[0], x[1]-x[0]*x[0]
		g[0] = -2*a - 400*x[0]*b
		g[1] = 200 * b
		return a*a + 100*b*b
	}
	x := []float64{-1.2, 1}
	res := minimizeLBFGS(f, x, 500)
	if !near(x[0], 1, 1e-3) || !near(x[1], 1, 1e-3) || res.f > 1e-6 {
		t.Fatalf("Rosenbrock: x=%v f=%v after %d iterations", x, res.f, res.iter)
	}
}

func TestGenerate(t *testing.T) {
	a := Generate(SynthConfig{Seed: 5, Students: 20})
	b := Generate(SynthConfig{Seed: 5, Students: 20})
	c := Generate(SynthConfig{Seed: 6, Students: 20})
	if !reflect.DeepEqual(a.Sequences, b.Sequences) || !reflect.DeepEqual(a.TrueP, b.TrueP) {
		t.Fatal("same seed, different data")
	}
	if reflect.DeepEqual(a.Sequences, c.Sequences) {
		t.Fatal("different seeds, same data")
	}
	if len(a.Sequences) != 20 || len(a.Difficulty) != 30 {
		t.Fatalf("shape: %d students, %d skills", len(a.Sequences), len(a.Difficulty))
	}
	for u, s := range a.Sequences {
		if len(s.Answers) == 0 || len(s.Answers) != len(a.TrueP[u]) {
			t.Fatalf("student %d: %d answers, %d probabilities", u, len(s.Answers), len(a.TrueP[u]))
		}
	}
	// Learning: across all students the second half of the answers on a
	// skill is right more often than the first half.
	var early, late [2]float64
	for _, s := range a.Sequences {
		seen := map[string]int{}
		for _, ans := range s.Answers {
			seen[ans.Skill]++
			half := 0
			if seen[ans.Skill] > 3 {
				half = 1
			}
			if ans.Correct {
				early[half]++
			}
			late[half]++
		}
	}
	if early[1]/late[1] <= early[0]/late[0] {
		t.Errorf("no learning visible: %.3f right in first answers, %.3f later", early[0]/late[0], early[1]/late[1])
	}
}

func TestSplitStudents(t *testing.T) {
	seqs := make([]Sequence, 10)
	for i := range seqs {
		seqs[i].Line = i
	}
	for _, tc := range []struct {
		name      string
		n         int
		frac      float64
		wantTrain int
	}{
		{"quarter rounds up", 10, 0.25, 7},
		{"zero keeps all for training", 10, 0, 10},
		{"NaN keeps all for training", 10, math.NaN(), 10},
		{"everything to test still leaves one to train", 10, 1, 1},
		{"single sequence", 1, 0.5, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			train, test := SplitStudents(seqs[:tc.n], tc.frac)
			if len(train) != tc.wantTrain || len(train)+len(test) != tc.n {
				t.Fatalf("split %d/%d, want %d train of %d", len(train), len(test), tc.wantTrain, tc.n)
			}
			if len(test) > 0 && test[0].Line != len(train) {
				t.Fatalf("test does not follow train")
			}
		})
	}
}

// FuzzLoadModel: no model file may panic the decoder or, once accepted,
// produce a prediction outside [1e-6, 1-1e-6].
func FuzzLoadModel(f *testing.F) {
	good, err := json.Marshal(DefaultModel())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(good))
	f.Add(`{"format":"tidbit-kt-lr/1","skill_window":16,"overall_window":64,"weights":{}}`)
	f.Add(strings.Replace(string(good), `"bias":0.4`, `"bias":1e308`, 1))
	f.Add(strings.Replace(string(good), `"skills":{}`, `"skills":{"1":{"easiness":-1e308,"right_rate":1e308}}`, 1))
	f.Fuzz(func(t *testing.T, in string) {
		m, err := LoadModel(strings.NewReader(in))
		if err != nil {
			return
		}
		st := m.NewState()
		for _, id := range append(m.SkillIDs(), "x") {
			st.Update(id, true)
			p := st.Predict(id)
			if !(p.P >= pMin && p.P <= pMax) || !finite(p.Std) || !finite(p.Logit) {
				t.Fatalf("skill %q: prediction %+v", id, p)
			}
		}
	})
}

// FuzzRestoreState: a saved learner state may be corrupt; decoding must
// fail cleanly or give finite predictions.
func FuzzRestoreState(f *testing.F) {
	f.Add(`{"skills":{"3":{"right":2,"wrong":1,"recent":5,"recent_n":3}},"right":2,"wrong":1,"recent":5,"recent_n":3,"has_last":true,"last_skill":"3","last_correct":true}`)
	f.Add(`{"right":-1}`)
	f.Add(`{"recent_n":65}`)
	f.Add(`{"skills":{"3":{"right":1,"wrong":0,"recent_n":2}}}`)
	f.Add(`{"skills":{"":{"right":9223372036854775807,"wrong":9223372036854775807}}}`)
	m := DefaultModel()
	f.Fuzz(func(t *testing.T, in string) {
		st, err := m.RestoreState([]byte(in))
		if err != nil {
			return
		}
		for _, id := range append(st.Practised(), "new") {
			p := st.Predict(id)
			st.Update(id, false)
			q := st.Predict(id)
			if !(p.P >= pMin && p.P <= pMax && q.P >= pMin && q.P <= pMax) || !finite(p.Std) || !finite(q.Std) {
				t.Fatalf("skill %q: predictions %+v, %+v", id, p, q)
			}
		}
	})
}

// TestMultiSkillRows: with MultiSkill 1 every question is written as two
// rows on different skills with the same correctness, as in the DKT export
// of ASSISTments.
func TestMultiSkillRows(t *testing.T) {
	s := Generate(SynthConfig{Seed: 2, Students: 30, MultiSkill: 1})
	for u, sq := range s.Sequences {
		if len(sq.Answers)%2 != 0 || len(s.TrueP[u]) != len(sq.Answers) {
			t.Fatalf("student %d: %d rows, %d probabilities", u, len(sq.Answers), len(s.TrueP[u]))
		}
		for i := 0; i < len(sq.Answers); i += 2 {
			a, b := sq.Answers[i], sq.Answers[i+1]
			if a.Skill == b.Skill || a.Correct != b.Correct || s.TrueP[u][i] != s.TrueP[u][i+1] {
				t.Fatalf("student %d rows %d-%d are not a duplicate pair: %+v %+v", u, i, i+1, a, b)
			}
		}
	}
}

// TestDuplicateRowsAreLearned: when multi-skill answers are duplicated, the
// "previous answer on another skill" weight must pick the copy up, which
// the per-skill baselines cannot.
func TestDuplicateRowsAreLearned(t *testing.T) {
	s := Generate(SynthConfig{Seed: 8, MultiSkill: 0.3})
	train, test := SplitStudents(s.Sequences, 0.25)
	rep, m, err := Compare(train, test, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := m.Weight("other_last"); w < 0.5 {
		t.Errorf("other_last weight %.3f, want > 0.5", w)
	}
	if model, record := rep.Rows[2].AUC, rep.Rows[1].AUC; model < record+0.08 {
		t.Errorf("model AUC %.4f, prior+record %.4f: duplicates not exploited", model, record)
	}
}
