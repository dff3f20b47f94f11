package coretest

import (
	"context"
	"testing"

	"github.com/tidbit-learn/tidbit/app/store"
)

// TestOpen: the store holds the starter library, each test gets its own,
// and the store is closed when the test ends.
func TestOpen(t *testing.T) {
	ctx := context.Background()
	var first, second int
	var closedCheck func() error
	t.Run("two stores", func(t *testing.T) {
		a := Open(t)
		lib, err := a.Store.Library(ctx)
		if err != nil {
			t.Fatal(err)
		}
		first = len(lib)
		if first == 0 || a.Taxonomy == nil {
			t.Fatalf("%d starter lessons, taxonomy %v: want the starter library", first, a.Taxonomy != nil)
		}
		// Another test's store: the same library, a separate file.
		b := Open(t)
		if err := b.Store.SaveProfile(ctx, store.Profile{Role: "only in b"}); err != nil {
			t.Fatal(err)
		}
		if p, _ := a.Store.Profile(ctx); p.Role == "only in b" {
			t.Error("two Opens share one store")
		}
		lib2, _ := b.Store.Library(ctx)
		second = len(lib2)
		closedCheck = func() error { _, err := a.Store.Library(ctx); return err }
	})
	if first != second {
		t.Errorf("%d and %d starter lessons", first, second)
	}
	if closedCheck != nil && closedCheck() == nil {
		t.Error("the store still answers after its test ended")
	}
}
