package core

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/assets"
)

func TestOpenBootstrapsOnce(t *testing.T) {
	ctx := context.Background()
	p, err := paths.Resolve(filepath.Join(t.TempDir(), "data"), paths.OS())
	if err != nil {
		t.Fatal(err)
	}
	a, err := Open(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	lib, _ := a.Store.Library(ctx)
	skills, _ := a.Store.KnownSkills(ctx)
	tax, _ := assets.LoadTaxonomy()
	if len(lib) < 24 || len(skills) != len(tax.Skills) {
		t.Fatalf("first run: %d lessons, %d skills", len(lib), len(skills))
	}
	var h string
	if ok, _ := a.Store.Setting(ctx, settingStarterHash, &h); !ok || h != hashFS(assets.StarterPack()) {
		t.Fatalf("starter hash not recorded: %q", h)
	}
	// A new binary with a changed starter library re-imports it: simulate by
	// forgetting the hash; the import is idempotent, so nothing duplicates.
	if err := a.Store.SetSetting(ctx, settingStarterHash, "older"); err != nil {
		t.Fatal(err)
	}
	a.Close()
	a, err = Open(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	again, _ := a.Store.Library(ctx)
	if len(again) != len(lib) {
		t.Fatalf("re-bootstrap: %d lessons, want %d", len(again), len(lib))
	}
	if ok, _ := a.Store.Setting(ctx, settingStarterHash, &h); !ok || h == "older" {
		t.Fatal("hash not refreshed")
	}
	for _, d := range []string{p.Data, p.Config, p.Cache} {
		fi, err := os.Stat(d)
		if err != nil || fi.Mode().Perm() != paths.DirMode {
			t.Errorf("%s: %v %v", d, fi.Mode(), err)
		}
	}
}

func TestNoStarter(t *testing.T) {
	p, _ := paths.Resolve(filepath.Join(t.TempDir(), "data"), paths.OS())
	a, err := Open(context.Background(), p, Options{NoStarter: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if lib, _ := a.Store.Library(context.Background()); len(lib) != 0 {
		t.Fatalf("%d lessons with NoStarter", len(lib))
	}
}
