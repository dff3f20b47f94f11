// Package eval measures a model and the quiz prompts over a set of lessons:
// schema-valid rate, verifier agreement, duplicate rate, latency and speed.
// It backs `tidbit-lab llm-eval`, so anyone with a real model can judge
// prompts and models; the tables go in the README per model and prompt
// version.
package eval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tidbit-learn/tidbit/llm"
)

// Config says which generator to measure.
type Config struct {
	Generator *llm.Generator
	// Progress, if set, is called after each lesson.
	Progress func(done, total int, lessonID string, err error)
}

// Row is one lesson's result.
type Row struct {
	Lesson      string        `json:"lesson"`
	Attempts    int           `json:"attempts"`
	SchemaValid int           `json:"schema_valid"`
	Generated   int           `json:"generated"`
	Invalid     int           `json:"invalid"`
	Duplicates  int           `json:"duplicates"`
	Verified    int           `json:"verified"`
	Disagreed   int           `json:"disagreed"`
	Latency     time.Duration `json:"latency_ns"`
	Error       string        `json:"error,omitempty"`
}

// Table is the summary over all lessons.
type Table struct {
	Model             string    `json:"model"`
	PromptVersion     string    `json:"prompt_version"`
	Lessons           int       `json:"lessons"`
	QuizzesReady      int       `json:"quizzes_ready"`
	Attempts          int       `json:"attempts"`
	SchemaValidRate   float64   `json:"schema_valid_rate"`
	VerifierAgreement float64   `json:"verifier_agreement"`
	DuplicateRate     float64   `json:"duplicate_rate"`
	InvalidRate       float64   `json:"invalid_question_rate"`
	MedianLatency     float64   `json:"median_latency_s"` // per lesson, all requests
	MedianRequest     float64   `json:"median_request_s"`
	TokensPerSecond   float64   `json:"tokens_per_second"`
	ServerErrors      int       `json:"server_errors"`
	Rows              []Row     `json:"rows"`
	At                time.Time `json:"at"`
}

// Run generates and verifies a quiz for each lesson, one at a time. It
// stops early only when ctx ends or the server is unusable for the first
// lesson (a missing model or server makes every other row the same).
func Run(ctx context.Context, cfg Config, lessons []llm.Lesson) (Table, error) {
	g := cfg.Generator
	if g == nil {
		return Table{}, errors.New("llm-eval: no generator")
	}
	t := Table{Model: g.Model, PromptVersion: llm.PromptVersion, Lessons: len(lessons), At: time.Now().UTC()}
	var lat, req []float64
	var tokens int
	var evalTime time.Duration
	var valid, generated, dups, invalid, verified, disagreed int
	for i, l := range lessons {
		start := time.Now()
		qz, rep, err := g.QuizReport(ctx, l)
		r := Row{Lesson: l.ID, Attempts: rep.Attempts, SchemaValid: rep.SchemaValid, Generated: rep.Generated,
			Duplicates: rep.Duplicates, Verified: rep.Verified, Disagreed: rep.Disagreed, Latency: time.Since(start)}
		r.Invalid = len(rep.Problems) - rep.Duplicates
		if err != nil {
			// The row shows the cause; the lesson id and the fallback are
			// already in the table.
			r.Error = strings.TrimPrefix(err.Error(), "quiz for lesson "+l.ID+": "+llm.ErrUseAuthored.Error()+": ")
			if errors.Is(err, llm.ErrServer) {
				t.ServerErrors++
			}
		} else if len(qz.Questions) > 0 {
			t.QuizzesReady++
		}
		t.Rows = append(t.Rows, r)
		t.Attempts += rep.Attempts
		valid += rep.SchemaValid
		generated += rep.Generated
		dups += rep.Duplicates
		invalid += r.Invalid
		verified += rep.Verified
		disagreed += rep.Disagreed
		lat = append(lat, r.Latency.Seconds())
		for _, s := range rep.Requests {
			req = append(req, s.Latency.Seconds())
			tokens += s.EvalCount
			evalTime += s.EvalTime
		}
		if cfg.Progress != nil {
			cfg.Progress(i+1, len(lessons), l.ID, err)
		}
		if ctx.Err() != nil {
			return t.finish(valid, generated, dups, invalid, verified, disagreed, lat, req, tokens, evalTime), ctx.Err()
		}
		if i == 0 && errors.Is(err, llm.ErrServer) {
			return t.finish(valid, generated, dups, invalid, verified, disagreed, lat, req, tokens, evalTime),
				fmt.Errorf("stopped after the first lesson: %w", err)
		}
	}
	return t.finish(valid, generated, dups, invalid, verified, disagreed, lat, req, tokens, evalTime), nil
}

func (t Table) finish(valid, generated, dups, invalid, verified, disagreed int, lat, req []float64, tokens int, evalTime time.Duration) Table {
	t.SchemaValidRate = ratio(valid, t.Attempts)
	t.VerifierAgreement = ratio(verified, verified+disagreed)
	t.DuplicateRate = ratio(dups, generated)
	t.InvalidRate = ratio(invalid, generated)
	t.MedianLatency = median(lat)
	t.MedianRequest = median(req)
	if evalTime > 0 {
		t.TokensPerSecond = float64(tokens) / evalTime.Seconds()
	}
	return t
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// WriteJSON writes the table as indented JSON.
func (t Table) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(t)
}

// WriteText writes the summary and one line per lesson.
func (t Table) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "model\t%s\n", t.Model)
	fmt.Fprintf(tw, "prompt version\t%s\n", t.PromptVersion)
	fmt.Fprintf(tw, "lessons\t%d (quiz ready for %d)\n", t.Lessons, t.QuizzesReady)
	fmt.Fprintf(tw, "schema-valid rate\t%.1f %% of %d attempts\n", 100*t.SchemaValidRate, t.Attempts)
	fmt.Fprintf(tw, "verifier agreement\t%.1f %%\n", 100*t.VerifierAgreement)
	fmt.Fprintf(tw, "duplicate rate\t%.1f %%\n", 100*t.DuplicateRate)
	fmt.Fprintf(tw, "invalid question rate\t%.1f %%\n", 100*t.InvalidRate)
	fmt.Fprintf(tw, "median latency\t%.2f s per lesson, %.2f s per request\n", t.MedianLatency, t.MedianRequest)
	fmt.Fprintf(tw, "tokens per second\t%.1f\n", t.TokensPerSecond)
	if t.ServerErrors > 0 {
		fmt.Fprintf(tw, "server errors\t%d\n", t.ServerErrors)
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "LESSON\tATTEMPTS\tVALID\tGENERATED\tINVALID\tDUPS\tVERIFIED\tDISAGREED\tSECONDS\tERROR")
	for _, r := range t.Rows {
		e := r.Error
		if rs := []rune(e); len(rs) > 100 {
			e = string(rs[:97]) + "..."
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.2f\t%s\n", r.Lesson, r.Attempts, r.SchemaValid, r.Generated,
			r.Invalid, r.Duplicates, r.Verified, r.Disagreed, r.Latency.Seconds(), e)
	}
	return tw.Flush()
}
