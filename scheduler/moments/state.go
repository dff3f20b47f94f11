package moments

import (
	"fmt"
	"time"
)

// State is what the Engine must remember across daemon restarts so that a
// restart neither refills today's budget nor forgets a held item, a pause, a
// snooze or a back-off. The daemon stores it (as JSON) after every decision
// or answer and passes it back at start.
type State struct {
	Day          string             `json:"day"` // YYYY-MM-DD the counters belong to
	Offered      int                `json:"offered"`
	Minutes      int                `json:"minutes"`
	LastOffer    time.Time          `json:"last_offer,omitzero"`
	PauseUntil   time.Time          `json:"pause_until,omitzero"`
	SnoozeUntil  time.Time          `json:"snooze_until,omitzero"`
	Held         *Held              `json:"held,omitempty"`
	Dismissals   map[Kind]int       `json:"dismissals,omitempty"`
	BackoffUntil map[Kind]time.Time `json:"backoff_until,omitempty"`
	Done         map[string]int     `json:"done,omitempty"`    // ISO week -> accepted
	Excused      map[string]string  `json:"excused,omitempty"` // date -> reason
}

// Snapshot returns the state to store.
func (e *Engine) Snapshot() State {
	st := State{
		Offered: e.count, Minutes: e.minutes, LastOffer: e.lastOffer,
		PauseUntil: e.pauseUntil, SnoozeUntil: e.snoozeUntil,
		Dismissals: map[Kind]int{}, BackoffUntil: map[Kind]time.Time{},
		Done: map[string]int{}, Excused: map[string]string{},
	}
	if !e.day.IsZero() {
		st.Day = e.day.Format(time.DateOnly)
	}
	if e.held != nil {
		h := *e.held
		st.Held = &h
	}
	for k, v := range e.dismissals {
		st.Dismissals[k] = v
	}
	for k, v := range e.backoffUntil {
		st.BackoffUntil[k] = v
	}
	for k, v := range e.done {
		st.Done[k] = v
	}
	for k, v := range e.excused {
		st.Excused[k] = v
	}
	return st
}

// Restore takes a stored state back, at now. Counters from another day are
// dropped (the budget is per day); everything else is kept.
func (e *Engine) Restore(now time.Time, st State) error {
	e.rollover(now)
	if st.Day != "" {
		if _, err := time.ParseInLocation(time.DateOnly, st.Day, e.loc); err != nil {
			return fmt.Errorf("restoring policy state: day %q: %w", st.Day, err)
		}
	}
	if st.Offered < 0 || st.Minutes < 0 {
		return fmt.Errorf("restoring policy state: negative counters (%d offers, %d minutes)", st.Offered, st.Minutes)
	}
	if st.Day == e.day.Format(time.DateOnly) {
		e.count, e.minutes = st.Offered, st.Minutes
	}
	e.lastOffer, e.pauseUntil, e.snoozeUntil = st.LastOffer, st.PauseUntil, st.SnoozeUntil
	if st.Held != nil {
		h := *st.Held
		e.held = &h
	}
	for k, v := range st.Dismissals {
		e.dismissals[k] = v
	}
	for k, v := range st.BackoffUntil {
		e.backoffUntil[k] = v
	}
	for k, v := range st.Done {
		e.done[k] = v
	}
	for k, v := range st.Excused {
		e.excused[k] = v
	}
	return nil
}
