// Package kt is Tidbit's knowledge-tracing model: for every skill it
// estimates the probability that this learner answers the next question on
// that skill correctly, together with how much evidence backs the estimate.
//
// The model is a logistic regression over count and recency features in the
// style of PFA and "Best-LR" (Gervet et al. 2020): per-skill easiness and
// learning rates, the learner's log-transformed counts of right and wrong
// answers on the skill and overall, and the last few answers on the skill and
// overall. Weights are fitted offline with Fit (L-BFGS, written here, standard
// library only); a per-learner State is then updated online with every answer
// and is cheap enough to update on each click (see BenchmarkUpdate).
//
// The package also holds what is needed to check the model against the
// knowledge-tracing literature: a reader and writer for the DKT
// "3 lines per student" format, replay evaluation (AUC, log loss, RMSE),
// two baselines (per-skill prior; prior plus running record) and a
// deterministic synthetic-learner generator with known ground truth.
//
// Everything here is pure domain code: no I/O besides the io.Reader/io.Writer
// given by callers, no network, no UI.
package kt
