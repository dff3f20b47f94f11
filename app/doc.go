// Package app is the floor of Tidbit's domain and wiring, below the widgets
// and above the scheduler, the model client and the assets. Its
// sub-packages:
//
//   - paths: every folder and file Tidbit owns, decided in one place
//   - store: the SQLite store shared by the tray and window processes
//   - content: lesson packs (Markdown with YAML front matter), validated whole
//   - core: opens a process's state and loads the starter library
//   - learn: the terminal micro-session behind `tidbit learn`
//   - learner: what a learner knows and what to learn next (FSRS-6, knowledge tracing, recommender)
//   - doctor: checks of everything Tidbit depends on
//   - cli: the command line's composition root
//
// Nothing under app/ imports Fyne; the desktop code gets its actions as
// callbacks.
package app
