//go:build !linux

package main

import (
	"fmt"
	"io"
)

// runFootprint reads /proc and drives an X11 session: Linux only.
func runFootprint(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "tidbit-lab footprint: measuring needs Linux (/proc and X11)")
	return 1
}
