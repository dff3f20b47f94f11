package xapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tidbit-learn/tidbit/app/store"
)

// fakeLRS stores what it accepts; answer decides the reply to a batch
// (status 0 means accept).
type fakeLRS struct {
	t      *testing.T
	mu     sync.Mutex
	posts  int
	stored map[string]int // id → times stored
	answer func(w http.ResponseWriter, r *http.Request, ids []string) int
}

func (f *fakeLRS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/xAPI/statements" {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if v := r.Header.Get("X-Experience-API-Version"); v != Version {
		f.t.Errorf("X-Experience-API-Version = %q", v)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		f.t.Errorf("Content-Type = %q", ct)
	}
	if u, p, ok := r.BasicAuth(); !ok || u != "learner-key" || p != "s3cret-pa55" {
		f.t.Errorf("basic auth = %q, %q, %v", u, p, ok)
	}
	var sts []Statement
	if err := json.NewDecoder(r.Body).Decode(&sts); err != nil {
		f.t.Errorf("the body is not a JSON array of statements: %v", err)
		http.Error(w, `{"message":"bad JSON"}`, http.StatusBadRequest)
		return
	}
	ids := make([]string, len(sts))
	for i, s := range sts {
		ids[i] = s.ID
	}
	f.mu.Lock()
	f.posts++
	answer := f.answer
	f.mu.Unlock()
	if answer != nil {
		if code := answer(w, r, ids); code != 0 {
			return
		}
	}
	f.mu.Lock()
	for _, id := range ids {
		f.stored[id]++
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(ids)
}

func (f *fakeLRS) counts() (posts int, stored map[string]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.posts, maps(f.stored)
}

func maps(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func reply(w http.ResponseWriter, status int, body string) int {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
	return status
}

// senderEnv is a store with queued statements, a clock and a sender
// pointed at endpoint.
type senderEnv struct {
	st    *store.Store
	clk   *clock
	s     *Sender
	ids   []string // every queued statement id
	rands []float64
}

func newSenderEnv(t *testing.T, endpoint string, attempts int) *senderEnv {
	t.Helper()
	clk := &clock{t: t0}
	st := openStore(t, clk.Now)
	ctx := context.Background()
	if err := Save(ctx, st, testConfig(endpoint)); err != nil {
		t.Fatal(err)
	}
	rec, err := LoadRecorder(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	e := &senderEnv{st: st, clk: clk}
	for i := range attempts {
		e.ids = append(e.ids, recordAttempt(t, st, rec, uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "att-%d", i)).String(),
			t0.Add(time.Duration(i)*time.Minute), i%2 == 0)...)
	}
	e.s = &Sender{Store: st, Now: clk.Now, Rand: func() float64 { return 0.5 }, BatchSize: 4, Timeout: 300 * time.Millisecond}
	return e
}

// noneLost checks that every statement is either stored by the LRS once or
// still waiting in the outbox, never both, never twice.
func (e *senderEnv) noneLost(t *testing.T, stored map[string]int) {
	t.Helper()
	waiting := map[string]bool{}
	for _, it := range pending(t, e.st) {
		waiting[it.ID] = true
	}
	for _, id := range e.ids {
		switch {
		case stored[id] > 1:
			t.Errorf("statement %s stored %d times", id, stored[id])
		case stored[id] == 1 && waiting[id]:
			t.Errorf("statement %s was stored but is still waiting", id)
		case stored[id] == 0 && !waiting[id]:
			t.Errorf("statement %s was lost: neither stored nor waiting", id)
		}
	}
}

