package fsrs

import "math"

// dual is a forward-mode automatic-differentiation number: a value and its
// gradient with respect to the 21 weights. Fitting needs the gradient of a
// loss summed over sequential recurrences; with only 21 inputs, forward mode
// is simpler than a tape and costs about 21 multiplications per operation.
type dual struct {
	v float64
	g [NumWeights]float64
}

func constant(x float64) dual { return dual{v: x} }

func variable(i int, x float64) dual {
	d := dual{v: x}
	d.g[i] = 1
	return d
}

func (a dual) add(b dual) dual {
	a.v += b.v
	for i := range a.g {
		a.g[i] += b.g[i]
	}
	return a
}

func (a dual) sub(b dual) dual {
	a.v -= b.v
	for i := range a.g {
		a.g[i] -= b.g[i]
	}
	return a
}

func (a dual) addc(c float64) dual { a.v += c; return a }

func (a dual) scale(c float64) dual {
	a.v *= c
	for i := range a.g {
		a.g[i] *= c
	}
	return a
}

func (a dual) mul(b dual) dual {
	out := dual{v: a.v * b.v}
	for i := range out.g {
		out.g[i] = a.g[i]*b.v + a.v*b.g[i]
	}
	return out
}

func (a dual) div(b dual) dual {
	out := dual{v: a.v / b.v}
	inv := 1 / (b.v * b.v)
	for i := range out.g {
		out.g[i] = (a.g[i]*b.v - a.v*b.g[i]) * inv
	}
	return out
}

// chain applies f with derivative df at a.v.
func (a dual) chain(f, df float64) dual {
	a.v = f
	for i := range a.g {
		a.g[i] *= df
	}
	return a
}

func (a dual) exp() dual {
	e := math.Exp(a.v)
	return a.chain(e, e)
}

func (a dual) log() dual { return a.chain(math.Log(a.v), 1/a.v) }

// pow is a^b for a > 0.
func (a dual) pow(b dual) dual {
	v := math.Pow(a.v, b.v)
	la := math.Log(a.v)
	out := dual{v: v}
	for i := range out.g {
		out.g[i] = v * (b.g[i]*la + b.v*a.g[i]/a.v)
	}
	return out
}

// clamp passes no gradient where it clips, like the clamp of the tensor
// libraries fsrs-rs trains with.
func (a dual) clamp(lo, hi float64) dual {
	switch {
	case a.v < lo:
		return constant(lo)
	case a.v > hi:
		return constant(hi)
	}
	return a
}

func minDual(a, b dual) dual {
	if b.v < a.v {
		return b
	}
	return a
}

func maxDual(a, b dual) dual {
	if b.v > a.v {
		return b
	}
	return a
}
