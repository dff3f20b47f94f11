//go:build unix

package personal

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/learner/storepick"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/llm"
	"github.com/tidbit-learn/tidbit/llm/ollamatest"
)

// The integration test runs a real Ollama server (TIDBIT_OLLAMA_BIN, built
// by .ci/ollama.sh: export TIDBIT_OLLAMA_BIN=$(.ci/ollama.sh)) with the
// llm package's tiny "wordy" model (ollamatest.Start, CreateWordy). The
// model knows nothing; its schema-valid strings of letters pass the
// profile, meeting and feedback validators, and fail the rewrite's
// (length, key terms): so the run proves the whole path (worker, slot,
// requests, grammar, parsing, validation, storage, typed failures), not
// content quality.

const wordyModel = ollamatest.WordyModel

// startOllama serves on a free loopback port with its own HOME and model
// folder, creates the wordy tiny model, and kills the server (and its
// runners) by PID when the test ends.
func startOllama(t *testing.T) *url.URL {
	t.Helper()
	s := ollamatest.Start(t)
	s.CreateWordy(t)
	return s.URL
}

// TestWorkerAgainstOllama runs the worker end to end against the real
// server: the profile's targets and the meeting's skill are stored with
// the model's real digest, rewrites the tiny model cannot write fail typed
// (never as server faults), and feedback on a reflection comes back per
// criterion.
func TestWorkerAgainstOllama(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test; -short given")
	}
	base := startOllama(t)
	g := llm.NewGenerator(base, wordyModel, &http.Client{})
	g.NumPredict, g.Seed = 512, 1
	r := newRig(t, g)
	r.worker.ModelName = wordyModel
	r.worker.Logf = t.Logf
	start := time.Now()
	r.start(t)
	deadline := time.Now().Add(4 * time.Minute)
	for {
		st := r.worker.Stats()
		if st.Done+st.Failed >= 2+DefaultRewrites {
			break
		}
		if st.Faults > 0 {
			t.Fatalf("server fault: %+v", st)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the worker did not get through its jobs in 4 min: %+v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.stop()
	st := r.worker.Stats()
	t.Logf("profile, meeting and %d rewrites in %v: %+v", DefaultRewrites, time.Since(start), st)
	ctx := context.Background()
	var at storepick.AITargets
	if ok, err := r.app.Store.Setting(ctx, storepick.SettingAITargets, &at); !ok || err != nil {
		t.Fatalf("no AI targets stored (%v); stats %+v", err, st)
	}
	if len(at.Targets) == 0 || at.Model != wordyModel || !strings.HasPrefix(at.ModelDigest, "sha256:") && len(at.ModelDigest) < 12 ||
		at.Prompt != llm.PersonalPromptVersion {
		t.Errorf("AI targets %+v", at)
	}
	for _, tg := range at.Targets {
		if _, ok := r.app.Taxonomy.Skill(tg.Skill); !ok || tg.Level < 1 || tg.Level > 5 {
			t.Errorf("target %+v is not a taxonomy skill at a level 1-5", tg)
		}
	}
	prof, _ := r.app.Store.Profile(ctx)
	if len(storepick.LoadAITargets(ctx, r.app.Store, prof)) != len(at.Targets) {
		t.Error("the picker does not see the stored targets")
	}
	if st.ByKind["meeting"] != 1 {
		t.Errorf("meeting not stored: %+v", st)
	} else if _, ok, err := r.app.Store.CacheGet(ctx, MeetingKey(wordyModel, testMeeting)); !ok || err != nil {
		t.Errorf("the meeting's entry is not in the cache (%v)", err)
	}
	if n := r.rewrites(t); n != st.ByKind["rewrite"] {
		t.Errorf("%d rewrites readable, %d stored", n, st.ByKind["rewrite"])
	}

	// Feedback as the window asks for it, against the same server.
	set := settings.Settings{Model: wordyModel}
	fctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	env := func(k string) string {
		if k == "OLLAMA_HOST" {
			return base.Host
		}
		return ""
	}
	fb, err := Feedback(fctx, set, env, nil, "Two teammates disagree about a release.", []string{"Names a shared goal"},
		"I would say we both want the release to go well, then agree who checks the numbers on Friday.")
	switch {
	case errors.Is(err, llm.ErrServer):
		t.Fatalf("feedback: server fault: %v", err)
	case err != nil && !errors.Is(err, llm.ErrNoSuggestion):
		t.Fatalf("feedback: untyped error %v", err)
	case err == nil && (len(fb.PerCriterion) != 1 || fb.PerCriterion[0].Criterion != "Names a shared goal" || !fb.Provenance.AIWritten):
		t.Errorf("feedback %+v", fb)
	}
}
