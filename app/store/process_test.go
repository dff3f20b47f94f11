package store

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// The tests below run this test binary again as child processes, so that
// two real processes share one SQLite file as the tray daemon and the
// window process will. The child's job is in the environment.
const (
	envHelper = "TIDBIT_STORE_HELPER" // write, open, record-and-wait
	envFile   = "TIDBIT_STORE_FILE"
	envN      = "TIDBIT_STORE_N"
	envTag    = "TIDBIT_STORE_TAG"
	envSQL    = "TIDBIT_STORE_SQL"  // record-and-wait: a statement to run after recording
	envGate   = "TIDBIT_STORE_GATE" // 1: print "ready", then wait for a line on stdin before opening
)

// TestHelperProcess is not a test: it is the body of the child processes.
func TestHelperProcess(t *testing.T) {
	job := os.Getenv(envHelper)
	if job == "" {
		t.Skip("helper process for the multi-process tests; runs only when they start it")
	}
	if err := helperMain(job); err != nil {
		fmt.Fprintf(os.Stderr, "helper %s %s: %v\n", job, os.Getenv(envTag), err)
		os.Exit(1)
	}
	os.Exit(0)
}

func helperMain(job string) error {
	ctx := context.Background()
	file, tag := os.Getenv(envFile), os.Getenv(envTag)
	n, _ := strconv.Atoi(os.Getenv(envN))
	if os.Getenv(envGate) == "1" {
		fmt.Println("ready")
		if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
			return fmt.Errorf("waiting for the go: %w", err)
		}
	}
	s, err := Open(ctx, file, Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	switch job {
	case "write":
		for i := range n {
			att := fmt.Sprintf("%s-att-%d", tag, i)
			if err := s.StartAttempt(ctx, Attempt{ID: att, LessonID: "lesson-0", Kind: "quiz", StartedAt: time.Now(), Source: tag}); err != nil {
				return err
			}
			if err := s.RecordAnswer(ctx, Answer{ID: uuid.NewString(), AttemptID: att, QuestionID: "lesson-0/q0",
				QuestionHash: "qh-lesson-0-0", Chosen: []int{i % 2}, Correct: i%2 == 0, AnsweredAt: time.Now()}); err != nil {
				return err
			}
		}
		return nil
	case "open":
		if v, err := s.Version(ctx); err != nil || v != SchemaVersion() {
			return fmt.Errorf("version %d (%v), want %d", v, err, SchemaVersion())
		}
		return s.SetSetting(ctx, "opened-by."+tag, tag)
	case "record-and-wait":
		att, ans := uuid.NewString(), uuid.NewString()
		if err := s.StartAttempt(ctx, Attempt{ID: att, LessonID: "lesson-0", Kind: "quiz", StartedAt: time.Now()}); err != nil {
			return err
		}
		if err := s.RecordAnswer(ctx, Answer{ID: ans, AttemptID: att, QuestionID: "lesson-0/q0", QuestionHash: "qh-lesson-0-0",
			Chosen: []int{0}, Correct: true, AnsweredAt: time.Now()}); err != nil {
			return err
		}
		if q := os.Getenv(envSQL); q != "" {
			if _, err := s.db.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		fmt.Printf("recorded %s\n", ans)
		time.Sleep(time.Minute) // the parent kills it long before
		return fmt.Errorf("was not killed")
	}
	return fmt.Errorf("unknown job %q", job)
}

// helper prepares a child process of this test binary.
func helper(t *testing.T, job, file, tag string, n int, gate bool) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), envHelper+"="+job, envFile+"="+file, envTag+"="+tag, envN+"="+strconv.Itoa(n))
	if gate {
		cmd.Env = append(cmd.Env, envGate+"=1")
	}
	return cmd
}

