// gen_vectors.mjs writes ../tsfsrs_vectors.json: review sequences replayed
// through ts-fsrs 5.4.2 (the FSRS-6 reference scheduler), which the Go tests
// in app/learner/fsrs compare against step by step.
//
//   app/learner/fsrs/testdata/gen/install.sh && cd app/learner/fsrs/testdata/gen && node gen_vectors.mjs
//
// The output is deterministic: every random choice comes from a seeded PRNG,
// and ts-fsrs itself is deterministic (its fuzz is seeded from card data).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  fsrs,
  createEmptyCard,
  CLAMP_PARAMETERS,
  default_w,
  State,
  FSRSVersion,
} from 'ts-fsrs';

// ts-fsrs logs every 17/19-weight migration on console.debug.
console.debug = () => {};

const SEED = 20251125;
const SEQUENCES = 1200;
const MIGRATIONS = 300;
const DAY = 86400000;
const MIN = 60000;

// mulberry32: small, well-known, seedable PRNG.
function mulberry32(a) {
  return function () {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(SEED);
const uniform = (lo, hi) => lo + (hi - lo) * rnd();
const int = (lo, hi) => Math.floor(uniform(lo, hi + 1)); // inclusive
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const gauss = () => {
  const u = 1 - rnd();
  const v = rnd();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
};

const LEARNING = [['1m', '10m'], ['1m', '10m'], [], ['1m'], ['5m', '30m', '1h'], ['10m', '1d'], ['2h', '2d'], ['30m']];
const RELEARNING = [['10m'], ['10m'], [], ['10m', '1h'], ['5m', '20m', '1h'], ['1d'], ['15m', '2d']];
const RANGES = CLAMP_PARAMETERS(2, true);

// randomWeights returns a valid-looking weight set: either the defaults
// perturbed multiplicatively, or uniform within ts-fsrs's clamp ranges.
// A few values are pushed out of range on purpose so that clamping is
// exercised as well.
function randomWeights(len) {
  const w = [];
  const perturb = rnd() < 0.5;
  for (let i = 0; i < len; i++) {
    const [lo, hi] = RANGES[i];
    let x = perturb ? default_w[i] * Math.exp(0.35 * gauss()) : uniform(lo, hi);
    if (rnd() < 0.02) x = rnd() < 0.5 ? lo - uniform(0, 1) : hi + uniform(0, 1);
    w.push(Number(x.toPrecision(6)));
  }
  if (len === 17) w[4] = Math.min(w[4], 7); // FSRS-4.5 D0 was in another range
  return w;
}

function sequenceConfig() {
  const cfg = {};
  const wk = rnd();
  if (wk < 0.45) cfg.w = null;
  else if (wk < 0.85) cfg.w = randomWeights(21);
  else if (wk < 0.93) cfg.w = randomWeights(19);
  else cfg.w = randomWeights(17);
  cfg.request_retention = rnd() < 0.4 ? 0.9 : Number(uniform(0.8, 0.95).toFixed(4));
  cfg.maximum_interval = rnd() < 0.8 ? 36500 : pick([365, 1000, int(30, 5000)]);
  cfg.learning_steps = rnd() < 0.5 ? ['1m', '10m'] : pick(LEARNING);
  cfg.relearning_steps = rnd() < 0.5 ? ['10m'] : pick(RELEARNING);
  cfg.enable_fuzz = rnd() < 0.15;
  return cfg;
}

// nextGap chooses when the next review happens, relative to the last one
// (ms). It mixes on-time reviews, same-day reviews, early and late reviews
// and very long breaks.
function nextGap(card) {
  const k = rnd();
  const sched = card.due.getTime() - (card.last_review ? card.last_review.getTime() : card.due.getTime());
  if (k < 0.25) return Math.max(0, sched) + int(0, 3 * 3600) * 1000;
  if (k < 0.45) return int(0, 180) * MIN + int(0, 59999);
  if (k < 0.65) return int(1, 30) * DAY + int(0, DAY - 1);
  if (k < 0.73) return int(100, 3000) * DAY + int(0, DAY - 1);
  if (k < 0.85) return Math.floor(Math.max(0, sched) * uniform(0.1, 0.95));
  return Math.floor(Math.max(MIN, sched) * uniform(1.0, 3.0));
}

const sequences = [];
let steps = 0;
for (let q = 0; q < SEQUENCES; q++) {
  const cfg = sequenceConfig();
  const params = {
    request_retention: cfg.request_retention,
    maximum_interval: cfg.maximum_interval,
    learning_steps: cfg.learning_steps,
    relearning_steps: cfg.relearning_steps,
    enable_fuzz: cfg.enable_fuzz,
  };
  if (cfg.w) params.w = cfg.w;
  const f = fsrs(params);
  // Start between 2023 and 2027 at any millisecond, so reviews fall on both
  // sides of UTC midnight.
  let now = new Date(Date.UTC(2023, 0, 1) + Math.floor(rnd() * 4 * 365 * DAY));
  let card = createEmptyCard(now);
  const n = rnd() < 0.15 ? int(20, 40) : int(1, 15);
  const reviews = [];
  for (let i = 0; i < n; i++) {
    if (i > 0) now = new Date(now.getTime() + nextGap(card));
    const rating = rnd() < 0.15 ? 1 : pick([1, 2, 3, 3, 3, 4]);
    const rGet = f.get_retrievability(card, now, false);
    let rSched = null;
    const { card: next, log } = f.next(card, now, rating);
    if (card.state !== State.New) rSched = f.forgetting_curve(log.elapsed_days, card.stability);
    reviews.push([
      now.getTime(),
      rating,
      next.due.getTime(),
      next.stability,
      next.difficulty,
      next.state,
      next.reps,
      next.lapses,
      next.scheduled_days,
      next.learning_steps,
      next.elapsed_days,
      rGet,
      rSched,
    ]);
    card = next;
    steps++;
  }
  sequences.push({
    w: cfg.w,
    effective_w: Array.from(f.parameters.w),
    request_retention: cfg.request_retention,
    maximum_interval: cfg.maximum_interval,
    learning_steps: cfg.learning_steps,
    relearning_steps: cfg.relearning_steps,
    enable_fuzz: cfg.enable_fuzz,
    start_ms: reviews[0][0],
    reviews,
  });
}

// Migration/clamping cases: 17, 19 and 21 weights, in and out of range, with
// 0..3 relearning steps (more than one lowers the w17/w18 ceiling).
const migrations = [];
for (let i = 0; i < MIGRATIONS; i++) {
  const len = pick([17, 19, 21]);
  const w = randomWeights(len);
  const relearning_steps = ['1m', '5m', '10m'].slice(0, int(0, 3));
  const f = fsrs({ w, relearning_steps });
  migrations.push({ w, relearning_steps, effective_w: Array.from(f.parameters.w) });
}

const out = {
  generator: 'testdata/gen/gen_vectors.mjs',
  reference: FSRSVersion,
  seed: SEED,
  review_fields: [
    'review_ms', 'rating', 'due_ms', 'stability', 'difficulty', 'state', 'reps', 'lapses',
    'scheduled_days', 'learning_step', 'elapsed_days', 'get_retrievability', 'scheduler_retrievability',
  ],
  sequences,
  migrations,
};
const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'tsfsrs_vectors.json');
writeFileSync(path, JSON.stringify(out) + '\n');
console.log(`wrote ${path}: ${sequences.length} sequences, ${steps} reviews, ${migrations.length} migrations`);
