package calendar

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const smallICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20260105T100000Z\r\nDTEND:20260105T110000Z\r\nSUMMARY:Standup\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

func TestHTTPSourceFailures(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/calendar")
		fmt.Fprint(w, smallICS)
	})
	mux.HandleFunc("/401", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusUnauthorized) })
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) })
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	mux.HandleFunc("/loop-a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop-b", http.StatusFound) })
	mux.HandleFunc("/loop-b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop-a", http.StatusFound) })
	mux.HandleFunc("/chain/", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/chain/"), "%d", &n)
		http.Redirect(w, r, fmt.Sprintf("/chain/%d", n+1), http.StatusFound)
	})
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain") // lying servers exist: the body decides too
		fmt.Fprint(w, "<!DOCTYPE html><html><body>Please sign in</body></html>")
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/calendar")
		fmt.Fprint(w, "BEGIN:VCALENDAR\r\n")
		for i := 0; i < 2000; i++ {
			fmt.Fprint(w, "X-PAD:0123456789012345678901234567890123456789\r\n")
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/notics", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "hello") })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	tests := []struct {
		name    string
		path    string
		wantErr string
		is      error
	}{
		{name: "unauthorized", path: "/401", wantErr: "401"},
		{name: "server error", path: "/500", wantErr: "500"},
		{name: "hanging server times out", path: "/hang", wantErr: "timed out"},
		{name: "redirect loop", path: "/loop-a", is: ErrRedirectLoop},
		{name: "too many redirects", path: "/chain/0", wantErr: "more than 5 redirects"},
		{name: "html instead of calendar", path: "/html", wantErr: "HTML"},
		{name: "oversized body", path: "/big", is: ErrTooLarge},
		{name: "not a calendar", path: "/notics", wantErr: "BEGIN:VCALENDAR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := &HTTPSource{URL: srv.URL + tc.path, Timeout: 300 * time.Millisecond, MaxBytes: 50_000}
			start := time.Now()
			raws, err := src.Fetch(context.Background())
			if err == nil {
				t.Fatalf("got %d calendars, want an error", len(raws))
			}
			if tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not mention %q", err, tc.wantErr)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), "calendar ") {
				t.Errorf("error %q does not name the calendar", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func TestHTTPSourceCacheAndConditionalGet(t *testing.T) {
	var fail atomic.Bool
	var sawETag atomic.Value
	sawETag.Store("")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		if inm := r.Header.Get("If-None-Match"); inm != "" {
			sawETag.Store(inm)
			if inm == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
		fmt.Fprint(w, smallICS)
	}))
	t.Cleanup(srv.Close)
	cache := t.TempDir()
	src := &HTTPSource{URL: srv.URL + "/cal.ics?token=secret", CacheDir: cache, Timeout: time.Second}

	raws, err := src.Fetch(context.Background())
	if err != nil || len(raws) != 1 || string(raws[0].Data) != smallICS || raws[0].Warning != "" {
		t.Fatalf("first fetch: %v %+v", err, raws)
	}
	if strings.Contains(raws[0].Source, "secret") {
		t.Errorf("source name %q leaks the token", raws[0].Source)
	}
	raws, err = src.Fetch(context.Background())
	if err != nil || string(raws[0].Data) != smallICS {
		t.Fatalf("conditional fetch: %v", err)
	}
	if got := sawETag.Load().(string); got != `"v1"` {
		t.Errorf("If-None-Match sent = %q, want \"v1\"", got)
	}
	fail.Store(true)
	raws, err = src.Fetch(context.Background())
	if err != nil {
		t.Fatalf("fetch with server down and a cache: %v", err)
	}
	if string(raws[0].Data) != smallICS || !strings.Contains(raws[0].Warning, "502") {
		t.Errorf("fallback = %q warning %q", raws[0].Data, raws[0].Warning)
	}
	res, err := Expand(raws, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 6, 0, 0, 0, 0, time.UTC), Options{Location: time.UTC})
	if err != nil || len(res.Busy) != 1 || len(res.Warnings) == 0 {
		t.Errorf("expand of cached copy: %v busy=%v warnings=%v", err, res.Busy, res.Warnings)
	}
}

