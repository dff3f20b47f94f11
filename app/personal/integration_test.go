//go:build unix

package personal

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/tidbit-learn/tidbit/app/learner/storepick"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/llm"
)

// The integration test runs a real Ollama server (TIDBIT_OLLAMA_BIN, built
// by .ci/ollama.sh: export TIDBIT_OLLAMA_BIN=$(.ci/ollama.sh)) with the
// llm package's tiny "wordy" model, written by go run
// ./llm/internal/tinymodel/cmd/tinymodel -wordy. The model knows nothing;
// its schema-valid strings of letters pass the profile, meeting and
// feedback validators, and fail the rewrite's (length, key terms): so the
// run proves the whole path (worker, slot, requests, grammar, parsing,
// validation, storage, typed failures), not content quality.

const wordyModel = "tidbit-tiny-wordy"

func ollamaBinary(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("TIDBIT_OLLAMA_BIN")
	if bin == "" {
		msg := "no Ollama server binary: run `export TIDBIT_OLLAMA_BIN=$(.ci/ollama.sh)` (builds it from go.mod's version; needs nlohmann-json3-dev and libstb-dev)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("TIDBIT_OLLAMA_BIN=%s: %v", bin, err)
	}
	return bin
}

// moduleRoot is the folder of go.mod above this package.
func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = up
	}
}

// startOllama serves on a free loopback port with its own HOME and model
// folder, creates the wordy tiny model, and kills the server (and its
// runners) by PID when the test ends.
func startOllama(t *testing.T) *url.URL {
	t.Helper()
	bin := ollamaBinary(t)
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatalf("the go tool writes the tiny model: %v", err)
	}
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	env := append(os.Environ(), "HOME="+filepath.Join(dir, "home"), "OLLAMA_HOST="+addr,
		"OLLAMA_MODELS="+filepath.Join(dir, "models"), "OLLAMA_NOPRUNE=1", "OLLAMA_NUM_PARALLEL=1")
	logPath := filepath.Join(dir, "serve.log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env, cmd.Stdout, cmd.Stderr = env, logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s serve: %v", bin, err)
	}
	pid := cmd.Process.Pid
	waited := make(chan struct{})
	go func() { cmd.Wait(); close(waited) }()
	t.Cleanup(func() {
		syscall.Kill(pid, syscall.SIGTERM)
		select {
		case <-waited:
		case <-time.After(10 * time.Second):
			syscall.Kill(-pid, syscall.SIGKILL)
			<-waited
		}
		syscall.Kill(-pid, syscall.SIGKILL) // runners left behind, if any
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			if len(b) > 4000 {
				b = b[len(b)-4000:]
			}
			t.Logf("ollama serve log (tail):\n%s", b)
		}
	})
	base, _ := url.Parse("http://" + addr)
	cl := api.NewClient(base, &http.Client{Timeout: 5 * time.Second})
	for deadline := time.Now().Add(60 * time.Second); ; {
		if _, err := cl.Version(context.Background()); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ollama serve did not answer on %s within 60 s", addr)
		}
		select {
		case <-waited:
			t.Fatal("ollama serve exited; see its log")
		case <-time.After(100 * time.Millisecond):
		}
	}
	mdir := filepath.Join(dir, "wordy")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	gen := exec.CommandContext(ctx, "go", "run", "./llm/internal/tinymodel/cmd/tinymodel", "-wordy", "-out", mdir)
	gen.Dir = moduleRoot(t)
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("writing the tiny model: %v\n%s", err, out)
	}
	create := exec.CommandContext(ctx, bin, "create", wordyModel, "-f", filepath.Join(mdir, "Modelfile"))
	create.Dir, create.Env = mdir, env
	if out, err := create.CombinedOutput(); err != nil {
		t.Fatalf("ollama create: %v\n%s", err, out)
	}
	return base
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
	fb, err := Feedback(fctx, set, env, "Two teammates disagree about a release.", []string{"Names a shared goal"},
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
