// Package coretest is for tests only: it opens Tidbit's real state (the
// SQLite store with the taxonomy and the starter library) in a temp
// folder.
//
// It exists because helpers in _test.go files cannot be shared between
// packages, and the same opener was written again in app/aiquiz,
// app/learn, app/lessonflow, app/personal and llm's external tests.
// Production code must not import it: it imports package testing.
package coretest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/paths"
)

// Open opens a fresh store with the starter library in a temp folder and
// closes it when the test ends. Any failure ends the test.
func Open(t testing.TB) *core.App {
	t.Helper()
	p, err := paths.Resolve(filepath.Join(t.TempDir(), "data"), paths.OS())
	if err != nil {
		t.Fatal(err)
	}
	a, err := core.Open(context.Background(), p, core.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}
