//go:build !windows

package autostart

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidbit-learn/tidbit/app/paths"
)

func env(home, xdg, goos string) paths.Env {
	return paths.Env{Getenv: func(k string) string {
		if k == "XDG_CONFIG_HOME" {
			return xdg
		}
		return ""
	}, HomeDir: func() (string, error) { return home, nil }, GOOS: goos}
}

func TestEnableDisable(t *testing.T) {
	cases := []struct {
		name  string
		goos  string
		xdg   bool // set XDG_CONFIG_HOME
		rel   string
		exe   string
		wants []string // lines the entry holds
	}{
		{"xdg config home", "linux", true, "xdg/autostart/tidbit.desktop", "/opt/tidbit/tidbit",
			[]string{"Exec=\"/opt/tidbit/tidbit\"", "TryExec=/opt/tidbit/tidbit", "X-GNOME-Autostart-enabled=true", "Type=Application"}},
		{"default ~/.config", "linux", false, "home/.config/autostart/tidbit.desktop", "/usr/bin/tidbit",
			[]string{"Exec=\"/usr/bin/tidbit\""}},
		{"awkward path quoted and escaped", "freebsd", true, "xdg/autostart/tidbit.desktop", `/home/a b/$x/100%/q"t/b\s/tidbit`,
			[]string{`Exec="/home/a b/\\$x/100%%/q\\"t/b\\\\s/tidbit"`, `TryExec=/home/a b/$x/100%/q"t/b\\s/tidbit`}},
		{"macos launch agent", "darwin", true, "home/Library/LaunchAgents/io.github.tidbit_learn.tidbit.plist", "/Applications/Tidbit & Co.app/Contents/MacOS/tidbit",
			[]string{"<string>io.github.tidbit_learn.tidbit</string>", "<string>/Applications/Tidbit &amp; Co.app/Contents/MacOS/tidbit</string>", "<key>RunAtLoad</key>\n\t<true/>"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			xdg := ""
			if tc.xdg {
				xdg = filepath.Join(dir, "xdg")
			}
			e := env(filepath.Join(dir, "home"), xdg, tc.goos)
			if on, err := Enabled(e); err != nil || on {
				t.Fatalf("enabled before: %v %v", on, err)
			}
			if err := Disable(e); err != nil {
				t.Fatalf("disable with nothing there: %v", err)
			}
			for i := 0; i < 2; i++ { // idempotent
				if err := Enable(e, tc.exe); err != nil {
					t.Fatal(err)
				}
			}
			p := filepath.Join(dir, tc.rel)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.wants {
				if !strings.Contains(string(b), w) {
					t.Errorf("entry lacks %q:\n%s", w, b)
				}
			}
			if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o644 {
				t.Errorf("mode %v", fi.Mode())
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(p), ".tidbit-autostart-*")); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
			if on, err := Enabled(e); err != nil || !on {
				t.Fatalf("enabled after Enable: %v %v", on, err)
			}
			for i := 0; i < 2; i++ {
				if err := Apply(e, tc.exe, false); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := os.Stat(p); !os.IsNotExist(err) {
				t.Fatalf("entry still there: %v", err)
			}
		})
	}
}

func TestEnabledHonoursTheDesktopsSwitch(t *testing.T) {
	cases := []struct {
		name, text string
		want       bool
	}{
		{"ours", string(desktopEntry("/usr/bin/tidbit")), true},
		{"hidden", "[Desktop Entry]\nExec=tidbit\nHidden=true\n", false},
		{"gnome off", "[Desktop Entry]\nExec=tidbit\nX-GNOME-Autostart-enabled=false\n", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			e := env(dir, dir, "linux")
			os.MkdirAll(filepath.Join(dir, "autostart"), 0o755)
			if err := os.WriteFile(filepath.Join(dir, "autostart", "tidbit.desktop"), []byte(tc.text), 0o644); err != nil {
				t.Fatal(err)
			}
			if on, err := Enabled(e); err != nil || on != tc.want {
				t.Fatalf("enabled %v %v, want %v", on, err, tc.want)
			}
			// Enable turns a switched-off entry back on.
			if err := Enable(e, "/usr/bin/tidbit"); err != nil {
				t.Fatal(err)
			}
			if on, _ := Enabled(e); !on {
				t.Fatal("still off after Enable")
			}
		})
	}
}

func TestEnableRefuses(t *testing.T) {
	e := env(t.TempDir(), "", "linux")
	for _, exe := range []string{"tidbit", "/a\nb/tidbit"} {
		if err := Enable(e, exe); err == nil {
			t.Errorf("enabled %q", exe)
		}
	}
	noHome := paths.Env{Getenv: func(string) string { return "" }, HomeDir: func() (string, error) { return "", os.ErrNotExist }, GOOS: "linux"}
	if err := Enable(noHome, "/usr/bin/tidbit"); err == nil || !strings.Contains(err.Error(), "home folder") {
		t.Errorf("no home: %v", err)
	}
}

func TestTidbitNextTo(t *testing.T) {
	cases := []struct{ in, want string }{
		{"/usr/bin/tidbit", "/usr/bin/tidbit"},
		{"/usr/bin/tidbit-ui", "/usr/bin/tidbit"},
		{`C:\Tidbit\tidbit-ui.exe`, `C:\Tidbit\tidbit-ui.exe`}, // a Windows path is one name on Unix
		{"/opt/t/tidbit-ui.exe", "/opt/t/tidbit.exe"},
		{"/opt/t/other", "/opt/t/other"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			if got := TidbitNextTo(tc.in); got != tc.want {
				t.Fatalf("%q, want %q", got, tc.want)
			}
		})
	}
}
