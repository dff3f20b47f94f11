package report

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// needChromium returns Debian's chromium, skipping the test when it is
// missing locally and failing it in CI (which must prove the report
// renders).
func needChromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "chromium"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is missing; CI installs it from .ci/deps/apt.txt (apt-get install chromium)")
	}
	t.Skip("chromium is not installed; install it (apt-get install chromium) to render the report in a browser")
	return ""
}

// TestReportInChromium renders the report in headless Chromium, checks
// the screenshot shows a report (not a blank or error page), and keeps it
// as a CI artifact ($TIDBIT_ARTIFACTS/report.png) for a human to look at.
func TestReportInChromium(t *testing.T) {
	chromium := needChromium(t)
	r := build(t, Options{IncludeReflections: true})
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := WriteFile(page, r.HTML); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "report.png")
	if a := os.Getenv("TIDBIT_ARTIFACTS"); a != "" {
		if err := os.MkdirAll(a, 0o755); err != nil {
			t.Fatal(err)
		}
		out = filepath.Join(a, "report.png")
		os.Remove(out) // a stale screenshot must not pass for a new one
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--screenshot="+out, "--window-size=1000,1400", "file://"+page)
	cmd.Env = append(os.Environ(), "HOME="+dir) // chromium writes caches under HOME
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, logs.String())
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatalf("no screenshot: %v\nchromium said:\n%s", err, logs.String())
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	b := img.Bounds()
	if b.Dx() != 1000 || b.Dy() != 1400 {
		t.Errorf("screenshot is %dx%d, want 1000x1400", b.Dx(), b.Dy())
	}
	st := pixelStats(img)
	t.Logf("screenshot %s: %d colours, %.1f%% non-white, %.2f%% chart blue", out, st.colours, 100*st.inked, 100*st.blue)
	switch {
	case st.colours < 20:
		t.Errorf("the screenshot has %d colours: blank or an error page", st.colours)
	case st.inked < 0.03:
		t.Errorf("only %.1f%% of the screenshot is not white: the report did not render", 100*st.inked)
	case st.blue < 0.001:
		t.Errorf("no chart blue (#0072B2) in the screenshot: the SVG charts did not render")
	}
}

type stats struct {
	colours     int
	inked, blue float64
}

func pixelStats(img image.Image) stats {
	b := img.Bounds()
	seen := map[uint32]bool{}
	inked, blue, total := 0, 0, 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			seen[r<<16|g<<8|bl] = true
			total++
			if r < 240 || g < 240 || bl < 240 {
				inked++
			}
			if near(r, 0x00) && near(g, 0x72) && near(bl, 0xB2) {
				blue++
			}
		}
	}
	return stats{colours: len(seen), inked: float64(inked) / float64(total), blue: float64(blue) / float64(total)}
}

func near(v, want uint32) bool { return v+12 >= want && v <= want+12 }

var external = regexp.MustCompile(`(?i)^\s*(https?:)?//`)

// TestReportMakesNoRequests parses the HTML: no element may load anything
// from the network (src, href, srcset, poster, data, action, xlink:href),
// no CSS may import or point at a URL, and there are no scripts. Web
// addresses in plain text are fine.
func TestReportMakesNoRequests(t *testing.T) {
	for _, opts := range []Options{{}, {IncludeReflections: true}} {
		r := build(t, opts)
		var buf bytes.Buffer
		if err := r.HTML(&buf); err != nil {
			t.Fatal(err)
		}
		checkSelfContained(t, buf.String())
	}
	// The checker itself catches what it must.
	for _, bad := range []string{
		`<img src="https://example.com/x.png">`, `<link rel="stylesheet" href="//cdn.example/x.css">`,
		`<script>fetch("x")</script>`, `<style>@import "https://x/y.css";</style>`, `<div style="background:url(http://x/y.png)"></div>`,
		`<svg><image xlink:href="http://x/y.png"/></svg>`,
	} {
		ft := &fakeT{}
		checkSelfContained(ft, "<!DOCTYPE html><html><body>"+bad+"</body></html>")
		if !ft.failed {
			t.Errorf("the checker let %s through", bad)
		}
	}
}

type errorer interface {
	Errorf(format string, args ...any)
	Helper()
}

type fakeT struct{ failed bool }

func (f *fakeT) Errorf(string, ...any) { f.failed = true }
func (f *fakeT) Helper()               {}

func checkSelfContained(t errorer, page string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Errorf("parsing the HTML: %v", err)
		return
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if n.Data == "script" || n.Data == "iframe" || n.Data == "object" || n.Data == "embed" {
				t.Errorf("<%s> in the report", n.Data)
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				switch key {
				case "src", "href", "srcset", "poster", "data", "action", "formaction", "background":
					if external.MatchString(a.Val) || strings.HasPrefix(strings.TrimSpace(a.Val), "file:") {
						t.Errorf("<%s %s=%q> loads from elsewhere", n.Data, a.Key, a.Val)
					}
				case "style":
					if strings.Contains(strings.ToLower(a.Val), "url(") {
						t.Errorf("<%s style=%q> points at a URL", n.Data, a.Val)
					}
				}
				if a.Namespace == "xlink" || strings.HasSuffix(key, ":href") {
					if external.MatchString(a.Val) {
						t.Errorf("<%s %s=%q> loads from elsewhere", n.Data, a.Key, a.Val)
					}
				}
			}
			if n.Data == "style" && n.FirstChild != nil {
				css := strings.ToLower(n.FirstChild.Data)
				if strings.Contains(css, "@import") || strings.Contains(css, "url(") {
					t.Errorf("the style sheet imports or points at a URL")
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
}
