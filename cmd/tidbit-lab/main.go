// Command tidbit-lab runs Tidbit's offline experiments on public or
// simulated data. Subcommands:
//
//	tidbit-lab kt --train F --test F [--json] [--missing-skill drop|keep|error] [--model-out F]
//	tidbit-lab kt --synthetic SEED [--students N] [--synthetic-out DIR] [--json]
//
// kt fits the knowledge-tracing model of app/learner/kt on the train file
// (DKT 3-lines-per-student format, e.g. ASSISTments 2009 skill builder),
// replays the test file predicting each answer before seeing it, and prints
// AUC, log loss and RMSE next to two baselines.
//
//	tidbit-lab footprint [--session] [--tidbit PATH] [--peer 'CMD ARGS']... [--window 60s] [--warmup 10s] [--samples 5] [--json]
//
// footprint runs the resident tidbit (and the peers) in one desktop
// session, measures their idle RSS, PSS, CPU and wakeups over the window,
// then fires moments and times each until its lesson window is mapped,
// cold and warm.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tidbit-learn/tidbit/app/learner/kt"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const usage = `usage: tidbit-lab <command> [flags]

commands:
  kt   fit and evaluate the knowledge-tracing model (tidbit-lab kt -h for flags)
  recsim  compare the recommender with random and greedy on simulated learners (tidbit-lab recsim -h)
  fsrs    score FSRS weights (default and --fit) on a review log: log loss, RMSE(bins), AUC (tidbit-lab fsrs -h)
  llm-eval  quiz generation and verification by a local model over the starter library (tidbit-lab llm-eval -h)
  footprint  the resident tidbit's idle memory, CPU and wakeups next to peer programs, and moment-to-window latency (tidbit-lab footprint -h)
`

// run is main without the process: it returns the exit code (0 ok, 1 failure,
// 2 usage error) so tests can call it.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "kt":
		return runKT(args[1:], stdout, stderr)
	case "recsim":
		return runRecsim(args[1:], stdout, stderr)
	case "fsrs":
		return runFSRS(args[1:], stdout, stderr)
	case "llm-eval":
		return runLLMEval(args[1:], stdout, stderr)
	case "footprint":
		return runFootprint(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "tidbit-lab: unknown command %q\n%s", args[0], usage)
	return 2
}

func runKT(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tidbit-lab kt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	train := fs.String("train", "", "training file, 3 lines per student (count / skill ids / 0-1 answers)")
	test := fs.String("test", "", "test file in the same format; its students should not be in the training file")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	missing := fs.String("missing-skill", "drop", "answers with an empty or -1 skill id: drop, keep (as skill -1) or error")
	modelOut := fs.String("model-out", "", "write the fitted model as JSON to this file")
	synthetic := fs.Int64("synthetic", -1, "instead of files, simulate learners with this seed (25% held out for testing)")
	students := fs.Int("students", 400, "with --synthetic: number of simulated students")
	synthOut := fs.String("synthetic-out", "", "with --synthetic: also write train.txt and test.txt to this directory")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "tidbit-lab kt: unexpected argument %q\n", fs.Arg(0))
		return 2
	}

	var trainSeqs, testSeqs []kt.Sequence
	switch {
	case *synthetic >= 0:
		if *train != "" || *test != "" {
			fmt.Fprintln(stderr, "tidbit-lab kt: use either --synthetic or --train/--test")
			return 2
		}
		data := kt.Generate(kt.SynthConfig{Seed: uint64(*synthetic), Students: *students})
		trainSeqs, testSeqs = kt.SplitStudents(data.Sequences, 0.25)
		if *synthOut != "" {
			if err := writeSynthetic(*synthOut, trainSeqs, testSeqs); err != nil {
				fmt.Fprintf(stderr, "tidbit-lab kt: %v\n", err)
				return 1
			}
		}
	case *train == "" || *test == "":
		fmt.Fprintln(stderr, "tidbit-lab kt: --train and --test are required (or --synthetic SEED)")
		fs.Usage()
		return 2
	default:
		policy, err := kt.ParseMissingSkill(*missing)
		if err != nil {
			fmt.Fprintf(stderr, "tidbit-lab kt: %v\n", err)
			return 2
		}
		opt := kt.ReadOptions{Missing: policy}
		for _, f := range []struct {
			path string
			dst  *[]kt.Sequence
		}{{*train, &trainSeqs}, {*test, &testSeqs}} {
			ds, err := kt.ReadFile(f.path, opt)
			if err != nil {
				fmt.Fprintf(stderr, "tidbit-lab kt: %v\n", err)
				return 1
			}
			if ds.DroppedMissing > 0 {
				fmt.Fprintf(stderr, "tidbit-lab kt: %s: dropped %d answers without a skill id\n", f.path, ds.DroppedMissing)
			}
			*f.dst = ds.Sequences
		}
	}

	rep, model, err := kt.Compare(trainSeqs, testSeqs, kt.FitOptions{})
	if err != nil {
		fmt.Fprintf(stderr, "tidbit-lab kt: %v\n", err)
		return 1
	}
	if *modelOut != "" {
		data, err := json.MarshalIndent(model, "", "  ")
		if err == nil {
			err = os.WriteFile(*modelOut, append(data, '\n'), 0o644)
		}
		if err != nil {
			fmt.Fprintf(stderr, "tidbit-lab kt: writing model %s: %v\n", *modelOut, err)
			return 1
		}
	}
	if *asJSON {
		out := struct {
			kt.Report
			Fit kt.FitInfo `json:"fit"`
		}{rep, model.Info()}
		return emit(stdout, stderr, "kt", true, out, nil)
	}
	return emit(stdout, stderr, "kt", false, nil, rep.WriteTable)
}

// emit prints a subcommand's report as indented JSON or as its table and
// returns the exit code (1 when writing fails).
func emit(stdout, stderr io.Writer, cmd string, asJSON bool, v any, table func(io.Writer) error) int {
	var err error
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // targets read "<= 20 MB", not "\u003c= 20 MB"
		err = enc.Encode(v)
	} else {
		err = table(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "tidbit-lab %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

func writeSynthetic(dir string, train, test []kt.Sequence) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	for name, seqs := range map[string][]kt.Sequence{"train.txt": train, "test.txt": test} {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			return fmt.Errorf("creating %s: %w", path, err)
		}
		err = kt.Write(f, seqs)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	return nil
}
