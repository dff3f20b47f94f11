package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/daemon"
	"github.com/tidbit-learn/tidbit/app/doctor"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/scheduler/moments"
)

// momentsCmd prints the day's log of moments: every pop-up offered or
// withheld, with its reason and what became of it.
func (c *cli) momentsCmd() *cobra.Command {
	var asJSON bool
	var day string
	cmd := &cobra.Command{
		Use:   "moments",
		Short: "Show today's moments: each pop-up offered or withheld, and why",
		Long: `Lists what the resident tray decided today (or --day YYYY-MM-DD): each moment
(a gap before a meeting, the end of one, a natural pause, the return from a
break), whether it was offered, held for later or withheld, the reason, the
lesson offered and what became of it. Then the policy's state: budget used,
snooze or pause, a held item, back-offs and the weekly goal.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			now := c.Now().In(c.Loc)
			from := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, c.Loc)
			if day != "" {
				d, err := time.ParseInLocation(time.DateOnly, day, c.Loc)
				if err != nil {
					return usageError{fmt.Errorf("--day %q: want YYYY-MM-DD", day)}
				}
				from = d
			}
			a, err := c.open(ctx, core.Options{Store: store.Options{SkipCheck: true}})
			if err != nil {
				return err
			}
			defer a.Close()
			rows, err := a.Store.Moments(ctx, from, from.AddDate(0, 0, 1))
			if err != nil {
				return err
			}
			st, err := policyStatus(ctx, a.Store, now, c.Loc)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(c.Out, map[string]any{"moments": rows, "policy": st})
			}
			writeMoments(c.Out, rows, c.Loc)
			fmt.Fprintln(c.Out, describePolicy(st, c.Loc))
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().StringVar(&day, "day", "", "the day to show (YYYY-MM-DD; default today)")
	return cmd
}

func writeMoments(w io.Writer, rows []store.Moment, loc *time.Location) {
	if len(rows) == 0 {
		fmt.Fprintln(w, "No moments logged for this day (is the tray running? `tidbit` starts it).")
		return
	}
	for _, m := range rows {
		item := ""
		if m.Item != "" {
			item = " → " + m.Item
		}
		fmt.Fprintf(w, "%s  %-14s %-9s %s%s\n", m.At.In(loc).Format("15:04"), m.Kind, m.Outcome, m.Reason, item)
	}
}

// policyStatus rebuilds the scheduler's policy state as the tray last
// saved it (the engine is deterministic, so this is what it knows).
func policyStatus(ctx context.Context, s *store.Store, now time.Time, loc *time.Location) (moments.Status, error) {
	set, err := settings.Load(ctx, s)
	if err != nil {
		return moments.Status{}, err
	}
	policy, err := set.Policy(loc)
	if err != nil {
		return moments.Status{}, err
	}
	eng, err := moments.New(policy, nil)
	if err != nil {
		return moments.Status{}, err
	}
	var saved daemon.State
	if _, err := s.Setting(ctx, daemon.StateKey, &saved); err != nil {
		return moments.Status{}, err
	}
	if saved.Policy != nil {
		if err := eng.Restore(now, *saved.Policy); err != nil {
			return moments.Status{}, err
		}
	}
	return eng.Status(now), nil
}

// describePolicy is one line about the policy's state.
func describePolicy(st moments.Status, loc *time.Location) string {
	parts := []string{fmt.Sprintf("today: %d pop-ups, %d min", st.Offered, st.Minutes),
		fmt.Sprintf("this week: %d of %d", st.Week.Done, st.Week.Target)}
	if !st.PausedUntil.IsZero() {
		parts = append(parts, "paused until "+st.PausedUntil.In(loc).Format("Mon 15:04"))
	}
	if !st.SnoozedUntil.IsZero() {
		parts = append(parts, "snoozed until "+st.SnoozedUntil.In(loc).Format("Mon 15:04"))
	}
	if st.Held != nil {
		parts = append(parts, fmt.Sprintf("a %s item held since %s (%s)", st.Held.Moment.Kind, st.Held.Since.In(loc).Format("15:04"), st.Held.Reason))
	}
	var kinds []string
	for k, t := range st.BackingOff {
		kinds = append(kinds, fmt.Sprintf("%s until %s", k, t.In(loc).Format("Mon 15:04")))
	}
	sort.Strings(kinds)
	if len(kinds) > 0 {
		parts = append(parts, "backing off from "+strings.Join(kinds, ", "))
	}
	if st.CalendarError != "" {
		parts = append(parts, "calendar: "+st.CalendarError)
	}
	return "Policy: " + strings.Join(parts, "; ")
}

func checkMoments(ctx context.Context, s *store.Store, now time.Time, loc *time.Location) doctor.Result {
	if s == nil {
		return doctor.Result{Status: doctor.Warn, Detail: "the database could not be opened"}
	}
	st, err := policyStatus(ctx, s, now, loc)
	if err != nil {
		return doctor.Result{Status: doctor.Warn, Detail: err.Error(), Fix: "check `tidbit settings`"}
	}
	return doctor.Result{Status: doctor.OK, Detail: strings.TrimPrefix(describePolicy(st, loc), "Policy: ")}
}