func TestFlush(t *testing.T) {
	const attempts = 3 // 15 statements, 4 per batch
	cases := []struct {
		name   string
		answer func(bad string) func(http.ResponseWriter, *http.Request, []string) int
		// want after the first flush
		wantSent, wantRefused, wantPending int
		wantErr                            string // in the error and the outbox's last error
		wantLast                           string // in the outbox's last error, when it differs
		wantNext                           time.Duration
		preStored                          bool // the LRS already has the statement answer is given
	}{
		{name: "accepted", wantSent: 15},
		{name: "invalid statement is isolated", answer: func(bad string) func(http.ResponseWriter, *http.Request, []string) int {
			return func(w http.ResponseWriter, r *http.Request, ids []string) int {
				if slices.Contains(ids, bad) {
					return reply(w, 400, `{"errorId":"e1","warnings":["Problem in 'statements.0.result.score.scaled'"]}`)
				}
				return 0
			}
		}, wantSent: 14, wantRefused: 1, wantPending: 1, wantLast: "Problem in 'statements.0.result.score.scaled'",
			wantNext: 4*time.Hour + 30*time.Minute},
		{name: "conflict on a batch is narrowed to the statement", answer: func(bad string) func(http.ResponseWriter, *http.Request, []string) int {
			return func(w http.ResponseWriter, r *http.Request, ids []string) int {
				if slices.Contains(ids, bad) {
					return reply(w, 409, `{"message":"`+bad+` is conflicting"}`)
				}
				return 0
			}
		}, wantSent: 15, preStored: true},
		{name: "credentials refused", answer: func(string) func(http.ResponseWriter, *http.Request, []string) int {
			return func(w http.ResponseWriter, r *http.Request, ids []string) int {
				return reply(w, 401, `{"message":"Unauthorised"}`)
			}
		}, wantPending: 15, wantErr: "check the LRS credentials", wantNext: 11*time.Minute + 15*time.Second},
		{name: "forbidden", answer: func(string) func(http.ResponseWriter, *http.Request, []string) int {
			return func(w http.ResponseWriter, r *http.Request, ids []string) int { return reply(w, 403, `{}`) }
		}, wantPending: 15, wantErr: "check the LRS credentials", wantNext: 11*time.Minute + 15*time.Second},
		{name: "server error", answer: func(string) func(http.ResponseWriter, *http.Request, []string) int {
			return func(w http.ResponseWriter, r *http.Request, ids []string) int {
				return reply(w, 500, "<html><body>Internal\n\tServer Error</body></html>")
			}
		}, wantPending: 15, wantErr: "the LRS is unavailable (HTTP 500): <html><body>Internal Server Error</body></html>",
			wantNext: 22*time.Second + 500*time.Millisecond},
		{name: "overloaded", answer: func(string) func(http.ResponseWriter, *http.Request, []string) int {
			return func(w http.ResponseWriter, r *http.Request, ids []string) int { return reply(w, 429, "slow down") }
		}, wantPending: 15, wantErr: "unavailable (HTTP 429): slow down", wantNext: 22*time.Second + 500*time.Millisecond},
		{name: "hangs", answer: func(string) func(http.ResponseWriter, *http.Request, []string) int {
			return func(w http.ResponseWriter, r *http.Request, ids []string) int {
				<-r.Context().Done()
				return 1
			}
		}, wantPending: 15, wantErr: "did not answer within 300ms", wantNext: 22*time.Second + 500*time.Millisecond},
		{name: "wrong endpoint", answer: func(string) func(http.ResponseWriter, *http.Request, []string) int {
			return func(w http.ResponseWriter, r *http.Request, ids []string) int { return reply(w, 404, "Cannot POST") }
		}, wantPending: 15, wantErr: "check the endpoint", wantNext: 11*time.Minute + 15*time.Second},
		{name: "redirect", answer: func(string) func(http.ResponseWriter, *http.Request, []string) int {
			return func(w http.ResponseWriter, r *http.Request, ids []string) int {
				w.Header().Set("Location", "http://lrs.example.com/xAPI/statements")
				w.WriteHeader(http.StatusFound)
				return 302
			}
		}, wantPending: 15, wantErr: "redirects (HTTP 302)", wantNext: 11*time.Minute + 15*time.Second},
		{name: "password echoed back is redacted", answer: func(string) func(http.ResponseWriter, *http.Request, []string) int {
			return func(w http.ResponseWriter, r *http.Request, ids []string) int {
				auth, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(r.Header.Get("Authorization"), "Basic "))
				return reply(w, 500, `{"message":"bad credentials `+string(auth)+`"}`)
			}
		}, wantPending: 15, wantErr: "bad credentials learner-key:***", wantNext: 22*time.Second + 500*time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lrs := &fakeLRS{t: t, stored: map[string]int{}}
			srv := httptest.NewServer(lrs)
			t.Cleanup(srv.Close)
			e := newSenderEnv(t, srv.URL+"/xAPI/", attempts)
			if tc.answer != nil {
				lrs.answer = tc.answer(e.ids[7])
			}
			if tc.preStored {
				lrs.stored[e.ids[7]] = 1
			}
			ctx := context.Background()
			res, err := e.s.Flush(ctx)
			if tc.wantErr == "" && err != nil {
				t.Fatalf("Flush: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("Flush error = %v, want one containing %q", err, tc.wantErr)
			}
			if res.Sent != tc.wantSent || res.Refused != tc.wantRefused {
				t.Fatalf("Flush = %+v, want %d sent, %d refused", res, tc.wantSent, tc.wantRefused)
			}
			n, last, err := e.st.OutboxStatus(ctx)
			if err != nil || n != tc.wantPending {
				t.Fatalf("OutboxStatus = %d, %q, %v; want %d pending", n, last, err, tc.wantPending)
			}
			wantLast := tc.wantErr + tc.wantLast
			if !strings.Contains(last, wantLast) || strings.Contains(last, "s3cret-pa55") {
				t.Fatalf("last error %q, want it to contain %q and never the password", last, wantLast)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret-pa55") {
				t.Fatalf("the error shows the password: %v", err)
			}
			posts, stored := lrs.counts()
			e.noneLost(t, stored)
			if tc.wantNext > 0 {
				next := t0.Add(365 * 24 * time.Hour)
				for _, it := range pending(t, e.st) {
					if it.LastError != "" && it.NextTryAt.Before(next) {
						next = it.NextTryAt
					}
				}
				if got := next.Sub(t0); got != tc.wantNext {
					t.Fatalf("next try after %v, want %v", got, tc.wantNext)
				}
			}
			// A second flush right away tries nothing that failed: a
			// refused statement waits for its long backoff, a failing LRS
			// holds the sender.
			res, _ = e.s.Flush(ctx)
			if posts2, _ := lrs.counts(); posts2 != posts || res.Sent != 0 {
				t.Fatalf("a second flush right away made %d more requests, sent %d", posts2-posts, res.Sent)
			}
			// Once the LRS works again and the wait is over, everything
			// but a refused statement goes out, once.
			lrs.mu.Lock()
			if tc.wantRefused == 0 {
				lrs.answer = nil
			}
			lrs.mu.Unlock()
			e.clk.Add(7 * time.Hour)
			if _, err := e.s.Flush(ctx); err != nil {
				t.Fatalf("Flush after recovery: %v", err)
			}
			_, stored = lrs.counts()
			e.noneLost(t, stored)
			if n, _, _ := e.st.OutboxStatus(ctx); n != tc.wantRefused {
				t.Fatalf("after recovery %d statements wait, want %d", n, tc.wantRefused)
			}
		})
	}
}

