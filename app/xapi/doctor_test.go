package xapi

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/doctor"
	"github.com/tidbit-learn/tidbit/app/store"
)

func TestCheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/xAPI/about":
			if r.Header.Get("Authorization") != "" {
				t.Errorf("the doctor sent credentials to about")
			}
			w.Write([]byte(`{"version":["1.0.3"]}`))
		case "/xAPI/statements":
			w.WriteHeader(http.StatusUnauthorized)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String() + "/xAPI/"
	l.Close()
	ctx := context.Background()
	cases := []struct {
		name       string
		setup      func(t *testing.T) *store.Store
		wantStatus doctor.Status
		want       []string // in Detail
		wantFix    string
	}{
		{"no database", func(t *testing.T) *store.Store { return nil }, doctor.Warn, []string{"database is not available"}, ""},
		{"not configured", func(t *testing.T) *store.Store { return openStore(t, nil) }, doctor.OK,
			[]string{"no LRS configured: nothing is recorded or sent"}, ""},
		{"not configured, statements from before", func(t *testing.T) *store.Store {
			st := openStore(t, nil)
			st.Enqueue(ctx, store.OutboxItem{ID: "x", Kind: OutboxKind, Payload: "{}"})
			return st
		}, doctor.Warn, []string{"holds 1 unsent statement(s) from before"}, "tidbit xapi set"},
		{"plain http to another host", func(t *testing.T) *store.Store {
			st := openStore(t, nil)
			st.SetSetting(ctx, SettingKey, testConfig("http://lrs.example.com/xAPI/"))
			return st
		}, doctor.Fail, []string{"refusing plain http to lrs.example.com"}, "https endpoint"},
		{"configured and reachable", func(t *testing.T) *store.Store {
			e := newSenderEnv(t, srv.URL+"/xAPI/", 1)
			return e.st
		}, doctor.OK, []string{srv.URL + "/xAPI/", "5 statements wait in the outbox"}, ""},
		{"credentials refused", func(t *testing.T) *store.Store {
			e := newSenderEnv(t, srv.URL+"/xAPI/", 1)
			e.s.Flush(ctx)
			return e.st
		}, doctor.Warn, []string{"5 statements wait", "last error: the LRS refused the credentials (HTTP 401)"}, "username and password"},
		{"unreachable", func(t *testing.T) *store.Store {
			return newSenderEnv(t, closed, 1).st
		}, doctor.Warn, []string{"cannot reach the LRS"}, "LRS is running"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := tc.setup(t)
			rs := doctor.Run(ctx, []doctor.Check{Check(st, nil)}, 5*time.Second)
			r := rs[0]
			if r.Status != tc.wantStatus {
				t.Fatalf("status %s, want %s: %+v", r.Status, tc.wantStatus, r)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.Detail, w) {
					t.Fatalf("detail %q lacks %q", r.Detail, w)
				}
			}
			if !strings.Contains(r.Fix, tc.wantFix) {
				t.Fatalf("fix %q lacks %q", r.Fix, tc.wantFix)
			}
			if strings.Contains(r.Detail+r.Fix, "s3cret-pa55") {
				t.Fatalf("the doctor shows the password: %+v", r)
			}
		})
	}
}