// TestTwoProcessesWrite: two processes write 300 answers each to one file
// while this process reads and writes too. Every write succeeds (no
// SQLITE_BUSY) and every row arrives exactly once.
func TestTwoProcessesWrite(t *testing.T) {
	const perChild, parentWrites = 300, 50
	ctx := context.Background()
	s, file := openTest(t)
	seedContent(t, s, 2, 1)

	children := []string{"child-a", "child-b"}
	var outs []*bytes.Buffer
	var cmds []*exec.Cmd
	for _, tag := range children {
		cmd := helper(t, "write", file, tag, perChild, false)
		out := &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	errs := make([]error, len(cmds))
	var wg sync.WaitGroup
	for i, cmd := range cmds {
		wg.Go(func() { errs[i] = cmd.Wait() })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()

	// Meanwhile: read (what the window process does) and write (what the
	// daemon does) until both children are done.
	reads, written := 0, 0
	last := 0
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		n := count(t, s, `SELECT count(*) FROM answers`)
		if n < last {
			t.Fatalf("the answer count went down from %d to %d", last, n)
		}
		last = n
		if _, err := s.Library(ctx); err != nil {
			t.Fatalf("Library while the children write: %v", err)
		}
		if _, err := s.Stats(ctx, time.Now(), time.UTC); err != nil {
			t.Fatalf("Stats while the children write: %v", err)
		}
		reads++
		if written < parentWrites {
			att := fmt.Sprintf("parent-att-%d", written)
			if err := s.StartAttempt(ctx, Attempt{ID: att, LessonID: "lesson-1", Kind: "review", StartedAt: time.Now()}); err != nil {
				t.Fatalf("parent StartAttempt: %v", err)
			}
			if err := s.RecordAnswer(ctx, Answer{ID: uuid.NewString(), AttemptID: att, QuestionID: "lesson-1/q0",
				QuestionHash: "qh-lesson-1-0", Chosen: []int{0}, Correct: true, AnsweredAt: time.Now()}); err != nil {
				t.Fatalf("parent RecordAnswer: %v", err)
			}
			written++
		}
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("%s failed: %v\n%s", children[i], err, outs[i])
		}
		if strings.Contains(strings.ToLower(outs[i].String()), "busy") || strings.Contains(outs[i].String(), "locked") {
			t.Errorf("%s reported a busy database:\n%s", children[i], outs[i])
		}
	}
	for ; written < parentWrites; written++ { // the children were faster than the parent's loop
		att := fmt.Sprintf("parent-att-%d", written)
		if err := s.StartAttempt(ctx, Attempt{ID: att, LessonID: "lesson-1", Kind: "review", StartedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordAnswer(ctx, Answer{ID: uuid.NewString(), AttemptID: att, QuestionID: "lesson-1/q0",
			QuestionHash: "qh-lesson-1-0", Chosen: []int{0}, AnsweredAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("parent read %d times while the children wrote", reads)
	for _, tag := range children {
		if n := count(t, s, `SELECT count(*) FROM answers a JOIN attempts t ON t.id = a.attempt_id WHERE t.source = ?`, tag); n != perChild {
			t.Errorf("%s: %d answers stored, want %d", tag, n, perChild)
		}
	}
	if n, want := count(t, s, `SELECT count(*) FROM answers`), len(children)*perChild+parentWrites; n != want {
		t.Errorf("%d answers in all, want %d", n, want)
	}
	if n, want := count(t, s, `SELECT count(DISTINCT id) FROM answers`), len(children)*perChild+parentWrites; n != want {
		t.Errorf("%d distinct answers, want %d", n, want)
	}
	if problems, err := s.Check(ctx); err != nil || len(problems) > 0 {
		t.Errorf("Check after the concurrent writes: %v %v", problems, err)
	}
}

// TestTwoProcessesMigrateFreshFile: two processes open the same new file
// at the same instant; both must succeed, one of them migrating it.
func TestTwoProcessesMigrateFreshFile(t *testing.T) {
	ctx := context.Background()
	for round := range 4 {
		t.Run(fmt.Sprintf("round-%d", round), func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "tidbit.db")
			tags := []string{"first", "second"}
			var cmds []*exec.Cmd
			var outs []*bytes.Buffer
			var gos []io.WriteCloser
			for _, tag := range tags {
				cmd := helper(t, "open", file, tag, 0, true)
				stdin, err := cmd.StdinPipe()
				if err != nil {
					t.Fatal(err)
				}
				stdout, err := cmd.StdoutPipe()
				if err != nil {
					t.Fatal(err)
				}
				out := &bytes.Buffer{}
				cmd.Stderr = out
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
				// Wait until the child is up, so that both open together.
				if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "ready\n" {
					t.Fatalf("%s process: %q %v\n%s", tag, line, err, out)
				}
				cmds, outs, gos = append(cmds, cmd), append(outs, out), append(gos, stdin)
			}
			if exists(file) {
				t.Fatal("the file exists before the children open it")
			}
			for _, g := range gos {
				g.Write([]byte("go\n"))
			}
			for i, cmd := range cmds {
				if err := cmd.Wait(); err != nil {
					t.Errorf("%s process: %v\n%s", tags[i], err, outs[i])
				}
			}
			s, err := Open(ctx, file, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if v, _ := s.Version(ctx); v != SchemaVersion() {
				t.Errorf("version %d, want %d", v, SchemaVersion())
			}
			for _, tag := range tags {
				var got string
				if ok, err := s.Setting(ctx, "opened-by."+tag, &got); !ok || err != nil || got != tag {
					t.Errorf("the %s process's write is missing (%v, %v, %q)", tag, ok, err, got)
				}
			}
			if problems, err := s.Check(ctx); err != nil || len(problems) > 0 {
				t.Errorf("Check: %v %v", problems, err)
			}
		})
	}
}

// TestAnswerSurvivesSIGKILL: an answer is on disk when RecordAnswer
// returns. A child records one, says so, and is killed at once with
// SIGKILL; the answer must be in the file afterwards. Repeated, so every
// earlier answer must survive the later kills too.
func TestAnswerSurvivesSIGKILL(t *testing.T) {
	ctx := context.Background()
	s, file := openTest(t)
	seedContent(t, s, 1, 1)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	var recorded []string
	for i := range 5 {
		cmd := helper(t, "record-and-wait", file, fmt.Sprintf("kill-%d", i), 0, false)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child %d said nothing: %v\n%s", i, err, stderr.String())
		}
		if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix
			t.Fatal(err)
		}
		werr := cmd.Wait()
		if ee, ok := werr.(*exec.ExitError); !ok || ee.ExitCode() != -1 {
			t.Fatalf("child %d was not killed by the signal: %v", i, werr)
		}
		id, ok := strings.CutPrefix(strings.TrimSpace(line), "recorded ")
		if !ok || uuid.Validate(id) != nil {
			t.Fatalf("child %d printed %q", i, line)
		}
		recorded = append(recorded, id)

		s, err := Open(ctx, file, Options{})
		if err != nil {
			t.Fatalf("after kill %d: %v", i, err)
		}
		for _, id := range recorded {
			if n := count(t, s, `SELECT count(*) FROM answers WHERE id = ?`, id); n != 1 {
				t.Errorf("after kill %d: answer %s is missing", i, id)
			}
		}
		if n := count(t, s, `SELECT count(*) FROM answers`); n != len(recorded) {
			t.Errorf("after kill %d: %d answers, want %d", i, n, len(recorded))
		}
		s.Close()
	}
}

// killAfterRecording runs a child that records an answer (then runs sql,
// if any) and kills it with SIGKILL, leaving a hot WAL next to file.
func killAfterRecording(t *testing.T, file, sql string) {
	t.Helper()
	cmd := helper(t, "record-and-wait", file, "hot-wal", 0, false)
	if sql != "" {
		cmd.Env = append(cmd.Env, envSQL+"="+sql)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	cmd.Process.Kill()
	cmd.Wait()
	if err != nil || !strings.HasPrefix(line, "recorded ") {
		t.Fatalf("child: %q %v\n%s", line, err, stderr.String())
	}
	if fi, err := os.Stat(file + "-wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("no hot WAL after the kill: %v", err)
	}
}

// TestRefusedFileWithHotWAL: a file refused at open (newer schema, damaged)
// while a WAL still holds transactions (a crash, or the other process is
// running) stays as it is: no checkpoint copies the WAL into it on close.
func TestRefusedFileWithHotWAL(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		sql     string // run by the child after its answer, so it sits in the WAL
		damage  bool   // damage a page of the main file after the kill
		wantErr error
	}{
		{"newer schema only in the WAL", fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion()+1), false, ErrNewerSchema},
		{"damaged page with a hot WAL", "", true, ErrCorrupt},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, file := openTest(t)
			seedContent(t, s, 1, 1)
			var root int
			if tc.damage {
				fillAnswers(t, s, 2000)
				if err := s.db.QueryRow(`SELECT rootpage FROM sqlite_master WHERE name = 'answers'`).Scan(&root); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			killAfterRecording(t, file, tc.sql)
			if tc.damage {
				damagePage(t, file, root)
			}
			before := stateOf(t, file)
			wal := stateOf(t, file+"-wal")
			for _, opts := range []Options{{}, {SkipCheck: tc.wantErr == ErrNewerSchema}} {
				s2, err := Open(ctx, file, opts)
				if err == nil {
					s2.Close()
					t.Fatalf("Open(%+v) accepted the file", opts)
				}
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Open(%+v): %v, want %v", opts, err, tc.wantErr)
				}
				if after := stateOf(t, file); after != before {
					t.Fatalf("Open(%+v) changed the database:\nbefore %+v\nafter  %+v", opts, before, after)
				}
				if after := stateOf(t, file+"-wal"); after.Hash != wal.Hash {
					t.Fatalf("Open(%+v) changed the WAL", opts)
				}
			}
		})
	}
}
