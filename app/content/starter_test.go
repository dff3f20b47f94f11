package content

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "tidbit.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tax, err := assets.LoadTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SyncTaxonomy(context.Background(), tax); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestStarterLibrary holds the embedded library to the promises of the
// foundation issue: size, spread, soft-skill share, questions and
// explanations, and reading time.
func TestStarterLibrary(t *testing.T) {
	p, err := ReadFS(assets.StarterPack(), "starter", DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	tax, _ := assets.LoadTaxonomy()
	if err := p.Validate(Catalog{Skills: skillSet(tax), Lessons: map[string]string{}}); err != nil {
		t.Fatal(err)
	}
	if len(p.Lessons) < 24 {
		t.Errorf("%d lessons, want at least 24", len(p.Lessons))
	}
	cats := map[string]bool{}
	soft := 0
	for _, l := range p.Lessons {
		main, _ := tax.Skill(l.Skills[0])
		cats[main.Category] = true
		if main.Kind == assets.Soft {
			soft++
		}
		if len(l.Questions) < 5 {
			t.Errorf("%s: %d questions, want at least 5", l.SourceFile, len(l.Questions))
		}
		for _, q := range l.Questions {
			for i, o := range q.Options {
				if strings.TrimSpace(o.Why) == "" {
					t.Errorf("%s: %s option %d has no explanation", l.SourceFile, q.ID, i+1)
				}
			}
		}
		// Three minutes of reading at a relaxed 200 words a minute.
		if words := len(strings.Fields(l.Body)); words > 600 {
			t.Errorf("%s: %d words, too long for three minutes", l.SourceFile, words)
		}
		if l.Minutes > 5 {
			t.Errorf("%s: %d minutes", l.SourceFile, l.Minutes)
		}
	}
	if len(cats) < 8 {
		t.Errorf("lessons span %d categories, want at least 8", len(cats))
	}
	if soft*3 < len(p.Lessons) {
		t.Errorf("%d of %d lessons are soft skills, want at least a third", soft, len(p.Lessons))
	}
}

func skillSet(tax *assets.Taxonomy) map[string]bool {
	m := map[string]bool{}
	for _, s := range tax.Skills {
		m[s.ID] = true
	}
	return m
}

func TestImportStarterIdempotent(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	p, err := ReadFS(assets.StarterPack(), "starter", DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Import(ctx, st, p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != len(p.Lessons) {
		t.Fatalf("first import added %d, want %d", res.Added, len(p.Lessons))
	}
	res, err = Import(ctx, st, p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 0 || res.Updated != 0 {
		t.Fatalf("second import changed things: %+v", res)
	}
	lib, err := st.Library(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(lib) != len(p.Lessons) {
		t.Fatalf("library has %d lessons, want %d", len(lib), len(p.Lessons))
	}
}
