//go:build unix

package instance

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLockIsExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tray.lock")
	release, _, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	_, holder, err := Lock(path)
	if !errors.Is(err, ErrLocked) || holder != os.Getpid() {
		t.Fatalf("second lock: holder %d, err %v", holder, err)
	}
	release()
	release2, _, err := Lock(path)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	release2()
	if _, _, err := Lock(filepath.Join(t.TempDir(), "missing", "x.lock")); err == nil {
		t.Fatal("lock in a missing folder succeeded")
	}
}

func TestHandover(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tray.sock")
	if err := os.WriteFile(path, []byte("stale"), 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 4)
	s, err := Listen(path, func(cmd string) error {
		got <- cmd
		if cmd == "explode" {
			return errors.New("no such thing")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket %v mode %v", err, fi.Mode())
	}
	cases := []struct {
		name, cmd, err string
	}{
		{"show", "show", ""},
		{"handler error", "explode", "no such thing"},
		{"long open request", "open " + strings.Repeat("y", 1000), ""},
		{"too long", strings.Repeat("x", MaxCommand+1), "too long"},
		{"far too long", strings.Repeat("x", 3*MaxCommand), "too long"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Ask(context.Background(), path, tc.cmd)
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("err %v, want %q", err, tc.err)
			}
		})
	}
	if c := <-got; c != "show" {
		t.Fatalf("server got %q", c)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket left behind: %v", err)
	}
	if err := Ask(context.Background(), path, "show"); err == nil {
		t.Fatal("ask with no server succeeded")
	}
}
