package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tidbit-learn/tidbit/app/assign"
	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/learner/storepick"
	"github.com/tidbit-learn/tidbit/app/report"
)

// isAssignmentPath: packs are folders and zips, assignments single YAML
// files, so the path alone tells them apart.
func isAssignmentPath(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	return ext == ".yaml" || ext == ".yml"
}

// importAssignment is `tidbit import FILE.yaml`.
func (c *cli) importAssignment(ctx context.Context, a *core.App, src string, dryRun bool) error {
	f, err := assign.ReadFile(src, c.Loc)
	if err != nil {
		return err
	}
	now := c.Now()
	if dryRun {
		cat, err := assign.CatalogFrom(ctx, a.Store)
		if err != nil {
			return err
		}
		warn, err := f.Validate(cat, now)
		for _, w := range warn {
			fmt.Fprintf(c.Err, "warning: %s\n", w)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(c.Out, "%s: a valid assignment from %s, %d item(s), due %s (nothing imported: --dry-run)\n",
			src, f.From, len(f.Items), f.Due.In(c.Loc).Format("Mon 2 Jan 2006 15:04"))
		return nil
	}
	res, err := assign.Import(ctx, a.Store, f, now)
	for _, w := range res.Warnings {
		fmt.Fprintf(c.Err, "warning: %s\n", w)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.Out, "Imported assignment %q from %s: %d item(s), due %s. See it with: tidbit assignments\n",
		res.ID, f.From, res.Items, f.Due.In(c.Loc).Format("Mon 2 Jan 2006"))
	return nil
}

// assignmentStatuses lists the assignments with progress; the learner
// model's mastery decides skill items with a level target.
func assignmentStatuses(ctx context.Context, a *core.App, now time.Time) ([]assign.Status, error) {
	lib, err := a.Store.Library(ctx)
	if err != nil {
		return nil, err
	}
	m, err := storepick.KTMastery(ctx, a.Store)
	if err != nil {
		return nil, err
	}
	return assign.List(ctx, a.Store, m, assign.NamesFrom(lib, a.Taxonomy), now)
}

// pickerAssignments is what storepick.Picker.Assignments gets: the open
// items, skills turned into their best next lessons. A failure only
// loses the assignment boost, never the lesson.
func (c *cli) pickerAssignments(ctx context.Context, a *core.App) []learner.Assignment {
	m, err := storepick.KTMastery(ctx, a.Store)
	if err != nil {
		m = nil // skill items with a level target then wait for their lessons
	}
	as, err := assign.PickerAssignments(ctx, a.Store, a.Taxonomy, m, c.Now())
	if err != nil {
		fmt.Fprintf(c.Err, "note: could not read your assignments: %v\n", err)
		return nil
	}
	return as
}

func (c *cli) assignmentsCmd() *cobra.Command {
	var asJSON bool
	var dismiss string
	cmd := &cobra.Command{
		Use:   "assignments",
		Short: "List what mentors assigned you: who, what, why, by when, and how far you are",
		Long: `Lists the assignments imported with 'tidbit import FILE.yaml', soonest due
first: who assigned them and their note, the due date and each lesson or
skill with a tick when done. Only work done after an assignment arrived
counts. Assigned lessons come first in your picks as the due date nears.
--dismiss ID sets one aside: it stays listed but no longer steers picks.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, err := c.open(ctx, core.Options{Store: skipCheck()})
			if err != nil {
				return err
			}
			defer a.Close()
			if dismiss != "" {
				if err := a.Store.DismissAssignment(ctx, dismiss, c.Now()); err != nil {
					return err
				}
				fmt.Fprintf(c.Out, "Set aside assignment %s.\n", dismiss)
				return nil
			}
			sts, err := assignmentStatuses(ctx, a, c.Now())
			if err != nil {
				return err
			}
			if asJSON {
				return assign.WriteJSON(c.Out, sts)
			}
			return assign.WriteText(c.Out, sts, c.Now(), c.Loc)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().StringVar(&dismiss, "dismiss", "", "set the assignment with this id aside")
	return cmd
}

func (c *cli) reportCmd() *cobra.Command {
	var out, csvOut, from, to string
	var reflections, yes bool
	cmd := &cobra.Command{
		Use:   "report --out FILE.html",
		Short: "Write a progress report to share: one HTML file (charts inline) and optionally a CSV",
		Long: `Writes your progress for a period as one self-contained HTML file (it loads
nothing from the network and opens in any browser) and, with --csv, the same
figures as CSV: skills and mastery over time, minutes per week, streaks,
goals and assignments. The period defaults to the last 12 weeks; --from and
--to are dates (YYYY-MM-DD, both included).

Reflections (your free-text answers) are private and left out unless you
add --include-reflections. A summary is shown first; the files are written
with mode 0600 (only you can read them) and replaced atomically.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" && csvOut == "" {
				return usageError{errors.New("give --out FILE.html and/or --csv FILE.csv")}
			}
			opts := report.Options{Now: c.Now(), Loc: c.Loc, IncludeReflections: reflections}
			var err error
			if from != "" {
				if opts.From, err = report.ParseDay(from, c.Loc); err != nil {
					return usageError{fmt.Errorf("--from: %w", err)}
				}
			}
			if to != "" {
				t, err := report.ParseDay(to, c.Loc)
				if err != nil {
					return usageError{fmt.Errorf("--to: %w", err)}
				}
				opts.To = t.AddDate(0, 0, 1)
			}
			ctx := cmd.Context()
			a, err := c.open(ctx, core.Options{Store: skipCheck()})
			if err != nil {
				return err
			}
			defer a.Close()
			opts.Taxonomy = a.Taxonomy
			r, err := report.Build(ctx, a.Store, opts)
			if err != nil {
				return err
			}
			if err := r.Summary(c.Out); err != nil {
				return err
			}
			for _, p := range []string{out, csvOut} {
				if p == "" {
					continue
				}
				if _, err := os.Stat(p); err == nil && !yes {
					return fmt.Errorf("%s exists; pass --yes to replace it", p)
				}
			}
			if out != "" {
				if err := report.WriteFile(out, r.HTML); err != nil {
					return err
				}
				fmt.Fprintf(c.Out, "Wrote %s (open it in a browser; share it if you like what you see)\n", out)
			}
			if csvOut != "" {
				if err := report.WriteFile(csvOut, r.CSV); err != nil {
					return err
				}
				fmt.Fprintf(c.Out, "Wrote %s\n", csvOut)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "the HTML file to write")
	cmd.Flags().StringVar(&csvOut, "csv", "", "also write the figures as CSV to this file")
	cmd.Flags().StringVar(&from, "from", "", "first day of the period, YYYY-MM-DD (default: 12 weeks back)")
	cmd.Flags().StringVar(&to, "to", "", "last day of the period, YYYY-MM-DD (default: today)")
	cmd.Flags().BoolVar(&reflections, "include-reflections", false, "include your reflections (private by default)")
	cmd.Flags().BoolVar(&yes, "yes", false, "replace existing files")
	return cmd
}
