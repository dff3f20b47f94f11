package settings

import (
	"context"
	"fmt"
	"time"

	"github.com/tidbit-learn/tidbit/llm"
)

// ModelCheck is what a model-server check found: OK, or exactly what is
// wrong (Detail) and what to do (Fix). Doctor and the Settings window's
// Check button show the same words.
type ModelCheck struct {
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// ModelCheckTimeout bounds the Settings window's model check: a server
// that does not answer must not leave the button spinning.
const ModelCheckTimeout = 20 * time.Second

// CheckModel asks the configured model server whether it runs, whether
// the model is pulled, and how fast it writes (a short bounded
// generation): the server not running (`ollama serve`), the model not
// pulled (`ollama pull NAME`), a remote server not allowed, or the model
// too slow for a quiz within a minute. getenv reads OLLAMA_HOST.
func (s Settings) CheckModel(ctx context.Context, getenv func(string) string) ModelCheck {
	if s.NoAI {
		return ModelCheck{OK: true, Detail: "the model is turned off in Settings: Tidbit uses authored questions only"}
	}
	model := s.Model
	if model == "" {
		model = llm.DefaultModel
	}
	u, err := llm.ResolveHost(s.ModelHost, getenv, s.AllowRemote)
	if err != nil {
		return ModelCheck{Detail: err.Error(), Fix: "point OLLAMA_HOST (or the model server in Settings) at 127.0.0.1, or allow a remote server in Settings"}
	}
	st := llm.Probe(ctx, u, model, nil)
	if st.Problem != "" {
		return ModelCheck{Detail: fmt.Sprintf("%s at %s (optional: without it Tidbit uses authored questions)", st.Problem, st.Host), Fix: st.Fix}
	}
	detail := fmt.Sprintf("Ollama %s at %s with %s", st.Version, st.Host, model)
	// Stop a little before the caller's deadline: a model still loading
	// is "not measured", not slow.
	mctx := ctx
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		mctx, cancel = context.WithDeadline(ctx, dl.Add(-250*time.Millisecond))
		defer cancel()
	}
	sp, err := llm.MeasureSpeed(mctx, u, model, nil)
	switch {
	case llm.IsProbeTimeout(mctx, err):
		return ModelCheck{OK: true, Detail: detail + "; speed not measured (the model is still loading: check again)"}
	case err != nil:
		return ModelCheck{Detail: fmt.Sprintf("%s; %v", detail, err), Fix: "check the model with `ollama run " + model + "`"}
	}
	if slow, problem, fix := sp.TooSlow(model); slow {
		return ModelCheck{Detail: fmt.Sprintf("%s: %s (optional: Tidbit uses authored questions until quizzes are ready)", detail, problem), Fix: fix}
	}
	return ModelCheck{OK: true, Detail: fmt.Sprintf("%s, %.0f tokens/s (a quiz in about %s)", detail, sp.TokensPerSecond, sp.QuizTime().Round(time.Second))}
}

// String is the check for one line of a window: the detail, then the fix.
func (c ModelCheck) String() string {
	if c.Fix == "" {
		return c.Detail
	}
	return c.Detail + " → " + c.Fix
}
