// Package presence tells the scheduler whether the user is at the machine and
// whether now is a bad time: how long since the last input (the idle time) and
// the "not now" signals (screen locked, do-not-disturb, a fullscreen window, the
// microphone in use, typing in the last seconds).
//
// Backends are chosen once, at Probe, by asking each one: GNOME Mutter's
// IdleMonitor and org.freedesktop.ScreenSaver over D-Bus (these work under
// Wayland), X11 MIT-SCREEN-SAVER through github.com/jezek/xgb, Windows
// GetLastInputInfo and macOS HIDIdleTime (from ioreg). When none answers, the
// Monitor reports presence as unknown and the scheduler must not pop up on idle
// alone. Signals are read on demand, when a moment is about to be offered; the
// package never polls by itself.
package presence
