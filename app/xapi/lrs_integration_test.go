package xapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// realLRS is Learning Locker's statement service (npm xapi-statements,
// installed by .ci/lrs.sh into $TIDBIT_LRS_DIR) with its own redis-server,
// both on 127.0.0.1 and random ports, models in memory. Restarting it keeps
// the port and loses what it stored.
type realLRS struct {
	t         *testing.T
	dir       string
	redisPort int
	port      int
	work      string
	mu        sync.Mutex
	node      *exec.Cmd
	logs      bytes.Buffer
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startLRS starts redis and the LRS, or skips (fails in CI) when they are
// not installed.
func startLRS(t *testing.T) *realLRS {
	t.Helper()
	dir := os.Getenv("TIDBIT_LRS_DIR")
	_, statErr := os.Stat(filepath.Join(dir, "dist", "index.js"))
	needProgram(t, "the xapi-statements LRS (TIDBIT_LRS_DIR)", "run `export TIDBIT_LRS_DIR=$(.ci/lrs.sh)` (needs npm)",
		dir != "" && statErr == nil)
	needProgram(t, "redis-server", "apt-get install redis-server", lookPath("redis-server"))
	needProgram(t, "node", "apt-get install nodejs (>= 20)", lookPath("node"))
	l := &realLRS{t: t, dir: dir, redisPort: freePort(t), port: freePort(t), work: t.TempDir()}
	redis := exec.Command("redis-server", "--port", strconv.Itoa(l.redisPort), "--bind", "127.0.0.1", "--save", "",
		"--appendonly", "no", "--dir", l.work)
	redis.Stdout, redis.Stderr = &lockedWriter{l}, &lockedWriter{l}
	if err := redis.Start(); err != nil {
		t.Fatalf("starting redis-server: %v", err)
	}
	t.Cleanup(func() {
		redis.Process.Kill()
		redis.Wait()
	})
	waitFor(t, "redis-server", func() bool {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(l.redisPort), 200*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	t.Cleanup(func() {
		l.kill()
		if t.Failed() {
			l.mu.Lock()
			t.Logf("LRS and redis output:\n%s", l.logs.String())
			l.mu.Unlock()
		}
	})
	l.start()
	return l
}

func (l *realLRS) base() string { return "http://127.0.0.1:" + strconv.Itoa(l.port) + "/xAPI/" }

// start runs the LRS and waits until it answers.
func (l *realLRS) start() {
	t := l.t
	t.Helper()
	cmd := exec.Command("node", filepath.Join(l.dir, "dist", "index.js"))
	cmd.Dir = l.work // it writes access logs under ./storage
	cmd.Env = append(os.Environ(), "EXPRESS_PORT="+strconv.Itoa(l.port), "AUTH_REPO=test", "MODELS_REPO=memory",
		"STORAGE_REPO=memory", "REDIS_URL=redis://127.0.0.1:"+strconv.Itoa(l.redisPort)+"/0", "LANG=en",
		"WINSTON_CONSOLE_LEVEL=warn", "EXPRESS_MORGAN_DIRECTORY="+filepath.Join(l.work, "access"),
		"FS_LOCAL_STORAGE_DIR="+filepath.Join(l.work, "storage"))
	cmd.Stdout, cmd.Stderr = &lockedWriter{l}, &lockedWriter{l}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the LRS: %v", err)
	}
	l.mu.Lock()
	l.node = cmd
	l.mu.Unlock()
	waitFor(t, "the LRS", func() bool {
		resp, err := http.Get(l.base() + "about")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// kill ends the LRS at once (SIGKILL by PID), as a crash would.
func (l *realLRS) kill() {
	l.mu.Lock()
	cmd := l.node
	l.node = nil
	l.mu.Unlock()
	if cmd != nil {
		cmd.Process.Kill()
		cmd.Wait()
	}
}

type lockedWriter struct{ l *realLRS }

func (w *lockedWriter) Write(b []byte) (int, error) {
	w.l.mu.Lock()
	defer w.l.mu.Unlock()
	return w.l.logs.Write(b)
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not start within 60 s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// statements reads back every statement the LRS holds, following "more".
func (l *realLRS) statements(t *testing.T) []json.RawMessage {
	t.Helper()
	var out []json.RawMessage
	next := l.base() + "statements?limit=100&format=exact"
	for pages := 0; next != "" && pages < 100; pages++ {
		req, _ := http.NewRequest(http.MethodGet, next, nil)
		req.Header.Set("X-Experience-API-Version", Version)
		req.SetBasicAuth("learner-key", "s3cret-pa55")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("reading statements back: %v", err)
		}
		var page struct {
			Statements []json.RawMessage `json:"statements"`
			More       string            `json:"more"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("reading statements back: HTTP %d, %v", resp.StatusCode, err)
		}
		out = append(out, page.Statements...)
		next = ""
		if page.More != "" {
			next = "http://127.0.0.1:" + strconv.Itoa(l.port) + page.More
		}
	}
	return out
}

// idCounts counts the statements per id.
func idCounts(t *testing.T, raw []json.RawMessage) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, r := range raw {
		var s struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(r, &s); err != nil {
			t.Fatal(err)
		}
		out[s.ID]++
	}
	return out
}

// TestRealLRS: statements arrive once each and are accepted as valid by a
// real LRS; a resend (response lost) stores nothing twice; killing the LRS
// in the middle of a batch and restarting it loses and duplicates nothing.
func TestRealLRS(t *testing.T) {
	lrs := startLRS(t)
	ctx := context.Background()

	// The sender talks to the LRS through a proxy that can lose a
	// response, or kill the LRS, after forwarding a given request.
	var mu sync.Mutex
	posts := 0
	var afterForward func(n int) (drop bool)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		posts++
		n, hook := posts, afterForward
		mu.Unlock()
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, "http://127.0.0.1:"+strconv.Itoa(lrs.port)+r.URL.RequestURI(),
			bytes.NewReader(body))
		req.Header = r.Header.Clone()
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		rb, _ := io.ReadAll(resp.Body)
		if hook != nil && hook(n) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close() // the answer never reaches Tidbit
			}
			return
		}
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		w.Write(rb)
	}))
	t.Cleanup(proxy.Close)
	setHook := func(h func(int) bool) {
		mu.Lock()
		posts, afterForward = 0, h
		mu.Unlock()
	}

	e := newSenderEnv(t, proxy.URL+"/xAPI/", 0)
	e.s.Timeout = 30 * time.Second
	e.s.BatchSize = 5
	rec, err := LoadRecorder(ctx, e.st)
	if err != nil {
		t.Fatal(err)
	}
	record := func(n int) []string {
		var ids []string
		for range n {
			ids = append(ids, recordAttempt(t, e.st, rec, uuid.NewString(), e.clk.Now(), len(ids)%2 == 0)...)
		}
		return ids
	}

	t.Run("accepted once each", func(t *testing.T) {
		ids := record(2)
		// A self-graded review is a likert interaction the LRS must take.
		recordReview(t, e.st, rec, uuid.NewString(), e.clk.Now(), 2)
		if err := rec.EnqueueMastered(ctx, e.st, "active-listening", "Active listening", 0.93, "", e.clk.Now()); err != nil {
			t.Fatal(err)
		}
		queued := pending(t, e.st)
		ids = outboxItemIDs(queued)
		res, err := e.s.Flush(ctx)
		if err != nil || res.Sent != len(ids) || res.Refused != 0 {
			t.Fatalf("Flush = %+v, %v; want all %d accepted", res, err, len(ids))
		}
		got := lrs.statements(t)
		counts := idCounts(t, got)
		for _, id := range ids {
			if counts[id] != 1 {
				t.Errorf("statement %s stored %d times", id, counts[id])
			}
		}
		if len(got) != len(ids) {
			t.Fatalf("the LRS holds %d statements, want %d", len(got), len(ids))
		}
		// What the LRS gives back is what was sent.
		byID := map[string]json.RawMessage{}
		for _, r := range got {
			var s Statement
			json.Unmarshal(r, &s)
			byID[s.ID] = r
		}
		for _, it := range queued {
			var sent, back Statement
			if err := json.Unmarshal([]byte(it.Payload), &sent); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(byID[it.ID], &back); err != nil {
				t.Fatal(err)
			}
			if a, b := mustJSON(t, sent), mustJSON(t, back); a != b {
				t.Fatalf("statement %s came back different:\nsent %s\nback %s", it.ID, a, b)
			}
		}
		// Sending them all again (as after a crash before MarkSent) is
		// accepted and stores nothing twice: the ids are fixed.
		cfg, _, _ := Load(ctx, e.st)
		status, msg, err := e.s.post(ctx, cfg, queued)
		if err != nil || status != http.StatusOK {
			t.Fatalf("resend: HTTP %d %q %v", status, msg, err)
		}
		if n := len(lrs.statements(t)); n != len(ids) {
			t.Fatalf("after a resend the LRS holds %d statements, want %d", n, len(ids))
		}
	})

	t.Run("lost response is resent without duplicates", func(t *testing.T) {
		before := len(lrs.statements(t))
		ids := record(3) // 15 statements, 3 batches
		setHook(func(n int) bool { return n == 2 })
		res, err := e.s.Flush(ctx)
		if err == nil || res.Sent != 5 {
			t.Fatalf("Flush with a lost response = %+v, %v; want 5 sent and an error", res, err)
		}
		setHook(nil)
		e.clk.Add(time.Hour)
		res, err = e.s.Flush(ctx)
		if err != nil || res.Sent != 10 {
			t.Fatalf("Flush after = %+v, %v; want the 10 others sent", res, err)
		}
		counts := idCounts(t, lrs.statements(t))
		for _, id := range ids {
			if counts[id] != 1 {
				t.Errorf("statement %s stored %d times, want once", id, counts[id])
			}
		}
		if total := len(lrs.statements(t)); total != before+len(ids) {
			t.Fatalf("the LRS holds %d statements, want %d", total, before+len(ids))
		}
	})

	t.Run("killed mid-batch and restarted", func(t *testing.T) {
		ids := record(3)                       // 15 statements, 3 batches
		killed := make(chan map[string]int, 1) // what the LRS held when it was killed
		setHook(func(n int) bool {
			if n != 2 {
				return false
			}
			// The LRS stored the second batch; it dies before Tidbit
			// hears back.
			killed <- idCounts(t, lrs.statements(t))
			lrs.kill()
			return true
		})
		res, err := e.s.Flush(ctx)
		if err == nil || res.Sent != 5 {
			t.Fatalf("Flush with the LRS killed = %+v, %v; want 5 sent and an error", res, err)
		}
		beforeKill := <-killed
		n, last, _ := e.st.OutboxStatus(ctx)
		if n != 10 || last == "" {
			t.Fatalf("after the kill %d statements wait (last error %q), want 10 with a reason", n, last)
		}
		waiting := map[string]bool{}
		for _, it := range pending(t, e.st) {
			waiting[it.ID] = true
		}
		storedUnacked := 0
		for id := range waiting {
			storedUnacked += beforeKill[id]
		}
		if storedUnacked != 5 {
			t.Fatalf("the killed LRS had stored %d of the waiting statements, want the 5 of the batch in flight", storedUnacked)
		}
		// While it is down, a later flush fails and keeps everything.
		setHook(nil)
		e.clk.Add(time.Hour)
		if _, err := e.s.Flush(ctx); err == nil {
			t.Fatalf("Flush with the LRS down succeeded")
		}
		if n, _, _ := e.st.OutboxStatus(ctx); n != 10 {
			t.Fatalf("with the LRS down %d statements wait, want 10", n)
		}
		lrs.start() // a fresh LRS: it holds nothing
		e.clk.Add(time.Hour)
		res, err = e.s.Flush(ctx)
		if err != nil || res.Sent != 10 {
			t.Fatalf("Flush after the restart = %+v, %v; want the 10 waiting sent", res, err)
		}
		after := idCounts(t, lrs.statements(t))
		for _, id := range ids {
			switch {
			case !waiting[id]: // acknowledged before the kill: not sent again
				if beforeKill[id] != 1 || after[id] != 0 {
					t.Errorf("acknowledged statement %s: %d before the kill, %d after the restart; want 1, 0", id, beforeKill[id], after[id])
				}
			default: // unacknowledged or not yet sent: sent to the new LRS, once
				if after[id] != 1 {
					t.Errorf("statement %s is in the restarted LRS %d times, want once", id, after[id])
				}
			}
		}
		if len(after) != 10 {
			t.Fatalf("the restarted LRS holds %d statements, want 10", len(after))
		}
		if n, _, _ := e.st.OutboxStatus(ctx); n != 0 {
			t.Fatalf("%d statements still wait", n)
		}
	})

	t.Run("invalid statement refused, others accepted", func(t *testing.T) {
		ids := record(1)
		// A statement the LRS must refuse: score outside [-1, 1].
		bad := StatementID(Agent{Mbox: "mailto:ada@example.com"}, "test-invalid", "1")
		payload := fmt.Sprintf(`{"id":%q,"actor":{"objectType":"Agent","mbox":"mailto:ada@example.com"},`+
			`"verb":{"id":"http://adlnet.gov/expapi/verbs/answered"},"object":{"objectType":"Activity","id":"https://tidbit.app/xapi/x"},`+
			`"result":{"score":{"scaled":7}}}`, bad)
		if err := e.st.Enqueue(ctx, storeItem(bad, payload)); err != nil {
			t.Fatal(err)
		}
		res, err := e.s.Flush(ctx)
		if err != nil || res.Sent != len(ids) || res.Refused != 1 {
			t.Fatalf("Flush = %+v, %v; want %d sent and 1 refused", res, err, len(ids))
		}
		n, last, _ := e.st.OutboxStatus(ctx)
		if n != 1 || last == "" {
			t.Fatalf("OutboxStatus = %d, %q; want the refused statement waiting with the LRS's reason", n, last)
		}
		t.Logf("the LRS's reason: %s", last)
	})
}
