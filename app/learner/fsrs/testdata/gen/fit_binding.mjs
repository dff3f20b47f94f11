// fit_binding.mjs runs the fsrs-rs optimizer (@open-spaced-repetition/binding
// 0.5.0, computeParameters) on review histories and evaluates weight sets
// with fsrs-rs's own log loss, for the Go test TestFitAgainstFSRSRS.
//
//   node fit_binding.mjs input.json > output.json
//
// input:  {"items": [[[rating, delta_t], ...], ...], "weights": {"name": [21 numbers], ...}}
//         one item per predicted review: the card's history up to and
//         including it, items in chronological order (fsrs-rs weighs later
//         items more, in training and in evaluate).
//         "probe": {"weights": "name", "items": [...]} (optional)
// output: {"fsrs_rs_w": [...], "items": n, "eval": {"fsrs_rs": {"logLoss", "rmseBins"}, "name": {...}, ...},
//          "probe_losses": [...]}
//
// probe_losses[i] is fsrs-rs's log loss of probe item i alone (evaluated as
// 40 copies, so its recency weights cancel): a per-prediction check that
// the Go model and fsrs-rs compute the same R. null where fsrs-rs refuses
// the item.
import { readFileSync } from 'node:fs';
import {
  computeParameters,
  FSRSBinding,
  FSRSBindingItem,
  FSRSBindingReview,
} from '@open-spaced-repetition/binding';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const items = input.items.map(
  (reviews) => new FSRSBindingItem(reviews.map(([rating, dt]) => new FSRSBindingReview(rating, dt))),
);
const w = await computeParameters(items, { enableShortTerm: true, numRelearningSteps: 1 });
const evaluate = (params) => {
  const { logLoss, rmseBins } = new FSRSBinding(params).evaluate(items);
  return { logLoss, rmseBins };
};
const out = { fsrs_rs_w: w, items: items.length, eval: { fsrs_rs: evaluate(w) } };
for (const [name, params] of Object.entries(input.weights ?? {})) {
  out.eval[name] = evaluate(params);
}
if (input.probe) {
  const f = new FSRSBinding(input.weights[input.probe.weights]);
  out.probe_losses = input.probe.items.map((reviews) => {
    const item = new FSRSBindingItem(reviews.map(([rating, dt]) => new FSRSBindingReview(rating, dt)));
    try {
      return f.evaluate(Array(40).fill(item)).logLoss;
    } catch {
      return null;
    }
  });
}
process.stdout.write(JSON.stringify(out) + '\n');
