// Package learner is Tidbit's learner model above the per-item algorithms:
// who the learner is and wants to become (Profile, built from role,
// seniority, self-ratings, goals and performance notes), how far each skill
// is from its target (Gap, target minus estimated mastery, with
// uncertainty) and what to offer next (Recommender).
//
// Scales. A level is the 1-5 scale of the role profiles and self-ratings.
// Mastery is a probability: the chance of answering a typical question on
// the skill correctly, as the knowledge-tracing model (app/learner/kt)
// estimates it. LevelP maps a level to the mastery it stands for
// (0.45 + 0.1 x level: level 1 = 0.55, level 3 = 0.75, level 5 = 0.95), so
// a gap is always a difference of probabilities in [-1, 1].
//
// Mastery comes through the Mastery interface and due reviews through the
// Reviews interface, so the knowledge-tracing model and the FSRS scheduler
// plug in without this package depending on how they store state;
// KTMastery adapts a kt.State and BetaMastery is a per-skill Beta-Bernoulli
// estimate from answer counts when no answer sequence is available.
//
// Everything here is deterministic domain code: no I/O, no UI, no network;
// randomness comes from an injected source.
package learner
