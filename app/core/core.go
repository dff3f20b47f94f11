// Package core opens Tidbit's state for a process: it resolves the folders,
// opens the store, keeps the taxonomy in the store in step with the binary
// and loads the embedded starter library on first run (and again when a new
// binary ships a changed one). The CLI, the tray daemon and the window
// process all start here, so they agree on what a fresh install holds.
package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"

	"github.com/tidbit-learn/tidbit/app/content"
	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

// App is the opened state. Close it when done.
type App struct {
	Paths    paths.Paths
	Store    *store.Store
	Taxonomy *assets.Taxonomy
}

// Options for Open.
type Options struct {
	Store store.Options
	// NoStarter skips loading the starter library (tests of an empty store).
	NoStarter bool
}

const (
	settingTaxonomyHash = "bootstrap.taxonomy_hash"
	settingStarterHash  = "bootstrap.starter_hash"
)

// Open prepares the folders and the store. It is cheap when nothing changed:
// the embedded files are hashed (well under a millisecond) and compared with
// what the store last loaded, so the taxonomy and library are parsed only on
// first run or after an upgrade.
func Open(ctx context.Context, p paths.Paths, opts Options) (*App, error) {
	if err := p.Ensure(); err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, p.Database(), opts.Store)
	if err != nil {
		return nil, err
	}
	a := &App{Paths: p, Store: st}
	if err := a.bootstrap(ctx, opts); err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

// Close closes the store.
func (a *App) Close() error { return a.Store.Close() }

func (a *App) bootstrap(ctx context.Context, opts Options) error {
	tax, err := assets.LoadTaxonomy()
	if err != nil {
		return fmt.Errorf("embedded taxonomy: %w", err)
	}
	a.Taxonomy = tax
	if opts.Store.ReadOnly {
		return nil
	}
	th := hashFS(assets.TaxonomyFiles())
	var have string
	if _, err := a.Store.Setting(ctx, settingTaxonomyHash, &have); err != nil {
		return err
	}
	if have != th {
		if err := a.Store.SyncTaxonomy(ctx, tax); err != nil {
			return fmt.Errorf("loading the skill taxonomy: %w", err)
		}
		if err := a.Store.SetSetting(ctx, settingTaxonomyHash, th); err != nil {
			return err
		}
	}
	if opts.NoStarter {
		return nil
	}
	sh := hashFS(assets.StarterPack())
	have = ""
	if _, err := a.Store.Setting(ctx, settingStarterHash, &have); err != nil {
		return err
	}
	if have == sh {
		return nil
	}
	pk, err := content.ReadFS(assets.StarterPack(), "starter library", content.DefaultLimits)
	if err != nil {
		return fmt.Errorf("embedded starter library: %w", err)
	}
	if _, err := content.Import(ctx, a.Store, pk); err != nil {
		return fmt.Errorf("loading the starter library: %w", err)
	}
	return a.Store.SetSetting(ctx, settingStarterHash, sh)
}

func hashFS(fsys fs.FS) string {
	h := sha256.New()
	var names []string
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	for _, n := range names {
		b, _ := fs.ReadFile(fsys, n)
		h.Write([]byte(n))
		h.Write([]byte{0})
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}
