// eval_binding.mjs scores weight sets with fsrs-rs's own evaluate
// (@open-spaced-repetition/binding 0.5.0, FSRSBinding.evaluate: log loss and
// RMSE(bins) over recency-weighted items), for the Go test
// TestEvaluateAgainstFSRSRS in app/learner/fsrs/revlog.
//
//   node eval_binding.mjs input.json > output.json
//
// input:  {"items": [[[rating, delta_t], ...], ...], "weights": {"name": [21 numbers], ...}}
//         one item per scored review (the card's history up to and
//         including it), items in chronological order.
// output: {"items": n, "eval": {"name": {"logLoss": x, "rmseBins": y}, ...}}
import { readFileSync } from 'node:fs';
import { FSRSBinding, FSRSBindingItem, FSRSBindingReview } from '@open-spaced-repetition/binding';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const items = input.items.map(
  (reviews) => new FSRSBindingItem(reviews.map(([rating, dt]) => new FSRSBindingReview(rating, dt))),
);
const out = { items: items.length, eval: {} };
for (const [name, params] of Object.entries(input.weights ?? {})) {
  const { logLoss, rmseBins } = new FSRSBinding(params).evaluate(items);
  out.eval[name] = { logLoss, rmseBins };
}
process.stdout.write(JSON.stringify(out) + '\n');
