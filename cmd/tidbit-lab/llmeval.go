package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/tidbit-learn/tidbit/app/content"
	"github.com/tidbit-learn/tidbit/assets"
	"github.com/tidbit-learn/tidbit/llm"
	"github.com/tidbit-learn/tidbit/llm/eval"
)

// runLLMEval is `tidbit-lab llm-eval`: quiz generation and verification
// over the starter library (or a pack), as a table or JSON.
func runLLMEval(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tidbit-lab llm-eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", llm.DefaultModel, "Ollama model to evaluate")
	host := fs.String("host", "", "model server (default: OLLAMA_HOST or 127.0.0.1:11434)")
	allowRemote := fs.Bool("allow-remote", false, "allow a model server on another machine")
	pack := fs.String("pack", "", "lesson pack folder or zip (default: the starter library)")
	limit := fs.Int("n", 0, "evaluate only the first N lessons (0: all)")
	asJSON := fs.Bool("json", false, "print JSON")
	seed := fs.Int("seed", 0, "sampling seed (0: the server's choice)")
	timeout := fs.Duration("timeout", 5*time.Minute, "limit for each request")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	base, err := llm.ResolveHost(*host, os.Getenv, *allowRemote)
	if err != nil {
		fmt.Fprintln(stderr, "tidbit-lab llm-eval:", err)
		return 1
	}
	var p *content.Pack
	if *pack != "" {
		p, err = content.ReadPath(*pack, content.DefaultLimits)
	} else {
		p, err = content.ReadFS(assets.StarterPack(), "starter", content.DefaultLimits)
	}
	if err != nil {
		fmt.Fprintln(stderr, "tidbit-lab llm-eval:", err)
		return 1
	}
	var lessons []llm.Lesson
	for _, l := range p.Lessons {
		var existing []string
		for _, q := range l.Questions {
			existing = append(existing, q.Prompt)
		}
		lessons = append(lessons, llm.Lesson{ID: l.ID, Title: l.Title, Body: l.Body, Skills: l.Skills, Level: l.Level,
			Hash: l.ContentHash, Existing: existing})
	}
	if *limit > 0 && *limit < len(lessons) {
		lessons = lessons[:*limit]
	}
	g := llm.NewGenerator(base, *model, nil)
	g.Seed, g.Timeout = *seed, *timeout
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	tab, err := eval.Run(ctx, eval.Config{Generator: g, Progress: func(done, total int, id string, err error) {
		status := "ok"
		if err != nil {
			status = "fallback"
		}
		fmt.Fprintf(stderr, "[%d/%d] %s: %s\n", done, total, id, status)
	}}, lessons)
	if *asJSON {
		tab.WriteJSON(stdout)
	} else {
		tab.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "tidbit-lab llm-eval:", err)
		return 1
	}
	return 0
}