func TestFileSource(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.ics")
	if err := os.WriteFile(p, []byte(smallICS), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		src     FileSource
		wantErr string
	}{
		{name: "reads", src: FileSource{Path: p}},
		{name: "missing", src: FileSource{Path: filepath.Join(dir, "nope.ics")}, wantErr: "nope.ics"},
		{name: "too large", src: FileSource{Path: p, MaxBytes: 10}, wantErr: "larger than 10 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raws, err := tc.src.Fetch(context.Background())
			if tc.wantErr == "" {
				if err != nil || len(raws) != 1 || string(raws[0].Data) != smallICS {
					t.Fatalf("got %v %v", raws, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
}

func TestCalDAVErrors(t *testing.T) {
	for _, code := range []int{http.StatusUnauthorized, http.StatusInternalServerError} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "nope", code)
			}))
			t.Cleanup(srv.Close)
			src := &CalDAVSource{Endpoint: srv.URL, Username: "u", Password: "p", Timeout: time.Second}
			_, err := src.Fetch(context.Background())
			if err == nil || !strings.Contains(err.Error(), fmt.Sprint(code)) || !strings.Contains(err.Error(), "CalDAV") {
				t.Fatalf("error %v, want a CalDAV error with %d", err, code)
			}
		})
	}
}

// startRadicale runs Debian's radicale on a free loopback port with temporary storage.
func startRadicale(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("radicale")
	requireTool(t, err == nil, "radicale", "apt-get install radicale")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	cmd := exec.Command(bin, "--server-hosts", addr, "--auth-type", "none", "--storage-filesystem-folder", filepath.Join(dir, "collections"))
	cmd.Env = append(os.Environ(), "HOME="+dir)
	logf, err := os.Create(filepath.Join(dir, "radicale.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting radicale: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logf.Close()
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "radicale.log"))
			t.Fatalf("radicale did not listen on %s: %s", addr, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return "http://" + addr
}

func davRequest(t *testing.T, method, url, ctype, body string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("tidbit", "x")
	req.Header.Set("Content-Type", ctype)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %s", method, url, resp.Status)
	}
}

func vevent(body string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tidbit//test//EN\r\n" + body + "END:VCALENDAR\r\n"
}

const berlinTZ = "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"

