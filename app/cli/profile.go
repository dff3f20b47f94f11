package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/learner/storepick"
)

func (c *cli) profileCmd() *cobra.Command {
	var role, seniority, notes string
	var goals, rates []string
	var minutes int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "profile",
		Short: "Show or set your role, goals and notes, and see your biggest gaps",
		Long: `Without flags, shows your profile and the skills with the biggest gap
between where you are (estimated from your answers, blended with how you
rate yourself) and where your role, goals and notes say you should be.

Flags change what they name and keep the rest:
  --role ID            your role (see 'tidbit skills' for the ids)
  --seniority S        junior, mid, senior, lead...
  --goal ID            a role or skill you aim for (repeat for several; replaces the goals)
  --notes TEXT         performance notes, e.g. "needs to improve stakeholder updates"
  --rate SKILL=LEVEL   how you rate yourself, 1-5 (repeat for several)
  --minutes N          minutes a week you want to spend`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, err := c.open(ctx, core.Options{Store: skipCheck()})
			if err != nil {
				return err
			}
			defer a.Close()
			p, err := a.Store.Profile(ctx)
			if err != nil {
				return err
			}
			changed := false
			set := func(name string) bool { f := cmd.Flags().Lookup(name); return f != nil && f.Changed }
			if set("role") {
				p.Role, changed = role, true
			}
			if set("seniority") {
				p.Seniority, changed = seniority, true
			}
			if set("goal") {
				p.Goals, changed = goals, true
			}
			if set("notes") {
				p.Notes, changed = notes, true
			}
			if set("minutes") {
				p.MinutesPerWeek, changed = minutes, true
			}
			for _, r := range rates {
				skill, lv, ok := strings.Cut(r, "=")
				n, err := strconv.Atoi(strings.TrimSpace(lv))
				if !ok || err != nil || n < 1 || n > 5 {
					return usageError{fmt.Errorf("--rate %q: use SKILL=LEVEL with a level from 1 to 5", r)}
				}
				if _, known := a.Taxonomy.Skill(strings.TrimSpace(skill)); !known {
					return usageError{fmt.Errorf("--rate %q: unknown skill (see `tidbit skills`)", r)}
				}
				p.SelfRatings[strings.TrimSpace(skill)] = n
				changed = true
			}
			in := storepick.ProfileInput(ctx, a.Store, p)
			built, err := learner.BuildProfile(a.Taxonomy, in)
			if err != nil {
				return err
			}
			if changed {
				if err := a.Store.SaveProfile(ctx, p); err != nil {
					return err
				}
			}
			mastery, err := storepick.KTMastery(ctx, a.Store)
			if err != nil {
				return err
			}
			gaps := learner.Gaps(built, mastery)
			reading, haveReading := storepick.LoadAIReading(ctx, a.Store, p)
			if asJSON {
				out := map[string]any{"profile": p, "targets": built.Targets, "gaps": gaps, "warnings": built.Warnings}
				if haveReading {
					out["ai_reading"] = reading
				}
				return writeJSON(c.Out, out)
			}
			for _, w := range built.Warnings {
				fmt.Fprintf(c.Err, "note: %s\n", w)
			}
			roleName := p.Role
			if r, ok := a.Taxonomy.Role(p.Role); ok {
				roleName = r.Name
			}
			if roleName == "" {
				roleName = "(not set: --role ID)"
			}
			fmt.Fprintf(c.Out, "Role       %s %s\n", roleName, p.Seniority)
			fmt.Fprintf(c.Out, "Goals      %s\n", orNone(strings.Join(p.Goals, ", ")))
			fmt.Fprintf(c.Out, "Notes      %s\n", orNone(p.Notes))
			fmt.Fprintf(c.Out, "Time       %d min a week\n", p.MinutesPerWeek)
			if haveReading && len(reading.Targets) > 0 {
				var names []string
				for _, t := range reading.Targets {
					name := t.Skill
					if sk, ok := a.Taxonomy.Skill(t.Skill); ok {
						name = sk.Name
					}
					names = append(names, name)
				}
				fmt.Fprintf(c.Out, "AI reading %s (AI-written: %s read your role, goals and notes on %s)\n",
					strings.Join(names, ", "), reading.Model, reading.MappedAt.In(c.Loc).Format("2 Jan"))
			}
			if len(gaps) == 0 {
				fmt.Fprintln(c.Out, "\nNo targets yet: set a role or goals, and Tidbit will show where the gaps are.")
				return nil
			}
			fmt.Fprintln(c.Out, "\nBiggest gaps (target vs. estimated chance of answering right):")
			for i, g := range gaps {
				if i == 8 {
					break
				}
				name := g.Skill
				if s, ok := a.Taxonomy.Skill(g.Skill); ok {
					name = s.Name
				}
				why := ""
				if len(g.Sources) > 0 {
					src := g.Sources[0]
					why = src.Kind.Phrase()
					if src.Kind == learner.FromRole || src.Kind == learner.FromGoalRole {
						why += ", " + src.Name
					}
				}
				fmt.Fprintf(c.Out, "  %-28s target %3.0f%%  now %3.0f%% ±%2.0f  (%s)\n", name, 100*g.TargetP, 100*g.Mastery, 100*g.Uncertainty, why)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&role, "role", "", "your role id")
	f.StringVar(&seniority, "seniority", "", "junior, mid, senior, lead...")
	f.StringArrayVar(&goals, "goal", nil, "a target role or skill id (repeatable)")
	f.StringVar(&notes, "notes", "", "performance notes")
	f.StringArrayVar(&rates, "rate", nil, "self-rating SKILL=LEVEL, 1-5 (repeatable)")
	f.IntVar(&minutes, "minutes", 30, "minutes a week")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
