// Package widgets holds Tidbit's Fyne widgets for the window process,
// cmd/tidbit-ui: the lesson, quiz, review and reflection cards. It is the
// only floor that imports Fyne. The cards take plain data (Lesson, Question,
// Reflection) and report what the learner did through callbacks; they never
// see the store, so they are tested headlessly with fyne.io/fyne/v2/test.
//
// Every action has a key: a card implements KeyHandler and Attach routes a
// window's typed keys to it. Escape dismisses every card.
package widgets
