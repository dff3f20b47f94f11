package uiproc

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/app/personal"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/llm"
)

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
			p, err := paths.Resolve("", d.Env)
			if err != nil {
				t.Fatal(err)
			}
			a, err := core.Open(ctx, p, core.Options{})
			if err != nil {
				t.Fatal(err)
			}
			lib, _ := a.Store.Library(ctx)
			var l store.Lesson
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
