package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/tidbit-learn/tidbit/app/learner/recsim"
)

// runRecsim is `tidbit-lab recsim --learners N --days D --seed S [--json]`:
// simulated learners with hidden skill levels and forgetting, the real
// recommender against random, random-ready and greedy-gap pickers. It
// exits 1 when a target of the learner-model issue is missed, so CI can
// run it as a check.
func runRecsim(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tidbit-lab recsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	learners := fs.Int("learners", 50, fmt.Sprintf("simulated learners (1-%d)", recsim.MaxLearners))
	days := fs.Int("days", 60, fmt.Sprintf("days simulated, weekends off (1-%d)", recsim.MaxDays))
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same report")
	minutes := fs.Int("minutes", 15, "study minutes a weekday")
	reviewRun := fs.Int("max-review-run", 0, "due reviews in a row the recommender allows while new lessons wait (0: its default)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "tidbit-lab recsim: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *learners < 1 || *days < 1 {
		fmt.Fprintln(stderr, "tidbit-lab recsim: --learners and --days must be at least 1")
		return 2
	}
	rep, err := recsim.Run(recsim.Config{Learners: *learners, Days: *days, Seed: *seed, MinutesPerDay: *minutes, MaxReviewRun: *reviewRun})
	if err != nil {
		fmt.Fprintf(stderr, "tidbit-lab recsim: %v\n", err)
		return 2
	}
	if code := emit(stdout, stderr, "recsim", *asJSON, rep, rep.WriteTable); code != 0 {
		return code
	}
	if !rep.Passed() {
		return 1
	}
	return 0
}