// TestFlushConnectionRefused: nothing listens on the endpoint's port.
func TestFlushConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	e := newSenderEnv(t, "http://"+addr+"/xAPI/", 1)
	_, err = e.s.Flush(context.Background())
	if err == nil || !strings.Contains(err.Error(), "cannot reach the LRS at "+addr) {
		t.Fatalf("Flush = %v, want a connection error naming %s", err, addr)
	}
	n, last, _ := e.st.OutboxStatus(context.Background())
	if n != len(e.ids) || !strings.Contains(last, "cannot reach the LRS") {
		t.Fatalf("OutboxStatus = %d, %q; want all %d waiting with the reason", n, last, len(e.ids))
	}
}

// TestFlushNotConfigured: without an LRS the outbox is left alone.
func TestFlushNotConfigured(t *testing.T) {
	lrs := &fakeLRS{t: t, stored: map[string]int{}}
	srv := httptest.NewServer(lrs)
	t.Cleanup(srv.Close)
	e := newSenderEnv(t, srv.URL+"/xAPI/", 1)
	if err := Disable(context.Background(), e.st); err != nil {
		t.Fatal(err)
	}
	res, err := e.s.Flush(context.Background())
	if err != nil || res.Sent != 0 {
		t.Fatalf("Flush without configuration = %+v, %v", res, err)
	}
	if posts, _ := lrs.counts(); posts != 0 {
		t.Fatalf("%d requests without configuration", posts)
	}
	if n := len(pending(t, e.st)); n != len(e.ids) {
		t.Fatalf("%d statements waiting, want %d", n, len(e.ids))
	}
}

