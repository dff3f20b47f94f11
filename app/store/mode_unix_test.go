//go:build unix

package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestFilesArePrivate: the database and SQLite's -wal and -shm files are
// created 0600 whatever the umask, since they hold the learner's answers.
func TestFilesArePrivate(t *testing.T) {
	ctx := context.Background()
	for _, umask := range []int{0o022, 0o002, 0o000} {
		t.Run(fmt.Sprintf("umask %04o", umask), func(t *testing.T) {
			old := syscall.Umask(umask)
			defer syscall.Umask(old)
			file := filepath.Join(t.TempDir(), "tidbit.db")
			s, err := Open(ctx, file, Options{Now: fixedNow})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			seedContent(t, s, 1, 1) // a write, so that the WAL has frames
			if err := s.StartAttempt(ctx, Attempt{ID: "a", LessonID: "lesson-0", Kind: "quiz", StartedAt: t0}); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{file, file + "-wal", file + "-shm"} {
				fi, err := os.Stat(f)
				if err != nil {
					t.Fatalf("after a write: %v", err)
				}
				if perm := fi.Mode().Perm(); perm != 0o600 {
					t.Errorf("%s has mode %04o, want 0600", filepath.Base(f), perm)
				}
			}
		})
	}
}
