package kt

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// FitOptions tunes Fit. The zero value gives the defaults below.
type FitOptions struct {
	SkillWindow   int // last answers on a skill in the recency features; default 5, max 16
	OverallWindow int // last answers overall; default 10, max 64
	// L2 and SkillL2 are Gaussian-prior precisions on the global weights
	// (except the bias) and on the per-skill parameters; defaults 1 and 1.
	// The penalty is 0.5*L2*w² per weight on the summed log loss, so its
	// pull fades as data grows.
	L2, SkillL2 float64
	// MaxIter bounds L-BFGS iterations; default 500.
	MaxIter int
	// PriorStrength is how many answers the population prior is worth in
	// Prediction.Std; default 2.
	PriorStrength float64
}

func (o FitOptions) withDefaults() (FitOptions, error) {
	if o.SkillWindow == 0 {
		o.SkillWindow = 5
	}
	if o.OverallWindow == 0 {
		o.OverallWindow = 10
	}
	if o.L2 == 0 {
		o.L2 = 1
	}
	if o.SkillL2 == 0 {
		o.SkillL2 = 1
	}
	if o.MaxIter == 0 {
		o.MaxIter = 500
	}
	if o.PriorStrength == 0 {
		o.PriorStrength = 2
	}
	switch {
	case o.SkillWindow < 1 || o.SkillWindow > maxSkillWindow:
		return o, fmt.Errorf("skill window %d: want 1..%d", o.SkillWindow, maxSkillWindow)
	case o.OverallWindow < 1 || o.OverallWindow > maxOverallWindow:
		return o, fmt.Errorf("overall window %d: want 1..%d", o.OverallWindow, maxOverallWindow)
	case !finite(o.L2) || o.L2 < 0 || !finite(o.SkillL2) || o.SkillL2 < 0:
		return o, fmt.Errorf("regularisation %v/%v: want finite, non-negative", o.L2, o.SkillL2)
	case o.MaxIter < 0:
		return o, fmt.Errorf("max iterations %d is negative", o.MaxIter)
	case !finite(o.PriorStrength) || o.PriorStrength < 0:
		return o, fmt.Errorf("prior strength %v: want finite, non-negative", o.PriorStrength)
	}
	return o, nil
}

// ErrNoData is returned by Fit when there is nothing to learn from.
var ErrNoData = errors.New("no answers to fit")

// Fit learns global weights and per-skill parameters by L2-regularised
// logistic regression on every answer of train, each predicted from the
// history before it (the same features State.Predict computes online).
// It is deterministic: the same data and options give the same model.
func Fit(train []Sequence, opt FitOptions) (*Model, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("fitting knowledge-tracing model: %w", err)
	}
	m := &Model{skillWindow: opt.SkillWindow, overallWindow: opt.OverallWindow, priorStrength: opt.PriorStrength,
		index: map[string]int{}}

	// Skills are indexed in sorted order so parameters do not depend on map order.
	var ids []string
	seen := map[string]bool{}
	n := 0
	for _, s := range train {
		for _, a := range s.Answers {
			if !seen[a.Skill] {
				seen[a.Skill] = true
				ids = append(ids, a.Skill)
			}
		}
		n += len(s.Answers)
	}
	if n == 0 {
		return nil, fmt.Errorf("fitting knowledge-tracing model: %w", ErrNoData)
	}
	sort.Strings(ids)
	for i, id := range ids {
		m.index[id] = i
	}
	k := len(ids)
	m.params = make([]SkillParams, k)

	d := &design{x: make([]float64, 0, n*numFeatures), skill: make([]int32, 0, n), y: make([]bool, 0, n)}
	var st State
	var x [numFeatures]float64
	right := 0
	students := 0
	for _, s := range train {
		if len(s.Answers) == 0 {
			continue
		}
		students++
		st.Reset()
		for _, a := range s.Answers {
			m.features(&st, a.Skill, &x)
			i := m.index[a.Skill]
			d.x = append(d.x, x[:]...)
			d.skill = append(d.skill, int32(i))
			d.y = append(d.y, a.Correct)
			m.params[i].Answers++
			if a.Correct {
				m.params[i].BaseRate++
				right++
			}
			st.Update(a.Skill, a.Correct)
		}
	}
	m.globalRate = float64(right) / float64(n)

	// theta = [global weights | easiness per skill | right rate | wrong rate]
	theta := make([]float64, numFeatures+3*k)
	theta[fBias] = math.Log(clampP(m.globalRate) / (1 - clampP(m.globalRate)))
	obj := func(th, g []float64) float64 { return d.objective(th, g, k, opt.L2, opt.SkillL2) }
	res := minimizeLBFGS(obj, theta, opt.MaxIter)

	copy(m.w[:], theta[:numFeatures])
	var sumAnswers float64
	for i := range m.params {
		p := &m.params[i]
		p.Easiness = theta[numFeatures+i]
		p.RightRate = theta[numFeatures+k+i]
		p.WrongRate = theta[numFeatures+2*k+i]
		a := float64(p.Answers)
		p.BaseRate /= a
		m.unknown.Easiness += a * p.Easiness
		m.unknown.RightRate += a * p.RightRate
		m.unknown.WrongRate += a * p.WrongRate
		sumAnswers += a
	}
	m.unknown.Easiness /= sumAnswers
	m.unknown.RightRate /= sumAnswers
	m.unknown.WrongRate /= sumAnswers
	m.unknown.BaseRate = m.globalRate

	m.info = FitInfo{Students: students, Answers: n, Iterations: res.iter, Converged: res.converged,
		TrainLogLoss: d.objective(theta, nil, k, 0, 0)}
	for _, w := range theta {
		if !finite(w) {
			return nil, fmt.Errorf("fitting knowledge-tracing model: optimiser produced a non-finite weight")
		}
	}
	return m, nil
}

