package uiproc

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/widgets"
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tidbit-uiproc-")
	if err != nil {
		panic(err)
	}
	os.Setenv("LANG", "en_US.UTF-8") // C makes Fyne log a harmless locale error
	os.Setenv("LC_ALL", "en_US.UTF-8")
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"} {
		os.Setenv(k, dir)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestParseArgs(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want Config
		err  string
	}{
		{"lesson", []string{"lesson"}, Config{Command: "lesson", Linger: DefaultLinger}, ""},
		{"lesson id", []string{"lesson", "--lesson", "x1", "--linger", "5s", "--data-dir", "/d"},
			Config{Command: "lesson", LessonID: "x1", Linger: 5 * time.Second, DataDir: "/d"}, ""},
		{"no command", nil, Config{}, "usage"},
		{"unknown command", []string{"sittings"}, Config{}, "usage"},
		{"progress", []string{"progress"}, Config{Command: "progress", Linger: DefaultLinger}, ""},
		{"bad flag", []string{"lesson", "--nope"}, Config{}, "flag provided but not defined"},
		{"bad duration", []string{"lesson", "--linger", "soon"}, Config{}, "invalid value"},
		{"negative linger", []string{"lesson", "--linger", "-1s"}, Config{}, "must not be negative"},
		{"extra argument", []string{"lesson", "more"}, Config{}, `unexpected argument "more"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseArgs(tc.args)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func FuzzParseArgs(f *testing.F) {
	for _, s := range []string{"lesson", "lesson --lesson x1 --linger 5s", "", "settings", "lesson --linger -1s", "lesson more"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cfg, err := ParseArgs(strings.Fields(s))
		if err == nil && (!isWindow(cfg.Command) || cfg.Linger < 0) {
			t.Fatalf("accepted %q as %+v", s, cfg)
		}
	})
}

func deps(dir string) Deps {
	env := paths.Env{Getenv: func(k string) string {
		if k == "TIDBIT_HOME" {
			return dir
		}
		return ""
	}, HomeDir: func() (string, error) { return dir, nil }, GOOS: "linux"}
	return Deps{Env: env, Now: time.Now, Stderr: os.Stderr}
}

func TestWindowProcessRunsALesson(t *testing.T) {
	fa := test.NewTempApp(t)
	dir := t.TempDir()
	quit := make(chan struct{})
	cfg := Config{Command: "lesson", Linger: 50 * time.Millisecond}
	start := time.Now()
	pr, err := Start(context.Background(), fa, cfg, deps(dir), func() { close(quit) })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("store opened and window shown in %v", time.Since(start))
	defer pr.Close()
	if _, err := Start(context.Background(), fa, cfg, deps(dir), func() {}); !errors.Is(err, ErrBusy) {
		t.Fatalf("second window process: %v", err)
	}
	if pr.Window.Canvas().Size().Width != 380 {
		t.Fatalf("window %v", pr.Window.Canvas().Size())
	}
	// Read the lesson, answer every question with 1, go through the end:
	// "1 Enter Enter" answers a single-choice question and moves on, or
	// ticks option 1 of a multiple-choice one, checks it and moves on.
	key := func(n fyne.KeyName) { pr.Window.Card.HandleKey(&fyne.KeyEvent{Name: n}) }
	for step := 0; step < 20; step++ {
		switch c := pr.Window.Card.(type) {
		case *widgets.LessonCard:
			key(fyne.KeyReturn)
			continue
		case *widgets.QuizCard:
			key(fyne.Key1)
			key(fyne.KeyReturn)
			key(fyne.KeyReturn)
			continue
		case *widgets.ReflectionCard:
			test.Type(c.Entry, "My answer")
			test.Tap(c.Submit)
			key(fyne.KeyReturn)
		}
		break
	}
	select {
	case <-quit:
	case <-time.After(10 * time.Second):
		t.Fatal("the process did not quit after its last window closed")
	}
	pr.Writer.Close()
	st, err := pr.App.Store.Stats(context.Background(), time.Now(), time.Local)
	if err != nil {
		t.Fatal(err)
	}
	want := min(len(pr.Run.Questions), widgets.MaxQuizQuestions)
	if st.Sessions != 1 || st.Answered != want {
		t.Fatalf("after the window: %d sessions, %d answers (want 1, %d)", st.Sessions, st.Answered, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "ui.lock")); err != nil {
		t.Fatalf("lock file: %v", err)
	}
}

func TestStartErrors(t *testing.T) {
	fa := test.NewTempApp(t)
	cases := []struct {
		name string
		cfg  Config
		err  string
	}{
		{"unknown lesson", Config{Command: "lesson", LessonID: "no-such-lesson"}, "loading lesson no-such-lesson"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pr, err := Start(context.Background(), fa, tc.cfg, deps(t.TempDir()), func() {})
			if err == nil {
				pr.Close()
				t.Fatal("started")
			}
			if !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err %v, want %q", err, tc.err)
			}
		})
	}
}
