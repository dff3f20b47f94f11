package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tidbit-learn/tidbit/app/autostart"
	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/settings"
)

func (c *cli) settingsCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "settings",
		Short: "Show your settings, or change them with `settings set KEY=VALUE`",
		Long: `Without a subcommand, prints every setting as it acts now: your value, or
the default. The names are the ones 'set' and 'reset' take.

  tidbit settings set KEY=VALUE...   change settings (lists comma-separated)
  tidbit settings reset KEY...       back to the default

Changes are checked together: if any is wrong, nothing is saved.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := c.loadSettings(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(c.Out, s.EffectiveValues())
			}
			return writeSettings(c, s)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON: every setting by name, as it acts now")
	cmd.AddCommand(c.settingsSetCmd(), c.settingsResetCmd())
	return cmd
}

func (c *cli) settingsSetCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "set KEY=VALUE...",
		Short: "Change settings; lists are comma-separated, switches true or false",
		Example: `  tidbit settings set max_per_day=6 work_days=mon,tue,wed,thu
  tidbit settings set calendars=~/work.ics,https://example.com/team.ics
  tidbit settings set start_at_login=false`,
		Args: wrapArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.changeSettings(cmd.Context(), args, func(s *settings.Settings, arg string) (string, error) {
				k, v, err := settings.ParseAssignment(arg)
				if err != nil {
					return "", err
				}
				if err := s.Set(k, v); err != nil {
					return k, err
				}
				if k == "calendars" {
					// A file is read later by the tray, from another folder.
					home, _ := c.Env.HomeDir()
					dir, _ := os.Getwd()
					for i, src := range s.Calendars {
						s.Calendars[i] = settings.CalendarSource(src, home, dir)
					}
				}
				return k, nil
			})
		},
	}
}

func (c *cli) settingsResetCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "reset KEY...",
		Short: "Put settings back to their defaults",
		Args:  wrapArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.changeSettings(cmd.Context(), args, func(s *settings.Settings, key string) (string, error) {
				key = strings.TrimSpace(key)
				if err := s.Reset(key); err != nil {
					return "", fmt.Errorf("%w (run `tidbit settings` for the names)", err)
				}
				return key, nil
			})
		},
	}
}

// wrapArgs makes a subcommand's argument error a usage error (exit 2), as
// the root does for its direct children.
func wrapArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

func (c *cli) loadSettings(ctx context.Context) (settings.Settings, error) {
	a, err := c.open(ctx, core.Options{Store: skipCheck()})
	if err != nil {
		return settings.Settings{}, err
	}
	defer a.Close()
	return settings.Load(ctx, a.Store)
}

// changeSettings applies every argument, then validates and saves once:
// a bad argument or an invalid result saves nothing and exits 2 naming the
// key. Start at login is brought in line when its setting changed.
func (c *cli) changeSettings(ctx context.Context, args []string, apply func(*settings.Settings, string) (string, error)) error {
	a, err := c.open(ctx, core.Options{Store: skipCheck()})
	if err != nil {
		return err
	}
	defer a.Close()
	s, err := settings.Load(ctx, a.Store)
	if err != nil {
		return err
	}
	was := s.StartsAtLogin()
	var changed []string
	for _, arg := range args {
		k, err := apply(&s, arg)
		if err != nil {
			return &exitError{ExitUsage, err}
		}
		changed = append(changed, k)
	}
	if ps := s.Problems(); len(ps) > 0 {
		return &exitError{ExitUsage, fmt.Errorf("nothing saved: %w", settings.ProblemsError(ps))}
	}
	if err := settings.Save(ctx, a.Store, s); err != nil {
		return err
	}
	for _, k := range changed {
		v, _ := s.Effective(k)
		fmt.Fprintf(c.Out, "%s = %s\n", k, display(k, v))
	}
	touched := false
	for _, k := range changed {
		touched = touched || k == "start_at_login" || k == "onboarded"
	}
	if touched || was != s.StartsAtLogin() {
		exe, err := autostart.Executable()
		if err == nil {
			err = autostart.Apply(c.Env, exe, s.StartsAtLogin())
		}
		if err != nil {
			return fmt.Errorf("settings saved, but: %w", err)
		}
	}
	return nil
}

func writeSettings(c *cli, s settings.Settings) error {
	tw := tabwriter.NewWriter(c.Out, 0, 4, 2, ' ', 0)
	for _, f := range settings.Fields {
		v, _ := s.Effective(f.Key)
		stored, _ := s.Get(f.Key)
		zero, _ := settings.Settings{}.Get(f.Key)
		shown, mark := display(f.Key, v), ""
		if stored == zero && !strings.HasPrefix(shown, "(") {
			mark = "(default)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Key, shown, mark, f.Label)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(c.Out, "\nChange one with: tidbit settings set KEY=VALUE (lists comma-separated); back to the default: tidbit settings reset KEY")
	return nil
}

// display is a setting's text for a person: lists with ", ", unset ones
// saying what applies instead.
func display(key, v string) string {
	switch {
	case key == "model_host" && v == "":
		return "($OLLAMA_HOST or 127.0.0.1:11434)"
	case key == "model" && v == "":
		return "(the default model)"
	case v == "":
		return "(none)"
	}
	switch key {
	case "calendars":
		items := settings.SplitList(v)
		for i, src := range items {
			items[i] = settings.ShowSource(src)
		}
		return strings.Join(items, ", ")
	case "addresses", "work_days", "quiet":
		return strings.Join(settings.SplitList(v), ", ")
	}
	return v
}
