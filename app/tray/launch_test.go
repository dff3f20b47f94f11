//go:build unix

package tray

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeUI writes a tidbit-ui stand-in into dir that records its arguments
// and exits with code.
func fakeUI(t *testing.T, dir string, code int) string {
	t.Helper()
	script := "#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/ui-args\"\nexit " + string(rune('0'+code)) + "\n"
	if err := os.WriteFile(filepath.Join(dir, UIName), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "tidbit")
}

func TestRunUI(t *testing.T) {
	cases := []struct {
		name    string
		code    int
		dataDir string
		args    []string
		want    string
	}{
		{"ok", 0, "/d", []string{"lesson", "--lesson", "x"}, "lesson --data-dir /d --lesson x"},
		{"no data dir", 0, "", []string{"lesson"}, "lesson"},
		{"busy", 3, "", []string{"lesson"}, "lesson"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bin := t.TempDir()
			self := fakeUI(t, bin, tc.code)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			code, err := RunUI(ctx, self, tc.dataDir, tc.args, os.Stdout, os.Stderr)
			if err != nil || code != tc.code {
				t.Fatalf("exit %d, %v; want %d", code, err, tc.code)
			}
			got, _ := os.ReadFile(filepath.Join(bin, "ui-args"))
			if strings.TrimSpace(string(got)) != tc.want {
				t.Fatalf("args %q, want %q", got, tc.want)
			}
		})
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := RunUI(context.Background(), filepath.Join(t.TempDir(), "tidbit"), "", []string{"lesson"}, nil, nil); err == nil {
		t.Fatal("ran a missing tidbit-ui")
	}
}
