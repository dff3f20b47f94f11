package calendar

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s", name, got)
	}
}

func TestReportGolden(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "week.ics"))
	if err != nil {
		t.Fatal(err)
	}
	src := StaticSource{Label: "week.ics", Calendars: []RawCalendar{{Source: "week.ics", Data: data}}}
	from := time.Date(2026, 3, 16, 0, 0, 0, 0, berlin)
	to := from.AddDate(0, 0, 7)
	res, err := Report(context.Background(), src, from, to, ReportOptions{
		Options:      Options{Location: berlin, Addresses: []string{"me@example.org"}},
		WorkingHours: WorkingHours{Start: 9 * time.Hour, End: 17 * time.Hour, Location: berlin},
	})
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := WriteText(&text, res, berlin); err != nil {
		t.Fatal(err)
	}
	golden(t, "week.golden.txt", text.Bytes())
	js, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "week.golden.json", append(js, '\n'))
	for _, key := range []string{`"busy"`, `"gaps"`, `"skipped"`, `"reason"`} {
		if !strings.Contains(string(js), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

func TestSourceFor(t *testing.T) {
	env := map[string]string{PasswordEnv: "from-env"}
	tests := []struct {
		spec, want string
	}{
		{"work.ics", "file work.ics"},
		{"webcal://example.org/cal.ics", "http webcal://example.org/cal.ics"},
		{"https://example.org/cal.ics?token=x", "http https://example.org/cal.ics?token=x"},
		{"caldav+https://anna:pw@dav.example.org/", "caldav https://dav.example.org/ anna pw"},
		{"caldav+https://anna@dav.example.org/", "caldav https://dav.example.org/ anna from-env"},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			src, err := SourceFor(tc.spec, SourceOptions{CacheDir: t.TempDir(), Getenv: func(k string) string { return env[k] }})
			if err != nil {
				t.Fatal(err)
			}
			var got string
			if lg, ok := src.(*LastGood); ok {
				src = lg.Source
			}
			switch s := src.(type) {
			case FileSource:
				got = "file " + s.Path
			case *HTTPSource:
				got = "http " + s.URL
			case *CalDAVSource:
				got = "caldav " + s.Endpoint + " " + s.Username + " " + s.Password
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if src, err := SourceFor("caldav+https://anna@dav.example.org/", SourceOptions{}); err != nil || src.(*CalDAVSource).Password != "" {
		t.Errorf("without Getenv the password came from somewhere: %+v %v", src, err)
	}
	if _, err := SourceFor("  ", SourceOptions{}); err == nil {
		t.Error("empty source accepted")
	}
}
