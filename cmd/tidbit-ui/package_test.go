//go:build linux

package main

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/widgets/uiproc"
)

// fyneAppDetail reads one [Details] value of the repository's FyneApp.toml.
func fyneAppDetail(t *testing.T, key string) string {
	t.Helper()
	data, err := os.ReadFile("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^` + key + `\s*=\s*"?([^"\n]*)"?\s*$`).FindSubmatch(data)
	if m == nil {
		t.Fatalf("FyneApp.toml has no %s", key)
	}
	return string(m[1])
}

func TestFyneAppID(t *testing.T) {
	if id := fyneAppDetail(t, "ID"); id != uiproc.AppID {
		t.Fatalf("FyneApp.toml ID %q, uiproc.AppID %q: the package and the running app must agree", id, uiproc.AppID)
	}
	icon, err := os.Open(filepath.Join("../..", fyneAppDetail(t, "Icon")))
	if err != nil {
		t.Fatal(err)
	}
	defer icon.Close()
	cfg, err := png.DecodeConfig(icon)
	if err != nil || cfg.Width != 256 || cfg.Height != 256 {
		t.Fatalf("the icon: %dx%d, %v; want a 256x256 PNG", cfg.Width, cfg.Height, err)
	}
}

// TestPackageArchive runs .ci/package.sh (fyne package, then the resident
// added) and checks the archive: both programs, the menu entry starting
// tidbit, the icon, and a Makefile that installs all of them.
func TestPackageArchive(t *testing.T) {
	for _, p := range [][2]string{{"go", "golang"}, {"tar", "tar"}, {"xz", "xz-utils"}, {"make", "make"}} {
		if _, err := exec.LookPath(p[0]); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is missing: CI must install the Debian package %s", p[0], p[1])
			}
			t.Skipf("%s is missing: install the Debian package %s to build the archive", p[0], p[1])
		}
	}
	if testing.Short() {
		t.Skip("builds both programs and runs fyne package")
	}
	out := t.TempDir()
	cmd := exec.Command("bash", "../../.ci/package.sh", out)
	// Fastest xz: the test checks contents, not compression.
	cmd.Env = append(os.Environ(), "VERSION=9.9.9-test", "XZ_OPT=-0")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf(".ci/package.sh: %v\n%s", err, stderr.String())
	}
	t.Logf("packaged in %v", time.Since(start).Round(time.Millisecond))
	archive := strings.TrimSpace(stdout.String())
	if filepath.Base(archive) != "tidbit-9.9.9-test-linux-"+goarch(t)+".tar.xz" {
		t.Fatalf("archive %q", archive)
	}
	list, err := exec.Command("tar", "-tJf", archive).Output()
	if err != nil {
		t.Fatal(err)
	}
	id := uiproc.AppID
	var files []string
	for _, l := range strings.Split(strings.TrimSpace(string(list)), "\n") {
		if !strings.HasSuffix(l, "/") {
			files = append(files, l)
		}
	}
	sort.Strings(files)
	// fyne package uses usr/local when the building machine has it.
	prefix := "usr/local"
	if !strings.Contains(string(list), "/usr/local/") {
		prefix = "usr"
	}
	top := "tidbit-9.9.9-test/"
	want := []string{top + "Makefile", top + prefix + "/bin/tidbit", top + prefix + "/bin/tidbit-ui",
		top + prefix + "/share/applications/" + id + ".desktop", top + prefix + "/share/pixmaps/" + id + ".png"}
	sort.Strings(want)
	if strings.Join(files, "\n") != strings.Join(want, "\n") {
		t.Fatalf("archive holds:\n%s\nwant:\n%s", strings.Join(files, "\n"), strings.Join(want, "\n"))
	}

	x := t.TempDir()
	if out, err := exec.Command("tar", "-xJf", archive, "-C", x).CombinedOutput(); err != nil {
		t.Fatalf("unpacking: %v\n%s", err, out)
	}
	root := filepath.Join(x, top)
	desktop, err := os.ReadFile(filepath.Join(root, prefix, "share/applications", id+".desktop"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"[Desktop Entry]", "Type=Application", "Name=Tidbit", "Exec=tidbit", "Icon=" + id, "Categories=Education;"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(line) + `$`).Match(desktop) {
			t.Errorf("the .desktop file lacks the line %q:\n%s", line, desktop)
		}
	}
	icon, err := os.ReadFile(filepath.Join(root, prefix, "share/pixmaps", id+".png"))
	if err != nil {
		t.Fatal(err)
	}
	if orig, _ := os.ReadFile(filepath.Join("../..", fyneAppDetail(t, "Icon"))); !bytes.Equal(icon, orig) {
		t.Error("the packaged icon is not assets/icon.png")
	}
	// The resident runs and carries the version; it finds tidbit-ui next
	// to itself (app/tray.FindUI).
	v, err := exec.Command(filepath.Join(root, prefix, "bin/tidbit"), "version").CombinedOutput()
	if err != nil || !strings.Contains(string(v), "9.9.9-test") {
		t.Errorf("tidbit version: %q, %v", v, err)
	}
	if fi, err := os.Stat(filepath.Join(root, prefix, "bin/tidbit-ui")); err != nil || fi.Mode()&0o111 == 0 {
		t.Errorf("tidbit-ui is not an executable: %v", err)
	}

	// The archive's Makefile installs both programs, the entry and the icon.
	dest := t.TempDir()
	mk := exec.Command("make", "install", "DESTDIR="+dest, "PREFIX=/usr")
	mk.Dir = root
	if out, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	for _, f := range []string{"usr/bin/tidbit", "usr/bin/tidbit-ui", "usr/share/applications/" + id + ".desktop", "usr/share/pixmaps/" + id + ".png"} {
		if _, err := os.Stat(filepath.Join(dest, f)); err != nil {
			t.Errorf("make install did not install %s: %v", f, err)
		}
	}
	home := t.TempDir()
	mk = exec.Command("make", "user-install", "HOME="+home)
	mk.Dir = root
	if out, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("make user-install: %v\n%s", err, out)
	}
	entry, err := os.ReadFile(filepath.Join(home, ".local/share/applications", id+".desktop"))
	if err != nil || !strings.Contains(string(entry), "\nExec="+home+"/.local/bin/tidbit\n") {
		t.Errorf("user-install's menu entry does not start ~/.local/bin/tidbit: %v\n%s", err, entry)
	}
}

func goarch(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOARCH").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}
