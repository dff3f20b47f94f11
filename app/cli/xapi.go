package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/xapi"
)

func (c *cli) xapiCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "xapi",
		Short: "Report progress to a Learning Record Store (optional): set, off, send, status",
		Long: `Tidbit can report your progress to a Learning Record Store as xAPI
statements (experienced, answered, completed, passed/failed, mastered).
Nothing is recorded or sent until you set an LRS up. Reflections are never
sent. Only https endpoints are accepted (plain http only to this machine).`,
	}
	var endpoint, user, name, mbox string
	set := &cobra.Command{
		Use:   "set",
		Short: "Set up the LRS; the password is read from standard input",
		Long: `Sets up the LRS. The password is read from the first line of standard
input, so it stays out of your shell history:

  printf '%s\n' "$LRS_PASSWORD" | tidbit xapi set --endpoint https://lrs.example.com/data/xAPI/ \
      --user key --name "Ada Lovelace" --mbox ada@example.com`,
		RunE: func(cmd *cobra.Command, args []string) error {
			line, err := bufio.NewReader(c.In).ReadString('\n')
			if err != nil && line == "" {
				return usageError{errors.New("give the LRS password on standard input")}
			}
			cfg := xapi.Config{Endpoint: endpoint, Username: user, Password: strings.TrimRight(line, "\r\n"),
				ActorName: name, ActorMbox: mbox}
			a, err := c.open(cmd.Context(), core.Options{Store: skipCheck()})
			if err != nil {
				return err
			}
			defer a.Close()
			if err := xapi.Save(cmd.Context(), a.Store, cfg); err != nil {
				return err
			}
			fmt.Fprintf(c.Out, "Progress will be reported to %s as %s.\n", endpoint, orNone(name))
			return nil
		},
	}
	set.Flags().StringVar(&endpoint, "endpoint", "", "the LRS's xAPI base URL (https)")
	set.Flags().StringVar(&user, "user", "", "the LRS key or user name")
	set.Flags().StringVar(&name, "name", "", "your name as the LRS should show it")
	set.Flags().StringVar(&mbox, "mbox", "", "your e-mail address (identifies you to the LRS)")
	off := &cobra.Command{
		Use:   "off",
		Short: "Stop reporting (statements not yet sent stay in the outbox)",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := c.open(cmd.Context(), core.Options{Store: skipCheck()})
			if err != nil {
				return err
			}
			defer a.Close()
			if err := xapi.Disable(cmd.Context(), a.Store); err != nil {
				return err
			}
			fmt.Fprintln(c.Out, "Reporting is off.")
			return nil
		},
	}
	send := &cobra.Command{
		Use:   "send",
		Short: "Send the statements waiting in the outbox now",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := c.open(cmd.Context(), core.Options{Store: skipCheck()})
			if err != nil {
				return err
			}
			defer a.Close()
			ctx, cancel := context.WithTimeout(cmd.Context(), time.Minute)
			defer cancel()
			res, err := (&xapi.Sender{Store: a.Store, Now: c.Now}).Flush(ctx)
			fmt.Fprintf(c.Out, "Sent %d statement(s); %d refused by the LRS (kept, retried later).\n", res.Sent, res.Refused)
			return err
		},
	}
	status := &cobra.Command{
		Use:   "status",
		Short: "Show the LRS, the outbox and the last error",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := c.open(cmd.Context(), core.Options{Store: skipCheck()})
			if err != nil {
				return err
			}
			defer a.Close()
			cfg, ok, err := xapi.Load(cmd.Context(), a.Store)
			if err != nil {
				return err
			}
			if !ok {
				fmt.Fprintln(c.Out, "No LRS is set up: nothing is recorded or sent.")
			} else {
				fmt.Fprintf(c.Out, "LRS %s (user %s)\n", cfg.Endpoint, cfg.Username)
			}
			n, last, err := a.Store.OutboxStatus(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(c.Out, "Outbox: %d statement(s) waiting", n)
			if last != "" {
				fmt.Fprintf(c.Out, "; last error: %s", last)
			}
			fmt.Fprintln(c.Out)
			return nil
		},
	}
	cmd.AddCommand(set, off, send, status)
	return cmd
}
