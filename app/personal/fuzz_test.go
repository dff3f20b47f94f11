package personal

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/llm"
)

// FuzzCachedEntries: whatever the model cache holds under a rewrite's or
// a meeting's key (an older build's value, a hand-edited file), reading it
// on the way to a window never panics and never yields a rewrite of
// another lesson text or an empty skill.
func FuzzCachedEntries(f *testing.F) {
	rw, _ := json.Marshal(entry{Rewrite: &llm.Rewrite{LessonHash: "h1", Original: "An example of it.", Text: "On the ward, an example of it."}})
	mt, _ := json.Marshal(entry{Meeting: &llm.MeetingMatch{SkillID: "active-listening", Why: "A one-on-one."}})
	for _, seed := range []string{string(rw), string(mt), `{"none":"no example"}`, `{"rewrite":{"lesson_hash":"other","text":"x"}}`,
		`{"meeting":{"skill":""}}`, `null`, `[]`, `{"rewrite":null}`, "", "\x00{"} {
		f.Add(seed)
	}
	st, err := store.Open(context.Background(), f.TempDir()+"/tidbit.db", store.Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	lesson := store.Lesson{ID: "l1", ContentHash: "h1"}
	f.Fuzz(func(t *testing.T, v string) {
		if err := st.CachePut(ctx, RewriteKey("tiny", "h1", "nurse"), kindRewrite, "tiny", v, 0); err != nil {
			t.Fatal(err)
		}
		if err := st.CachePut(ctx, MeetingKey("tiny", "Standup"), kindMeeting, "tiny", v, 0); err != nil {
			t.Fatal(err)
		}
		if r, ok := CachedRewrite(ctx, st, "tiny", lesson, "nurse"); ok && (r.LessonHash != "h1" || r.Text == "" || r.Label != RewriteLabel) {
			t.Fatalf("rewrite %+v from %q", r, v)
		}
		if s, ok := MeetingHint(ctx, st, "tiny", "Standup"); ok && s == "" {
			t.Fatalf("empty skill from %q", v)
		}
	})
}
