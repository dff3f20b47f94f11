//go:build unix

package ollamatest

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/tidbit-learn/tidbit/llm/internal/tinymodel"
)

// Names under which CreateTiny and CreateWordy add the tiny models.
const (
	TinyModel  = "tidbit-tiny"
	WordyModel = "tidbit-tiny-wordy"
)

// Binary returns the Ollama server binary named by TIDBIT_OLLAMA_BIN
// (built by .ci/ollama.sh). Without it the test is skipped, or fails when
// CI=true, since CI must prove the integration tests.
func Binary(t testing.TB) string {
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

// Server is a running `ollama serve`.
type Server struct {
	URL    *url.URL    // base address, http://127.0.0.1:PORT
	Client *api.Client // a client of it with a 5 s timeout
	Bin    string      // the binary
	Env    []string    // the environment it runs with (private HOME and model folder)
	Log    string      // file receiving its output
	PID    int         // of `ollama serve`, stopped at cleanup
}

// Start starts `ollama serve` on a free loopback port with a private HOME
// and model folder in a temp dir, waits until it answers, and stops it
// (and the runners it started, which share its process group) by PID when
// the test ends, logging the tail of its output if the test failed. The
// server has no model: add one with CreateTiny or CreateWordy.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Binary(t)
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s := &Server{Bin: bin, Log: filepath.Join(dir, "serve.log")}
	s.URL, _ = url.Parse("http://" + addr)
	s.Env = append(os.Environ(), "HOME="+filepath.Join(dir, "home"), "OLLAMA_HOST="+addr,
		"OLLAMA_MODELS="+filepath.Join(dir, "models"), "OLLAMA_NOPRUNE=1", "OLLAMA_NUM_PARALLEL=1")
	logf, err := os.Create(s.Log)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = s.Env
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its runners share the group
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s serve: %v", bin, err)
	}
	pid := cmd.Process.Pid
	s.PID = pid
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
			t.Logf("ollama serve log (tail):\n%s", s.logTail())
		}
	})
	s.Client = api.NewClient(s.URL, &http.Client{Timeout: 5 * time.Second})
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := s.Client.Version(context.Background()); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ollama serve did not answer on %s within 60 s", addr)
		}
		select {
		case <-waited:
			t.Fatalf("ollama serve exited:\n%s", s.logTail())
		case <-time.After(100 * time.Millisecond):
		}
	}
	return s
}

// logTail is the last 4000 bytes of the server's output.
func (s *Server) logTail() string {
	b, _ := os.ReadFile(s.Log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// CreateTiny adds the tiny model (tinymodel.Write, seed 1) as TinyModel
// and returns that name.
func (s *Server) CreateTiny(t testing.TB) string {
	t.Helper()
	s.create(t, TinyModel, tinymodel.Write)
	return TinyModel
}

// CreateWordy adds the variant whose strings are letters
// (tinymodel.WriteWordy, seed 1) as WordyModel and returns that name.
func (s *Server) CreateWordy(t testing.TB) string {
	t.Helper()
	s.create(t, WordyModel, tinymodel.WriteWordy)
	return WordyModel
}

func (s *Server) create(t testing.TB, name string, write func(dir string, seed uint64) error) {
	t.Helper()
	mdir := filepath.Join(t.TempDir(), name)
	if err := write(mdir, 1); err != nil {
		t.Fatalf("writing the tiny model %s: %v", name, err)
	}
	// Generous: creating takes seconds, but CI machines are loaded.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	create := exec.CommandContext(ctx, s.Bin, "create", name, "-f", filepath.Join(mdir, "Modelfile"))
	create.Dir = mdir
	create.Env = s.Env
	if out, err := create.CombinedOutput(); err != nil {
		t.Fatalf("ollama create %s: %v\n%s", name, err, out)
	}
}
