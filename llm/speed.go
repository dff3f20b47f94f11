package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/ollama/ollama/api"
)

// Speed figures. A quiz is about QuizTokens generated tokens: five
// questions of four explained options (~1,000 tokens, the figure behind
// DefaultTimeout) and the verifier's short answer sheet. Prompt reading is
// several times faster than generation on CPUs and is left out.
const (
	QuizTokens = 1000
	// QuizBudget is how long preparing one quiz may take on a usable
	// setup: the queue works in idle minutes, and a quiz should fit in one.
	QuizBudget = time.Minute
	// SpeedProbeTokens bounds the speed probe's generation.
	SpeedProbeTokens = 32
	// SmallModel is what doctor suggests when the model is too slow.
	SmallModel = "llama3.2:1b"
)

// Speed is what one bounded generation measured.
type Speed struct {
	TokensPerSecond float64       `json:"tokens_per_second"`
	Tokens          int           `json:"tokens"`
	EvalTime        time.Duration `json:"eval_ns"`
	LoadTime        time.Duration `json:"load_ns"` // the server loading the model first; not part of the speed
	Latency         time.Duration `json:"latency_ns"`
}

// NeededTokensPerSecond is the speed at which a quiz takes budget.
func NeededTokensPerSecond(budget time.Duration) float64 {
	if budget <= 0 {
		budget = QuizBudget
	}
	return QuizTokens / budget.Seconds()
}

// QuizTime estimates how long preparing one quiz takes at this speed.
func (s Speed) QuizTime() time.Duration {
	if s.TokensPerSecond <= 0 {
		return 0
	}
	return time.Duration(QuizTokens / s.TokensPerSecond * float64(time.Second))
}

// TooSlow says whether a quiz would take longer than QuizBudget, with the
// problem and fix doctor shows.
func (s Speed) TooSlow(model string) (slow bool, problem, fix string) {
	need := NeededTokensPerSecond(QuizBudget)
	if s.TokensPerSecond >= need {
		return false, "", ""
	}
	problem = fmt.Sprintf("model too slow: %.1f tokens/s (needs about %.0f for a quiz within a minute; a quiz takes about %s)",
		s.TokensPerSecond, need, s.QuizTime().Round(time.Second))
	fix = fmt.Sprintf("use a smaller model: `ollama pull %s`, then choose it in Settings (or `tidbit settings set model=%s`)", SmallModel, SmallModel)
	if model == SmallModel {
		fix = "this is already a small model: close other heavy programs, or let Tidbit prepare quizzes while you are away (it works only when you are idle)"
	}
	return true, problem, fix
}

// MeasureSpeed asks model for a short schema-constrained generation of
// SpeedProbeTokens tokens, and returns the generation speed the server
// measured (eval_count / eval_duration: model loading and prompt reading
// are not counted). It bounds the request by ctx; a cold model may need
// seconds to load first.
func MeasureSpeed(ctx context.Context, base *url.URL, model string, hc *http.Client) (Speed, error) {
	if hc == nil {
		hc = &http.Client{}
	}
	c := api.NewClient(base, hc)
	stream := false
	req := &api.GenerateRequest{
		Model:  model,
		Prompt: "List the whole numbers from 1 to 100 as a JSON array.",
		// A schema, as quiz requests have (their grammar costs time too),
		// that no answer can satisfy within SpeedProbeTokens: even a
		// terse model writes the whole budget.
		Format:    []byte(`{"type":"array","items":{"type":"integer"},"minItems":100}`),
		Stream:    &stream,
		KeepAlive: &api.Duration{Duration: DefaultKeepAlive},
		Think:     &api.ThinkValue{Value: false},
		Options:   map[string]any{"temperature": 0, "num_predict": SpeedProbeTokens, "seed": 1},
	}
	start := time.Now()
	var sp Speed
	done := false
	err := c.Generate(ctx, req, func(r api.GenerateResponse) error {
		if r.Done {
			done = true
			sp.Tokens, sp.EvalTime, sp.LoadTime = r.EvalCount, r.EvalDuration, r.LoadDuration
		}
		return nil
	})
	sp.Latency = time.Since(start)
	if err != nil {
		g := &Generator{Model: model}
		return sp, fmt.Errorf("measuring the speed of %s: %w", model, g.explainErr(ctx, err))
	}
	if !done {
		return sp, fmt.Errorf("measuring the speed of %s: %w", model, ErrIncompleteStream)
	}
	if sp.Tokens < 2 || sp.EvalTime <= 0 {
		return sp, fmt.Errorf("measuring the speed of %s: the server reported %d tokens in %v, too few to measure", model, sp.Tokens, sp.EvalTime)
	}
	sp.TokensPerSecond = float64(sp.Tokens) / sp.EvalTime.Seconds()
	return sp, nil
}

// IsProbeTimeout reports whether MeasureSpeed failed only because its
// context ended (a model still loading): doctor then says it could not
// measure, rather than that the model is slow.
func IsProbeTimeout(ctx context.Context, err error) bool {
	return err != nil && (ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || isTimeout(err))
}
