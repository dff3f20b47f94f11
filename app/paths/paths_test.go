package paths

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		name    string
		flag    string
		env     map[string]string
		goos    string
		want    Paths
		wantErr bool
	}{
		{name: "flag wins over everything", flag: "/d", env: map[string]string{"TIDBIT_HOME": "/t", "XDG_DATA_HOME": "/x"}, goos: "linux",
			want: Paths{Data: "/d", Config: "/d/config", Cache: "/d/cache"}},
		{name: "TIDBIT_HOME", env: map[string]string{"TIDBIT_HOME": "/t"}, goos: "linux",
			want: Paths{Data: "/t", Config: "/t/config", Cache: "/t/cache"}},
		{name: "xdg defaults", goos: "linux",
			want: Paths{Data: "/home/u/.local/share/tidbit", Config: "/home/u/.config/tidbit", Cache: "/home/u/.cache/tidbit"}},
		{name: "xdg overrides", env: map[string]string{"XDG_DATA_HOME": "/xd", "XDG_CONFIG_HOME": "/xc", "XDG_CACHE_HOME": "/xk"}, goos: "linux",
			want: Paths{Data: "/xd/tidbit", Config: "/xc/tidbit", Cache: "/xk/tidbit"}},
		{name: "relative xdg ignored", env: map[string]string{"XDG_DATA_HOME": "rel"}, goos: "linux",
			want: Paths{Data: "/home/u/.local/share/tidbit", Config: "/home/u/.config/tidbit", Cache: "/home/u/.cache/tidbit"}},
		{name: "macos", goos: "darwin",
			want: Paths{Data: "/home/u/Library/Application Support/Tidbit", Config: "/home/u/Library/Application Support/Tidbit/config", Cache: "/home/u/Library/Caches/Tidbit"}},
		{name: "windows", env: map[string]string{"LOCALAPPDATA": "/l"}, goos: "windows",
			want: Paths{Data: "/l/Tidbit", Config: "/l/Tidbit/config", Cache: "/l/Tidbit/cache"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := Env{
				Getenv:  func(k string) string { return tc.env[k] },
				HomeDir: func() (string, error) { return "/home/u", nil },
				GOOS:    tc.goos,
			}
			got, err := Resolve(tc.flag, env)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestResolveWithoutHome(t *testing.T) {
	env := Env{Getenv: func(string) string { return "" }, HomeDir: func() (string, error) { return "", errors.New("no home") }, GOOS: "linux"}
	if _, err := Resolve("", env); err == nil {
		t.Fatal("want an error when no home folder and no TIDBIT_HOME")
	}
}

func TestEnsureCreatesPrivateFolders(t *testing.T) {
	root := filepath.Join(t.TempDir(), "home")
	p, err := Resolve(root, OS())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Ensure(); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{p.Data, p.Config, p.Cache} {
		fi, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != DirMode {
			t.Errorf("%s: mode %v, want %v", d, fi.Mode().Perm(), DirMode)
		}
	}
}
