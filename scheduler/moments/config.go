package moments

import (
	"errors"
	"fmt"
	"time"

	"github.com/tidbit-learn/tidbit/scheduler/calendar"
)

// Span is a daily wall-clock range [Start, End) as offsets from midnight; End
// before Start wraps past midnight (22:00-07:00).
type Span struct {
	Start, End time.Duration
}

func (s Span) contains(off time.Duration) bool {
	if s.End >= s.Start {
		return off >= s.Start && off < s.End
	}
	return off >= s.Start || off < s.End
}

// Config is the policy. Zero fields take the defaults listed.
type Config struct {
	WorkingHours calendar.WorkingHours // zero: Monday-Friday 9:00-17:00 local
	Quiet        []Span                // no offers inside these, e.g. lunch

	MaxPerDay   int           // pop-ups a day; default 4
	MaxMinutes  int           // minutes of items a day; default 15
	MinSpacing  time.Duration // between offers; default 45 min
	ItemMinutes int           // a usual item; default 3
	MaxItem     int           // longest item offered in a long gap; default 5
	Buffer      time.Duration // kept free before a meeting; default 2 min

	PauseAfter time.Duration // no input this long is a natural pause; 45-120 s, default 60 s
	BreakAfter time.Duration // away this long makes a return a moment; default 5 min
	Poll       time.Duration // idle query spacing during a pause; default 5 s
	AwayPoll   time.Duration // idle query spacing once away (BreakAfter); default 15 s
	LockPoll   time.Duration // lock check spacing while locked; default 30 s

	BackoffAfter int           // dismissals in a row of one kind before backing off; default 3
	BackoffFor   time.Duration // first back-off, doubled each further dismissal; default 4 h

	WeeklyGoal  int     // accepted items a week; default 10
	PackedShare float64 // a day whose working hours are this busy is excused; default 0.75
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	var c Config
	c.fill()
	return c
}

func (c *Config) fill() {
	if c.WorkingHours.End == 0 && c.WorkingHours.Start == 0 {
		loc := c.WorkingHours.Location
		c.WorkingHours = calendar.DefaultWorkingHours()
		if loc != nil {
			c.WorkingHours.Location = loc
		}
	}
	if c.WorkingHours.Location == nil {
		c.WorkingHours.Location = time.Local
	}
	if len(c.WorkingHours.Days) == 0 {
		c.WorkingHours.Days = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	}
	def := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	defd := func(p *time.Duration, v time.Duration) {
		if *p == 0 {
			*p = v
		}
	}
	def(&c.MaxPerDay, 4)
	def(&c.MaxMinutes, 15)
	defd(&c.MinSpacing, 45*time.Minute)
	def(&c.ItemMinutes, 3)
	def(&c.MaxItem, 5)
	defd(&c.Buffer, 2*time.Minute)
	defd(&c.PauseAfter, 60*time.Second)
	defd(&c.BreakAfter, 5*time.Minute)
	defd(&c.Poll, 5*time.Second)
	defd(&c.AwayPoll, 15*time.Second)
	defd(&c.LockPoll, 30*time.Second)
	def(&c.BackoffAfter, 3)
	defd(&c.BackoffFor, 4*time.Hour)
	def(&c.WeeklyGoal, 10)
	if c.PackedShare == 0 {
		c.PackedShare = 0.75
	}
}

// Validate reports settings outside their sensible ranges.
func (c Config) Validate() error {
	c.fill()
	var errs []error
	if c.PauseAfter < 45*time.Second || c.PauseAfter > 120*time.Second {
		errs = append(errs, fmt.Errorf("pause after %v: must be 45-120 s", c.PauseAfter))
	}
	if c.WorkingHours.Start < 0 || c.WorkingHours.End > 24*time.Hour || c.WorkingHours.End <= c.WorkingHours.Start {
		errs = append(errs, fmt.Errorf("working hours %v-%v: end must follow start within a day", c.WorkingHours.Start, c.WorkingHours.End))
	}
	if c.MaxPerDay < 0 || c.MaxMinutes < 0 || c.ItemMinutes < 1 || c.MaxItem < c.ItemMinutes {
		errs = append(errs, errors.New("budget: pop-ups and minutes must be positive and the longest item at least the usual one"))
	}
	if c.BreakAfter <= c.PauseAfter {
		errs = append(errs, fmt.Errorf("break after %v must be longer than pause after %v", c.BreakAfter, c.PauseAfter))
	}
	if c.PackedShare <= 0 || c.PackedShare > 1 {
		errs = append(errs, fmt.Errorf("packed share %v: must be in (0, 1]", c.PackedShare))
	}
	for _, q := range c.Quiet {
		if q.Start < 0 || q.Start >= 24*time.Hour || q.End < 0 || q.End > 24*time.Hour {
			errs = append(errs, fmt.Errorf("quiet hours %v-%v: outside a day", q.Start, q.End))
		}
	}
	return errors.Join(errs...)
}