// design is the feature matrix of a training set, row-major.
type design struct {
	x     []float64
	skill []int32
	y     []bool
}

// objective returns the mean regularised negative log-likelihood at th and,
// if g is not nil, writes its gradient into g.
func (d *design) objective(th, g []float64, k int, l2, skillL2 float64) float64 {
	n := len(d.y)
	if g != nil {
		clear(g)
	}
	w := th[:numFeatures]
	easy, rr, wr := th[numFeatures:numFeatures+k], th[numFeatures+k:numFeatures+2*k], th[numFeatures+2*k:]
	var loss float64
	for r := 0; r < n; r++ {
		x := d.x[r*numFeatures : (r+1)*numFeatures : (r+1)*numFeatures]
		s := d.skill[r]
		z := easy[s] + rr[s]*x[fSkillRight] + wr[s]*x[fSkillWrong]
		for j, v := range x {
			z += w[j] * v
		}
		// The log loss of sigmoid(z) is softplus(z) - y*z; one exp serves
		// both it and the residual sigmoid(z) - y.
		e := math.Exp(-math.Abs(z))
		sp := math.Log1p(e)
		var p float64
		if z >= 0 {
			sp += z
			p = 1 / (1 + e)
		} else {
			p = e / (1 + e)
		}
		res := p
		loss += sp
		if d.y[r] {
			loss -= z
			res -= 1
		}
		if g != nil {
			for j, v := range x {
				g[j] += res * v
			}
			g[numFeatures+int(s)] += res
			g[numFeatures+k+int(s)] += res * x[fSkillRight]
			g[numFeatures+2*k+int(s)] += res * x[fSkillWrong]
		}
	}
	var pen float64
	for j := 1; j < numFeatures; j++ {
		pen += 0.5 * l2 * w[j] * w[j]
		if g != nil {
			g[j] += l2 * w[j]
		}
	}
	for j := numFeatures; j < len(th); j++ {
		pen += 0.5 * skillL2 * th[j] * th[j]
		if g != nil {
			g[j] += skillL2 * th[j]
		}
	}
	if g != nil {
		inv := 1 / float64(n)
		for j := range g {
			g[j] *= inv
		}
	}
	return (loss + pen) / float64(n)
}

type lbfgsResult struct {
	f         float64
	iter      int
	converged bool
}

// minimizeLBFGS minimises a smooth convex f in place with limited-memory BFGS
// (10 correction pairs, backtracking Armijo line search). f writes the
// gradient into its second argument.
func minimizeLBFGS(f func(x, g []float64) float64, x []float64, maxIter int) lbfgsResult {
	const (
		mem    = 10
		gtol   = 1e-6
		ftol   = 1e-10
		armijo = 1e-4
	)
	n := len(x)
	g := make([]float64, n)
	fx := f(x, g)
	var ss, ys [][]float64
	var rhos []float64
	dir := make([]float64, n)
	xn := make([]float64, n)
	gn := make([]float64, n)
	alpha := make([]float64, mem)
	res := lbfgsResult{f: fx}
	for res.iter = 0; res.iter < maxIter; res.iter++ {
		if normInf(g) < gtol {
			res.converged = true
			break
		}
		// Two-loop recursion: dir = -H g.
		copy(dir, g)
		for i := len(ss) - 1; i >= 0; i-- {
			alpha[i] = rhos[i] * dot(ss[i], dir)
			axpy(-alpha[i], ys[i], dir)
		}
		if l := len(ss); l > 0 {
			scale(dot(ss[l-1], ys[l-1])/dot(ys[l-1], ys[l-1]), dir)
		} else {
			scale(1/math.Max(1, norm2(g)), dir)
		}
		for i := range ss {
			b := rhos[i] * dot(ys[i], dir)
			axpy(alpha[i]-b, ss[i], dir)
		}
		scale(-1, dir)
		slope := dot(dir, g)
		if !(slope < 0) { // not a descent direction: drop the memory and use steepest descent
			ss, ys, rhos = ss[:0], ys[:0], rhos[:0]
			copy(dir, g)
			scale(-1/math.Max(1, norm2(g)), dir)
			slope = dot(dir, g)
		}
		step := 1.0
		var fn float64
		ok := false
		for ls := 0; ls < 50; ls++ {
			copy(xn, x)
			axpy(step, dir, xn)
			fn = f(xn, gn)
			if finite(fn) && fn <= fx+armijo*step*slope {
				ok = true
				break
			}
			step /= 2
		}
		if !ok {
			break // no progress possible at float precision
		}
		s := make([]float64, n)
		y := make([]float64, n)
		for i := range s {
			s[i] = xn[i] - x[i]
			y[i] = gn[i] - g[i]
		}
		if sy := dot(s, y); sy > 1e-12 {
			if len(ss) == mem {
				ss, ys, rhos = ss[1:], ys[1:], rhos[1:]
			}
			ss, ys, rhos = append(ss, s), append(ys, y), append(rhos, 1/sy)
		}
		copy(x, xn)
		copy(g, gn)
		improved := fx - fn
		fx = fn
		if improved <= ftol*math.Max(1, math.Abs(fx)) {
			res.converged = true
			res.iter++
			break
		}
	}
	res.f = fx
	return res
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func axpy(a float64, x, y []float64) {
	for i := range x {
		y[i] += a * x[i]
	}
}

func scale(a float64, x []float64) {
	for i := range x {
		x[i] *= a
	}
}

func norm2(x []float64) float64 { return math.Sqrt(dot(x, x)) }

func normInf(x []float64) float64 {
	var m float64
	for _, v := range x {
		m = math.Max(m, math.Abs(v))
	}
	return m
}
