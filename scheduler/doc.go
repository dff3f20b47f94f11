// Package scheduler finds the moments to offer learning: gaps in the user's
// calendar (scheduler/calendar), pauses and returns from breaks (presence),
// and the policy that decides what is offered or held. It imports nothing
// from app/: it defines the small interfaces it needs (a clock, a log, a
// store of decisions) and the composition roots connect them.
package scheduler
