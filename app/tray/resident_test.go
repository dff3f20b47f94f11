//go:build unix

package tray

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/paths"
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

func resident(t *testing.T, self string) (Resident, *fakeHost) {
	p, err := paths.Resolve(filepath.Join(t.TempDir(), "data"), paths.OS())
	if err != nil {
		t.Fatal(err)
	}
	h := newHost()
	return Resident{Paths: p, Self: self, Host: h, Open: func(ctx context.Context) (*core.App, error) {
		return core.Open(ctx, p, core.Options{})
	}}, h
}

func TestResidentLearnNowStartsTheWindowProcess(t *testing.T) {
	bin := t.TempDir()
	r, h := resident(t, fakeUI(t, bin, 0))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	<-h.started
	eventually(t, "progress", func() bool { return strings.Contains(strings.Join(h.visible(), "|"), "Today: 0 done") })
	h.click(t, "Learn now")
	var args []byte
	eventually(t, "tidbit-ui started", func() bool {
		args, _ = os.ReadFile(filepath.Join(bin, "ui-args"))
		return len(args) > 0
	})
	if got, want := strings.TrimSpace(string(args)), "lesson --data-dir "+r.Paths.Data; got != want {
		t.Fatalf("tidbit-ui %q, want %q", got, want)
	}
	if _, err := os.Stat(filepath.Join(r.Paths.Data, "tray.sock")); err != nil {
		t.Fatalf("handover socket: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestResidentWithoutWindowBinary(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no tidbit-ui anywhere
	r, h := resident(t, filepath.Join(t.TempDir(), "tidbit"))
	var log bytes.Buffer
	r.Log = &syncWriter{w: &log}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	<-h.started
	h.click(t, "Learn now")
	eventually(t, "problem icon", func() bool { icon, _ := h.state(); return bytes.Equal(icon, Icon(Problem)) })
	if _, tip := h.state(); !strings.Contains(tip, "tidbit-ui is not installed") {
		t.Fatalf("tooltip %q", tip)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestResidentOpenFails(t *testing.T) {
	r, _ := resident(t, "")
	r.Open = func(context.Context) (*core.App, error) { return nil, errors.New("database is newer") }
	if err := r.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "database is newer") {
		t.Fatalf("err %v", err)
	}
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