func TestCalDAVAgainstRadicale(t *testing.T) {
	base := startRadicale(t)
	davRequest(t, "MKCOL", base+"/tidbit/work/", "application/xml", `<?xml version="1.0" encoding="utf-8"?>
<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>
<D:resourcetype><D:collection/><C:calendar/></D:resourcetype><D:displayname>Work</D:displayname>
<C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set>
</D:prop></D:set></D:mkcol>`)
	put := func(name, body string) {
		davRequest(t, "PUT", base+"/tidbit/work/"+name, "text/calendar", vevent(body))
	}
	put("single.ics", "BEGIN:VEVENT\r\nUID:single\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260302T090000Z\r\nDTEND:20260302T100000Z\r\nSUMMARY:Review\r\nEND:VEVENT\r\n")
	// Weekly since January, with a moved occurrence and an EXDATE, on Berlin wall-clock time.
	put("weekly.ics", berlinTZ+
		"BEGIN:VEVENT\r\nUID:weekly\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20260105T140000\r\nDTEND;TZID=Europe/Berlin:20260105T143000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO\r\nEXDATE;TZID=Europe/Berlin:20260309T140000\r\nSUMMARY:Team sync\r\nEND:VEVENT\r\n"+
		"BEGIN:VEVENT\r\nUID:weekly\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID;TZID=Europe/Berlin:20260302T140000\r\nDTSTART;TZID=Europe/Berlin:20260303T160000\r\nDTEND;TZID=Europe/Berlin:20260303T163000\r\nSEQUENCE:1\r\nSUMMARY:Team sync (moved)\r\nEND:VEVENT\r\n")
	put("declined.ics", "BEGIN:VEVENT\r\nUID:declined\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260304T120000Z\r\nDTEND:20260304T130000Z\r\nSUMMARY:Optional talk\r\nATTENDEE;PARTSTAT=DECLINED:mailto:Me@Example.org\r\nEND:VEVENT\r\n")
	put("later.ics", "BEGIN:VEVENT\r\nUID:later\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260601T090000Z\r\nDTEND:20260601T100000Z\r\nSUMMARY:Far away\r\nEND:VEVENT\r\n")

	from := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	to := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	src := &CalDAVSource{Endpoint: base + "/", Username: "tidbit", Password: "x", Timeout: 10 * time.Second}
	res, err := Report(context.Background(), src, from, to, ReportOptions{Options: Options{Location: time.UTC, Addresses: []string{"me@example.org"}}})
	if err != nil {
		t.Fatalf("report: %v", err)
	}
	var got []string
	for _, b := range res.Busy {
		got = append(got, b.Start.UTC().Format("01-02T15:04")+"/"+b.End.UTC().Format("15:04"))
	}
	// Berlin is UTC+1 until 29 March: 14:00 local is 13:00Z. 2 March moved to 3 March
	// 16:00 (15:00Z); 9 March excluded.
	want := []string{"03-02T09:00/10:00", "03-03T15:00/15:30"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("busy = %v, want %v (skipped %+v, warnings %v)", got, want, res.Skipped, res.Warnings)
	}
	declined := false
	for _, s := range res.Skipped {
		if s.Event == "Optional talk" && strings.Contains(s.Reason, "declined") {
			declined = true
		}
	}
	if !declined {
		t.Errorf("declined event not reported as skipped: %+v", res.Skipped)
	}

	t.Run("calendar filter by name", func(t *testing.T) {
		src := &CalDAVSource{Endpoint: base + "/", Username: "tidbit", Password: "x", Calendars: []string{"Nope"}}
		if _, err := src.FetchRange(context.Background(), from, to); err == nil || !strings.Contains(err.Error(), "Nope") {
			t.Errorf("error = %v, want one naming the missing calendar", err)
		}
		src.Calendars = []string{"work"}
		raws, err := src.FetchRange(context.Background(), from, to)
		if err != nil || len(raws) == 0 {
			t.Errorf("by display name (case-insensitive): %v, %d objects", err, len(raws))
		}
	})
}

// TestCalDAVMalformedData: go-webdav decodes calendar-data with go-ical's decoder,
// which panics on some malformed lines; the source must turn that into an error.
func TestCalDAVMalformedData(t *testing.T) {
	const propfind = `<?xml version="1.0" encoding="utf-8"?>
<D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:response><D:href>%s</D:href><D:propstat><D:prop>
<D:current-user-principal><D:href>/p/</D:href></D:current-user-principal>
<C:calendar-home-set><D:href>/cals/</D:href></C:calendar-home-set>
<D:resourcetype><D:collection/><C:calendar/></D:resourcetype><D:displayname>Work</D:displayname>
<C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set>
</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>`
	const report = `<?xml version="1.0" encoding="utf-8"?>
<D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:response><D:href>/cals/a.ics</D:href><D:propstat><D:prop>
<D:getetag>"1"</D:getetag><C:calendar-data>BEGIN:VCALENDAR
X;A=b
END:VCALENDAR
</C:calendar-data></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		w.WriteHeader(http.StatusMultiStatus)
		if r.Method == "REPORT" {
			fmt.Fprint(w, report)
			return
		}
		fmt.Fprintf(w, propfind, r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	src := &CalDAVSource{Endpoint: srv.URL + "/", Timeout: 5 * time.Second}
	raws, err := src.Fetch(context.Background())
	if err == nil || !strings.Contains(err.Error(), "unreadable calendar data") {
		t.Fatalf("got %d calendars and error %v; want the recovered decoder panic", len(raws), err)
	}
}
