// Package daemon is the composition root of the resident `tidbit` process:
// it connects the tray (app/tray, fyne.io/systray, no Fyne), the scheduler
// (scheduler: calendars, presence, the moments policy), the learner's
// recommender (app/learner/storepick) and the window process (tidbit-ui,
// started on demand or reached warm over its socket). Data flows one way:
// a moment fires, the daemon picks an item, a window shows it, the window
// process writes the answers to the store, and the learner model reads them.
//
// The window process tells the daemon what became of a pop-up over the
// tray's Unix socket (app/ipc), and the daemon tells the scheduler (done,
// later, dismissed, held). Every decision the scheduler takes, offered or
// withheld, goes to the store's moments log with its reason. Where a
// non-intrusive window is impossible (Wayland without XWayland) the offer
// is a desktop notification with a Start action instead.
package daemon
