package uiproc

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/lessonflow"
	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/app/personal"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/llm"
	"github.com/tidbit-learn/tidbit/widgets/lessonwin"
)

// openApp opens the store of d's data folder as the process will (the
// test closes it before starting the process).
func openApp(t *testing.T, d Deps) *core.App {
	t.Helper()
	p, err := paths.Resolve("", d.Env)
	if err != nil {
		t.Fatal(err)
	}
	a, err := core.Open(context.Background(), p, core.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestLessonWithRewrite: a lesson window shows the example the worker
// retold for the learner's role beside the original, read from the store
// (no model server runs here); with the model turned off it does not.
func TestLessonWithRewrite(t *testing.T) {
	for _, tc := range []struct {
		name string
		noAI bool
	}{{name: "rewrite shown"}, {name: "model turned off", noAI: true}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			d := deps(dir)
			ctx := context.Background()
			a := openApp(t, d)
			lib, _ := a.Store.Library(ctx)
			var l store.Lesson
			var err error
			var ex llm.Example
			for _, s := range lib {
				if l, err = a.Store.Lesson(ctx, s.ID); err != nil {
					t.Fatal(err)
				}
				var ok bool
				if ex, ok = llm.FindExample(l.Body); ok {
					break
				}
			}
			role := "Ward nurse"
			rw := llm.Rewrite{LessonID: l.ID, LessonHash: l.ContentHash, Original: ex.Text, Role: role,
				Text: "On the ward, the same thing happens at the morning handover.", Provenance: llm.Provenance{AIWritten: true, Model: "tiny"}}
			b, _ := json.Marshal(map[string]any{"rewrite": rw})
			if err := a.Store.CachePut(ctx, personal.RewriteKey("tiny", l.ContentHash, role), "rewrite", "tiny", string(b), 0); err != nil {
				t.Fatal(err)
			}
			if err := a.Store.SaveProfile(ctx, store.Profile{Role: role, MinutesPerWeek: 30}); err != nil {
				t.Fatal(err)
			}
			if err := settings.Update(ctx, a.Store, func(s *settings.Settings) { s.Model, s.NoAI = "tiny", tc.noAI }); err != nil {
				t.Fatal(err)
			}
			a.Close()

			fa := test.NewTempApp(t)
			pr, err := Start(ctx, fa, Config{Command: "lesson", LessonID: l.ID}, d, func() {})
			if err != nil {
				t.Fatal(err)
			}
			defer pr.Close()
			shown := strings.Contains(pr.Run.Body, personal.RewriteLabel) && strings.Contains(pr.Run.Body, rw.Text)
			if shown == tc.noAI || !strings.Contains(pr.Run.Body, ex.Text) {
				t.Errorf("rewrite shown %v with the model off %v; body:\n%s", shown, tc.noAI, pr.Run.Body)
			}
		})
	}
}

// TestFeedbackDebugLog: the window process's request for feedback on a
// reflection is written to the model debug log when the learner turned it
// on, and nothing is written when it is off.
func TestFeedbackDebugLog(t *testing.T) {
	model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/generate":
			out := `{"c1":{"criterion":"Names a shared goal","met":true,"comment":"You name the release you both want."},"summary":"A fair opening."}`
			b, _ := json.Marshal(map[string]any{"response": out, "done": true, "done_reason": "stop"})
			w.Write(append(b, '\n'))
		case "/api/tags":
			w.Write([]byte(`{"models":[{"name":"tiny:latest","model":"tiny:latest","digest":"sha256:tiny"}]}`))
		default:
			w.Write([]byte(`{"version":"0.17.4"}`))
		}
	}))
	defer model.Close()
	for _, on := range []bool{true, false} {
		t.Run(fmt.Sprintf("log %v", on), func(t *testing.T) {
			dir := t.TempDir()
			d := deps(dir)
			getenv := d.Env.Getenv
			d.Env.Getenv = func(k string) string {
				if k == "OLLAMA_HOST" {
					return strings.TrimPrefix(model.URL, "http://")
				}
				return getenv(k)
			}
			ctx := context.Background()
			a := openApp(t, d)
			if err := settings.Update(ctx, a.Store, func(s *settings.Settings) { s.Model, s.DebugLog = "tiny", on }); err != nil {
				t.Fatal(err)
			}
			a.Close()
			pr, err := Start(ctx, test.NewTempApp(t), Config{Command: "library"}, d, func() {})
			if err != nil {
				t.Fatal(err)
			}
			defer pr.Close()
			var opts lessonwin.Options
			pr.personalise(ctx, &lessonflow.Run{Item: lessonflow.Item{Reflection: &store.Reflection{
				Prompt: "Two teammates disagree about a release.", Rubric: []string{"Names a shared goal"}}}}, &opts)
			if opts.Feedback == nil {
				t.Fatal("no feedback offered for a reflection")
			}
			const answer = "We both want the release to go well; let us agree who checks the numbers."
			if _, err := opts.Feedback(ctx, answer); err != nil {
				t.Logf("feedback: %v (the log is what this test checks)", err)
			}
			logged, err := os.ReadFile(filepath.Join(dir, personal.DebugLogName))
			switch {
			case on && (err != nil || !strings.Contains(string(logged), "let us agree who checks the numbers")):
				t.Fatalf("debug log on: %v\n%s", err, logged)
			case !on && !os.IsNotExist(err):
				t.Fatalf("debug log off, yet the file exists (%v):\n%s", err, logged)
			}
			if on {
				if fi, err := os.Stat(filepath.Join(dir, personal.DebugLogName)); err != nil || fi.Mode().Perm() != 0o600 {
					t.Fatalf("debug log mode %v (%v), want 0600", fi.Mode(), err)
				}
			}
		})
	}
}
