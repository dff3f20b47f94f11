// Package widgets will hold Tidbit's Fyne widgets (lesson, quiz, review and
// reflection cards, onboarding, progress and settings) for the window
// process, cmd/tidbit-ui. It is the only floor that imports Fyne, and it
// reaches the domain only through callbacks and interfaces from app/.
// The widgets arrive with the desktop feature; until then this package holds
// only this description, so that the agreed layout is in place.
package widgets