// TestFlushRefusesPlainHTTP: an http endpoint on another host, edited into
// the settings by hand, is refused before any connection.
func TestFlushRefusesPlainHTTP(t *testing.T) {
	e := newSenderEnv(t, "https://lrs.example.com/xAPI/", 1)
	if err := e.st.SetSetting(context.Background(), SettingKey, testConfig("http://lrs.example.com/xAPI/")); err != nil {
		t.Fatal(err)
	}
	dialed := false
	e.s.Client = &http.Client{Transport: roundTripper(func(*http.Request) (*http.Response, error) {
		dialed = true
		return nil, fmt.Errorf("no network in tests")
	})}
	_, err := e.s.Flush(context.Background())
	if err == nil || !strings.Contains(err.Error(), "refusing plain http to lrs.example.com") || dialed {
		t.Fatalf("Flush = %v (dialed %v), want a refusal before any request", err, dialed)
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestBackoff(t *testing.T) {
	cases := []struct {
		name  string
		b     backoff
		tries int
		rnd   float64
		want  time.Duration
	}{
		{"first, no jitter", transientBackoff, 0, 0, 15 * time.Second},
		{"first, full jitter", transientBackoff, 0, 1, 30 * time.Second},
		{"doubles", transientBackoff, 3, 1, 4 * time.Minute},
		{"capped", transientBackoff, 40, 1, 6 * time.Hour},
		{"capped, huge tries", transientBackoff, 1 << 30, 0, 3 * time.Hour},
		{"invalid statement waits long", invalidBackoff, 0, 0, 3 * time.Hour},
		{"invalid statement cap", invalidBackoff, 10, 1, 7 * 24 * time.Hour},
		{"credentials", authBackoff, 1, 1, 30 * time.Minute},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.b.after(tc.tries, tc.rnd); got != tc.want {
				t.Fatalf("after(%d, %v) = %v, want %v", tc.tries, tc.rnd, got, tc.want)
			}
		})
	}
}

var lrsMessageCases = []struct {
	name, body, want string
}{
	{"learning locker warnings", `{"errorId":"x","warnings":["Missing required value in 'statements.0.actor'","Problem in 'statements.0.id'"]}`,
		"Missing required value in 'statements.0.actor'; Problem in 'statements.0.id'"},
	{"message", `{"errorId":"x","message":"abc is conflicting"}`, "abc is conflicting"},
	{"nested errors", `{"errors":[{"message":"one"},{"detail":"two"},3]}`, "one; two"},
	{"plain text", "Bad Request\r\n\x1b[31mred\x1b[0m", "Bad Request [31mred [0m"},
	{"empty", "", ""},
	{"json without text", `{"code":400}`, `{"code":400}`},
	{"invalid utf-8", "bad \xff byte", "bad \uFFFD byte"},
	{"long", strings.Repeat("é", 1000), strings.Repeat("é", maxMessage-1) + "…"},
}

func TestLRSMessage(t *testing.T) {
	for _, tc := range lrsMessageCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := LRSMessage([]byte(tc.body)); got != tc.want {
				t.Fatalf("LRSMessage(%q) = %q, want %q", tc.body, got, tc.want)
			}
		})
	}
}

// FuzzLRSMessage: any body gives one printable line of bounded length.
func FuzzLRSMessage(f *testing.F) {
	for _, tc := range lrsMessageCases {
		f.Add([]byte(tc.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got := LRSMessage(body)
		if n := len([]rune(got)); n > maxMessage {
			t.Fatalf("message of %d runes", n)
		}
		if strings.ContainsAny(got, "\r\n\t\x00\x1b") {
			t.Fatalf("message has control characters: %q", got)
		}
		if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") {
			t.Fatalf("message has outer spaces: %q", got)
		}
	})
}
