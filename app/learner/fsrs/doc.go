// Package fsrs implements FSRS-6, the Free Spaced Repetition Scheduler used
// by Anki since 23.10, as a pure Go port of the ts-fsrs 5.4.2 reference
// scheduler (its default "basic" scheduler with learning steps).
//
// A Scheduler is built from Parameters (21 weights, desired retention,
// maximum interval, learning and relearning steps, optional fuzz). Weight
// sets from FSRS-4.5 (17 weights) and FSRS-5 (19) are migrated, and all
// weights are clamped to their ranges, exactly as ts-fsrs does. Next turns
// a Card and a Rating into the next Card and a ReviewLog; Preview returns
// all four outcomes; Retrievability gives the probability of recall now.
//
// Conventions taken from ts-fsrs, so that results agree with it:
//   - elapsed days between reviews are counted in UTC calendar days (a
//     review at 23:59 and one at 00:01 are one day apart); a review on the
//     same UTC day uses the short-term (same-day) stability formula, and a
//     review dated before the previous one counts as 0 days;
//   - Retrievability counts whole 24-hour periods since the last review;
//   - intermediate values are rounded to 8 decimals where ts-fsrs rounds.
//
// Stability stays within [0.001, 36500] days and difficulty within [1, 10];
// no input yields NaN or Inf.
//
// Fit estimates the 21 weights from a learner's own review histories
// (HistoryFromReviews builds them from review times), the way the fsrs-rs
// optimizer does: initial stabilities from first reviews, then Adam on the
// log loss with a cosine-annealed learning rate, L2 regularization towards
// the start and clamping to WeightRanges after every step. LogLoss scores
// any weight set on such histories.
//
// Evaluate computes the srs-benchmark metrics as fsrs-rs does: log loss,
// RMSE(bins) over fsrs-rs's interval, review-count and lapse bins (RBinOf),
// optionally with fsrs-rs's recency weights (RecencyWeights), and AUC.
// Replay gives the predicted R and the stability and difficulty at every
// review of a history, and MemoryModel is the float64 model itself.
// Subpackage revlog reads fsrs-optimizer review logs into histories.
//
// # Reference vectors
//
// testdata/tsfsrs_vectors.json holds 1,200 random review sequences (random
// weights, retentions, steps, gaps from minutes to years, fuzz on and off)
// and 300 weight migrations, replayed through ts-fsrs 5.4.2; the tests
// compare every review. To regenerate it (needs node and npm):
//
//	app/learner/fsrs/testdata/gen/install.sh   # ts-fsrs 5.4.2 into node_modules (not committed)
//	cd app/learner/fsrs/testdata/gen && node gen_vectors.mjs
//
// The generator is seeded, so an unchanged ts-fsrs reproduces the file
// byte for byte.
//
// TestFitAgainstFSRSRS runs the fsrs-rs optimizer (npm
// @open-spaced-repetition/binding 0.5.0, through testdata/gen/fit_binding.mjs)
// on simulated histories and requires Fit's weights to reach a log loss
// within 2 % of fsrs-rs's. It needs node >= 20 and
// testdata/gen/install.sh (which installs both npm packages into
// testdata/gen/node_modules); without them it is skipped, unless CI=true.
package fsrs
