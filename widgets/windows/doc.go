// Package windows holds the window process's larger windows: Progress
// (charts of the streak, goals, minutes per week and mastery per skill),
// Library (browse, search, start any lesson) and Profile (role, goals,
// notes, self-ratings, minutes a week). They draw view models from
// widgets/windows/view and report what the learner does through callbacks;
// they never see the store, so they are tested headlessly with fyne/test.
//
// Every action has a key: Escape closes every window whatever has focus
// (the fields and buttons are widgets/formkit's, as in Settings), Tab
// walks the controls top to bottom, and charts are drawn with theme
// colours and sizes, so they follow the light or dark theme and grow with
// the text size.
package windows
