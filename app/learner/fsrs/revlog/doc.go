// Package revlog reads review logs in the CSV layout of the FSRS optimizer
// (open-spaced-repetition/fsrs-optimizer, also read by fsrs-rs's tests),
// turns them into FSRS review histories the way fsrs-rs does, scores
// weights on them (fsrs.Evaluate), writes a per-review trace of predicted
// R, S and D, and simulates such logs from known weights.
//
// # File layout
//
//	card_id,review_time,review_rating,review_state,review_duration
//	1700000000001,1704110400000,3,0,5200
//
// A header line names the columns, in any order; card_id, review_time and
// review_rating are required, review_state and review_duration optional,
// other columns ignored. card_id is any non-empty string, review_time
// milliseconds since the Unix epoch (UTC), review_rating 1-4 (Again, Hard,
// Good, Easy) or 0 for a manual entry, review_state the fsrs-optimizer
// codes 0 New (first learning step), 1 Learning, 2 Review, 3 Relearning,
// 4 Filtered (a review in a filtered deck that rescheduled the card) and
// 5 Manual, review_duration milliseconds. These are the optimizer's codes
// (Anki's revlog type plus one, learn starts marked 0), not Anki's raw
// revlog.type (0 learn, 1 review, 2 relearn, 3 filtered, 4 manual,
// 5 rescheduled): FromAnkiTypes converts raw Anki exports. A bad row is an
// error naming the file and line.
//
// # From rows to histories (Build)
//
// The rules are fsrs-rs's for this layout (convertor_tests.rs: data_from_csv
// and convert_to_fsrs_items) plus the fsrs-optimizer's date filter:
//
//  1. rows are grouped by card_id and ordered by review_time (stable);
//  2. rows before 2006 are dropped (fsrs-optimizer create_time_series);
//  3. when the file has states, a card's history starts at the first row
//     of its last run of learning rows (states 0 and 1): a card reset to
//     new starts over, and a card without any learning row is dropped, as
//     fsrs-rs and Anki do when training (its memory state cannot be
//     replayed from the start). Without a review_state column every card
//     starts at its first row, as in the optimizer;
//  4. manual entries (rating 0, or state 5) are then dropped: in Anki they
//     are "set due date", "reset" and "reschedule" events, which fsrs-rs
//     (filter_out_manual), the optimizer (ease BETWEEN 1 AND 4,
//     review_rating != 0) and Anki (has_rating_and_affects_scheduling)
//     all leave out. Step 3 runs first so that a manual entry between two
//     learning runs still separates them (Anki: a reset followed by
//     learning keeps only what follows);
//  5. filtered-deck reviews (state 4) stay: the optimizer has already
//     removed those that did not reschedule the card;
//  6. elapsed days are whole calendar days between the local dates of
//     (review_time - day start hour) in the chosen time zone, as in fsrs-rs
//     (convert_to_date) and the optimizer (real_days); a date before the
//     previous one counts as 0.
//
// The day boundary defaults to 04:00 UTC: 4 am is Anki's and the
// optimizer's default "next day starts at", and UTC because the file holds
// no time zone (fsrs-rs's tests use Asia/Shanghai, the optimizer asks the
// user). Pass the learner's zone when it is known; Simulate writes reviews
// between 06:00 and 23:00 UTC so that its files read back exactly with the
// default.
//
// # Scoring (Dataset.Evaluate)
//
// Every review of a kept history except the first that comes a day or more
// after the previous one is scored: fsrs-rs's training items. Result.Plain
// counts each once (the srs-benchmark's log loss, RMSE(bins) and AUC);
// Result.FSRSRS weighs them by recency in time order, which is exactly what
// fsrs-rs's FSRS::evaluate reports on these items (Anki's "Evaluate"). The
// npm binding's FSRSBinding.evaluate differs: it first runs fsrs-rs's
// outlier filter and moves first long-term reviews to the front, so its
// figures match only on logs the filter leaves alone (see
// TestEvaluateAgainstFSRSRS).
package revlog
