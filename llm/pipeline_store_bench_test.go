package llm_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/aiquiz"
	"github.com/tidbit-learn/tidbit/app/core/coretest"
	"github.com/tidbit-learn/tidbit/llm"
)

// BenchmarkPipelineStore is what Tidbit adds per quiz around the model,
// with the real store: validating the model's quiz output (a starter
// lesson, up to five questions), checking the verifier's answer sheet,
// provenance, and writing the verified questions through the aiquiz
// adapter into SQLite in one transaction (new question ids each time, so
// every iteration inserts). Target: under 5 ms a quiz.
//
//	go test -run '^$' -bench PipelineStore ./llm/
func BenchmarkPipelineStore(b *testing.B) {
	a := coretest.Open(b)
	ctx := context.Background()
	ad := aiquiz.New(a.Store)
	ls, err := ad.Wanted(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var l llm.Lesson
	var raw string
	var qs []llm.Question
	for _, x := range ls {
		sl, _ := a.Store.Lesson(ctx, x.ID)
		if r, q := scriptFor(sl, x, llm.MaxQuestions); len(q) > len(qs) {
			l, raw, qs = x, r, q
		}
	}
	if len(qs) < 3 {
		b.Fatalf("no starter lesson gives 3+ scripted questions")
	}
	sheet := llm.AnswerSheet(qs)
	step := func(b *testing.B, n int, store bool) {
		got, probs, err := llm.ValidateQuiz(l, []byte(raw))
		if err != nil || len(probs) > 0 {
			b.Fatal(err, probs)
		}
		kept, err := llm.CheckAnswers(got, sheet)
		if err != nil || len(kept) != len(got) {
			b.Fatalf("verification kept %d of %d: %v", len(kept), len(got), err)
		}
		prov := llm.Provenance{AIWritten: true, Model: "tiny", ModelDigest: "sha256:0", PromptVersion: llm.PromptVersion,
			GeneratedAt: time.Now().UTC(), Verified: true, LessonHash: l.Hash}
		for i := range kept {
			kept[i].Provenance = prov
			kept[i].ID = fmt.Sprintf("%s/ai-%x-%d", l.ID, n, i) // fresh ids: every save inserts
		}
		if !store {
			return
		}
		if err := ad.SaveQuiz(ctx, llm.Quiz{LessonID: l.ID, LessonHash: l.Hash, Questions: kept}); err != nil {
			b.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		store bool
	}{{"validate+verify", false}, {"validate+verify+store", true}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportMetric(float64(len(qs)), "questions/quiz")
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				step(b, n, tc.store)
				n++
			}
		})
	}
}
