// Package app is the floor of Tidbit's domain and wiring, below the widgets
// and above the scheduler, the model client and the assets. Its
// sub-packages:
//
//   - paths: every folder and file Tidbit owns, decided in one place
//   - store: the SQLite store shared by the tray and window processes
//   - content: lesson packs (Markdown with YAML front matter), validated whole
//   - core: opens a process's state and loads the starter library
//   - learn: the terminal micro-session behind `tidbit learn`
//   - lessonflow: the same flow for a lesson window, without Fyne
//   - learner: profile, gaps and the recommender; fsrs (FSRS-6), kt
//     (knowledge tracing), recsim (simulated learners), storepick (the glue
//     between the model and the store)
//   - assign: assignments from a mentor or manager
//   - report: the progress report to share (HTML and CSV)
//   - exchange: GIFT, Aiken and Anki import and export
//   - xapi: statements for a Learning Record Store, outbox and sender
//   - tray, instance: the resident tray process and its single-instance lock
//   - doctor: checks of everything Tidbit depends on
//   - cli: the command line's composition root
//
// Nothing under app/ imports Fyne; the desktop code gets its actions as
// callbacks.
package app
