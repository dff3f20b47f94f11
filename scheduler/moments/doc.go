// Package moments decides when Tidbit may offer an item. It finds the moments
// (a gap before a meeting, the end of a meeting, a natural pause in the user's
// input, the return from a break) and applies the policy (working and quiet
// hours, the daily budget, spacing, snooze and pause, hold-and-release, back-off
// from dismissed kinds, a weekly goal that forgives packed days).
//
// The Engine is deterministic and does no I/O: callers pass the time, the
// calendar and presence samples in, and every decision, offered or withheld,
// goes to the injected Log with its reason. The scheduler package drives it
// from jobs; tests drive it with simulated days.
package moments
