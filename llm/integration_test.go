package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/tidbit-learn/tidbit/llm/ollamatest"
)

// These tests run a real Ollama server, built by .ci/ollama.sh from the
// module version in go.mod, with a tiny model this package writes. Set
// TIDBIT_OLLAMA_BIN to the binary (export TIDBIT_OLLAMA_BIN=$(.ci/ollama.sh)).

const tinyName = ollamatest.TinyModel

// ollamaServer is the real server (ollamatest.Start) with the tiny model.
type ollamaServer struct{ *ollamatest.Server }

// startOllama starts the server and creates the tiny model; the server is
// stopped by PID when the test ends.
func startOllama(t *testing.T) *ollamaServer {
	t.Helper()
	s := ollamatest.Start(t)
	s.CreateTiny(t)
	return &ollamaServer{s}
}

func (s *ollamaServer) generator() *Generator {
	g := NewGenerator(s.URL, tinyName, nil)
	g.Seed = 42
	g.NumPredict = 1024
	g.Timeout = 3 * time.Minute
	return g
}

func TestOllamaIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test; -short given")
	}
	s := startOllama(t)
	ctx := context.Background()

	t.Run("probe sees the model", func(t *testing.T) {
		st := Probe(ctx, s.URL, tinyName, nil)
		if !st.Reachable || !st.HasModel || st.Version != strings.TrimPrefix(ollamaModVersion(t), "v") {
			t.Errorf("probe: %+v (want version %s)", st, ollamaModVersion(t))
		}
	})

	t.Run("generation end to end", func(t *testing.T) {
		g := s.generator()
		// The raw constrained output first: the grammar and the biased
		// model must give complete JSON; the validators must reject it as
		// content (random letters support nothing in the lesson).
		schema := quizSchema(testLesson)
		body, _ := neutralise(testLesson.Body)
		out, st, err := g.complete(ctx, generationPrompt(testLesson, body, schema), schema, defaultTemp)
		t.Logf("raw output (%v, %d tokens, %.0f tok/s, done %q): %.300s", st.Latency, st.EvalCount, st.TokensPerSecond(), st.DoneReason, out)
		switch {
		case err == nil:
			qs, probs, verr := ValidateQuiz(testLesson, []byte(out))
			if verr != nil {
				t.Logf("rejected whole: %v", verr)
			} else {
				t.Logf("schema-valid; problems: %v", probs)
				for _, q := range qs {
					assertUsable(t, testLesson, q)
				}
			}
			if len(qs) > 0 {
				t.Logf("a random model's question passed validation: %+v", qs)
			}
		case errors.Is(err, ErrTruncated), errors.Is(err, ErrIncompleteStream):
			t.Logf("incomplete output handled: %v", err)
		default:
			t.Fatalf("request failed: %v", err)
		}

		// Then the whole pipeline: whatever the model says, the result is
		// a verified quiz or ErrUseAuthored, never a crash.
		qz, rep, err := g.QuizReport(ctx, testLesson)
		t.Logf("report: %d attempts, %d schema-valid, %d generated, problems %v, verified %d, disagreed %d, err %v",
			rep.Attempts, rep.SchemaValid, rep.Generated, rep.Problems, rep.Verified, rep.Disagreed, err)
		if err != nil {
			if !errors.Is(err, ErrUseAuthored) || len(qz.Questions) != 0 {
				t.Fatalf("err %v with %d questions", err, len(qz.Questions))
			}
			if errors.Is(err, ErrServer) {
				t.Errorf("server fault from a healthy server: %v", err)
			}
		}
		for _, q := range qz.Questions {
			assertUsable(t, testLesson, q)
			if !q.Provenance.Verified || q.Provenance.ModelDigest == "" {
				t.Errorf("provenance %+v", q.Provenance)
			}
		}
		if rep.Attempts < 1 || rep.Attempts > 2 {
			t.Errorf("%d attempts", rep.Attempts)
		}
	})

	t.Run("verification", func(t *testing.T) {
		g := s.generator()
		// The tiny model answers at random (greedily, so the same way for
		// the same prompt); the lesson id changes the question ids and so
		// the option order it sees. Try a few until it agrees with a key,
		// so that a verified question also goes through storage.
		var kept []Question
		var l Lesson
		for k := range 8 {
			l = testLesson
			l.ID = fmt.Sprintf("%s-%d", testLesson.ID, k)
			qs, _, err := ValidateQuiz(l, []byte(quizJSON(goodQuestions())))
			if err != nil || len(qs) != 3 {
				t.Fatalf("fixture: %v", err)
			}
			var rep Report
			body, _ := neutralise(l.Body)
			var disagreed int
			kept, disagreed, err = g.verify(ctx, l, body, qs, &rep)
			t.Logf("%s: verifier kept %d, disagreed %d, err %v, requests %d", l.ID, len(kept), disagreed, err, len(rep.Requests))
			if err != nil {
				if !errors.Is(err, ErrBadOutput) && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrIncompleteStream) {
					t.Fatalf("verification request failed: %v", err)
				}
				continue
			}
			if len(kept)+disagreed != len(qs) {
				t.Errorf("kept %d + disagreed %d != %d", len(kept), disagreed, len(qs))
			}
			if len(kept) > 0 {
				break
			}
		}
		digest, err := g.Digest(ctx)
		if err != nil || digest == "" {
			t.Errorf("digest %q, %v", digest, err)
		}
		if len(kept) == 0 {
			// Deterministic for a given server build and model (greedy
			// decoding); chance alone would agree about 3 times in 8 tries.
			t.Fatal("the tiny model agreed with no key in 8 tries; storage of a verified quiz not exercised")
		}
		// Storage: what the real verifier kept goes to the cache and store
		// and comes back on the next start without asking the model.
		for i := range kept {
			kept[i].Provenance = Provenance{AIWritten: true, Model: g.Model, ModelDigest: digest, PromptVersion: PromptVersion,
				GeneratedAt: time.Now().UTC(), Verified: true}
		}
		cache, store := &memCache{}, &memStore{}
		q := &Queue{Model: tinyName, Cache: cache, Store: store}
		q.finish(ctx, l, result{quiz: Quiz{LessonID: l.ID, LessonHash: l.Hash, Questions: kept}}, time.Minute)
		q2 := &Queue{Maker: &fakeMaker{}, Model: tinyName, Cache: cache}
		q2.Enqueue(ctx, l)
		got, ok := q2.Ready(l.ID)
		if !ok || len(got.Questions) != len(kept) || len(store.saved) != 1 || got.Questions[0].Provenance.ModelDigest != digest {
			t.Errorf("stored quiz not found again: %v %+v", ok, got)
		}
	})

	t.Run("unknown model is a 404", func(t *testing.T) {
		g := s.generator()
		g.Model = "no-such-model"
		_, err := g.Quiz(ctx, testLesson)
		if !errors.Is(err, ErrUseAuthored) || !errors.Is(err, ErrServer) || !strings.Contains(err.Error(), "ollama pull no-such-model") {
			t.Errorf("Quiz: %v", err)
		}
		// Straight to /api/generate: the server's own 404.
		_, _, err = g.complete(ctx, "hi", verifySchema(1), 0)
		var se api.StatusError
		if !errors.As(err, &se) || se.StatusCode != http.StatusNotFound || !strings.Contains(err.Error(), "not pulled") {
			t.Errorf("generate with an unknown model: %v", err)
		}
	})

	t.Run("keep_alive returns the memory", func(t *testing.T) {
		g := s.generator()
		g.KeepAlive = 2 * time.Second
		if _, _, err := g.complete(ctx, "Answer.", verifySchema(1), 0); err != nil && !errors.Is(err, ErrTruncated) {
			t.Fatal(err)
		}
		ps, err := s.Client.ListRunning(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps.Models) != 1 || time.Until(ps.Models[0].ExpiresAt) > 5*time.Second {
			t.Fatalf("right after the request: %+v", ps.Models)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			ps, err := s.Client.ListRunning(ctx)
			if err == nil && len(ps.Models) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("model still loaded 30 s after a 2 s keep_alive: %+v", ps)
			}
			time.Sleep(200 * time.Millisecond)
		}
	})

	t.Run("queue cancelled by activity", func(t *testing.T) {
		g := s.generator()
		m := &signalMaker{g: g, started: make(chan struct{}, 4), done: make(chan error, 4)}
		act := make(chan bool)
		cache, store := &memCache{}, &memStore{}
		q := &Queue{Maker: m, Model: tinyName, Cache: cache, Store: store, Activity: act, Idle: true}
		q.Enqueue(ctx, testLesson)
		runQueue(t, q)
		<-m.started
		start := time.Now()
		act <- true
		err := <-m.done
		if !errors.Is(err, context.Canceled) {
			t.Errorf("in-flight request ended with %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("cancellation took %v", d)
		}
		waitFor(t, "cancel counted", func() bool { return q.Stats().Cancelled == 1 })
		if s := q.Stats(); s.Pending != 1 {
			t.Errorf("lesson not kept for later: %+v", s)
		}
		// Idle again: the job runs to the end, and whatever it gives, no
		// unverified question reaches the cache or the store.
		act <- false
		<-m.started
		err = <-m.done
		waitFor(t, "job finished", func() bool { s := q.Stats(); return s.Prepared+s.Failed == 1 })
		if err != nil {
			if len(store.saved) != 0 || len(cache.m) != 0 {
				t.Errorf("a failed quiz was stored: %v / %v", store.saved, cache.m)
			}
		} else {
			for _, qz := range store.saved {
				for _, x := range qz.Questions {
					if !x.Provenance.Verified {
						t.Errorf("unverified question stored: %+v", x)
					}
				}
			}
		}
	})
}

// signalMaker reports when each job starts and how it ended.
type signalMaker struct {
	g       *Generator
	started chan struct{}
	done    chan error
}

func (m *signalMaker) Quiz(ctx context.Context, l Lesson) (Quiz, error) {
	m.started <- struct{}{}
	qz, err := m.g.Quiz(ctx, l)
	m.done <- err
	return qz, err
}

func ollamaModVersion(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "github.com/ollama/ollama" {
			return f[1]
		}
	}
	t.Fatal("github.com/ollama/ollama not in go.mod")
	return ""
}
