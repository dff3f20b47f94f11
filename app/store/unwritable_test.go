//go:build unix

package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnwritableDataFolder: Open fails with an error that names the file
// and the reason, and creates nothing. Permission bits do not stop root
// (CI runs as root), so the cases that rely on them run only for other
// users; the others fail for root too.
func TestUnwritableDataFolder(t *testing.T) {
	ctx := context.Background()
	root := os.Geteuid() == 0
	cases := []struct {
		name    string
		asRoot  bool                      // whether the case fails for root as well
		setup   func(t *testing.T) string // returns the database path
		wantMsg []string                  // parts of the error, besides the path
	}{
		{
			name: "data path under a regular file", asRoot: true,
			setup: func(t *testing.T) string {
				f := filepath.Join(t.TempDir(), "not-a-folder")
				if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
					t.Fatal(err)
				}
				return filepath.Join(f, "tidbit.db")
			},
			wantMsg: []string{"not a directory"},
		},
		{
			name: "missing folder", asRoot: true,
			setup:   func(t *testing.T) string { return filepath.Join(t.TempDir(), "gone", "tidbit.db") },
			wantMsg: []string{"creating", "no such file or directory"},
		},
		{
			name: "database path is a folder", asRoot: true,
			setup: func(t *testing.T) string {
				d := filepath.Join(t.TempDir(), "tidbit.db")
				if err := os.Mkdir(d, 0o700); err != nil {
					t.Fatal(err)
				}
				return d
			},
			wantMsg: []string{"is a directory"},
		},
		{
			name: "new database in a 0500 folder",
			setup: func(t *testing.T) string {
				d := filepath.Join(t.TempDir(), "data")
				if err := os.Mkdir(d, 0o500); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.Chmod(d, 0o700) })
				return filepath.Join(d, "tidbit.db")
			},
			wantMsg: []string{"creating", "permission denied"},
		},
		{
			name: "existing database in a 0500 folder",
			setup: func(t *testing.T) string {
				d := filepath.Join(t.TempDir(), "data")
				if err := os.Mkdir(d, 0o700); err != nil {
					t.Fatal(err)
				}
				file := filepath.Join(d, "tidbit.db")
				s, err := Open(ctx, file, Options{})
				if err != nil {
					t.Fatal(err)
				}
				s.Close()
				if err := os.Chmod(d, 0o500); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.Chmod(d, 0o700) })
				return file
			},
			wantMsg: []string{"cannot open", "permissions"},
		},
		{
			name: "read-only database file",
			setup: func(t *testing.T) string {
				file := filepath.Join(t.TempDir(), "tidbit.db")
				s, err := Open(ctx, file, Options{})
				if err != nil {
					t.Fatal(err)
				}
				s.Close()
				if err := os.Chmod(file, 0o400); err != nil {
					t.Fatal(err)
				}
				return file
			},
			wantMsg: []string{"cannot open", "permissions"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if root && !tc.asRoot {
				t.Skip("running as root: permission bits do not stop root (the cases that fail for root too still run)")
			}
			file := tc.setup(t)
			var before *fileState
			if fi, err := os.Stat(file); err == nil && fi.Mode().IsRegular() {
				st := stateOf(t, file)
				before = &st
			}
			s, err := Open(ctx, file, Options{})
			if err == nil {
				s.Close()
				t.Fatalf("Open(%s) succeeded", file)
			}
			t.Logf("Open: %v", err)
			msg := err.Error()
			if !strings.Contains(msg, file) {
				t.Errorf("error %q does not name %s", msg, file)
			}
			for _, w := range tc.wantMsg {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
			if errors.Is(err, ErrCorrupt) || errors.Is(err, ErrNewerSchema) {
				t.Errorf("error %v blames the file's content", err)
			}
			if before != nil {
				if after := stateOf(t, file); after != *before {
					t.Errorf("the file changed:\nbefore %+v\nafter  %+v", *before, after)
				}
			}
		})
	}
}
