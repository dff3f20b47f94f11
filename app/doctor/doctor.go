// Package doctor checks what Tidbit depends on and says, for each thing,
// that it is fine or exactly what to do: the data folder, the database, the
// display, the tray host, the idle source, calendars and the model server.
// Each check is a function with a deadline, so one hung service cannot
// freeze the report.
package doctor

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// Status of one check.
type Status string

const (
	OK   Status = "ok"
	Warn Status = "warn" // works, but something is missing or could be better
	Fail Status = "fail" // Tidbit cannot work properly until it is fixed
)

// Result of one check.
type Result struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// Check is one named probe.
type Check struct {
	Name string
	Run  func(ctx context.Context) Result
}

// Run runs the checks one after another, each under its own timeout.
func Run(ctx context.Context, checks []Check, timeout time.Duration) []Result {
	out := make([]Result, 0, len(checks))
	for _, c := range checks {
		cctx, cancel := context.WithTimeout(ctx, timeout)
		done := make(chan Result, 1)
		go func() { done <- c.Run(cctx) }()
		var r Result
		select {
		case r = <-done:
		case <-cctx.Done():
			r = Result{Status: Warn, Detail: "the check did not finish in " + timeout.String()}
		}
		cancel()
		r.Name = c.Name
		out = append(out, r)
	}
	return out
}

// Failed reports whether any check failed.
func Failed(rs []Result) bool {
	for _, r := range rs {
		if r.Status == Fail {
			return true
		}
	}
	return false
}

// Write prints the results as aligned text.
func Write(w io.Writer, rs []Result) {
	width := 0
	for _, r := range rs {
		width = max(width, len(r.Name))
	}
	for _, r := range rs {
		mark := map[Status]string{OK: "OK  ", Warn: "WARN", Fail: "FAIL"}[r.Status]
		fmt.Fprintf(w, "%s  %-*s  %s\n", mark, width, r.Name, r.Detail)
		if r.Fix != "" {
			fmt.Fprintf(w, "      %s  → %s\n", strings.Repeat(" ", width), r.Fix)
		}
	}
}
