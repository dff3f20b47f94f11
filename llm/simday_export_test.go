package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"testing"
)

// This file lends package-internal pieces to the external test package
// llm_test (simday_ollama_test.go), which reaches app/ (the store and the
// aiquiz adapter) and so cannot live inside package llm.

// OllamaForTest starts the real server with the tiny model (see
// integration_test.go) and returns its address and the model's name.
func OllamaForTest(t *testing.T) (*url.URL, string) {
	s := startOllama(t)
	return s.URL, tinyName
}

// ScriptedMaker is a QuizMaker that sends the pipeline's real requests to a
// real server (the generation prompt, then the blind verification prompt,
// streamed, bounded, cancellable) but pins what the model may say: the
// request's JSON Schema is an enum of one value, so the server's grammar
// forces the tiny model, token by token, to write that quiz and then the
// answer sheet that matches its key. The output then goes through the
// real checks (ValidateQuiz, parseAnswers, sameKey in verifyOrder) and
// gets provenance like Generator.Quiz. A random 116K-parameter model can
// write neither a usable question nor a right answer, so this is how the
// tiny model stands in for a real one: it exercises timing, cancellation,
// parsing, validation, verification and storage, not content quality.
type ScriptedMaker struct {
	G *Generator
	// Outputs maps a lesson id to the quiz JSON the model is made to write
	// (the shape of the generation schema).
	Outputs map[string]string
}

// pinned is a JSON Schema that admits only v.
func pinned(v string) string { return `{"enum":[` + v + `]}` }

// Quiz implements QuizMaker.
func (m *ScriptedMaker) Quiz(ctx context.Context, l Lesson) (Quiz, error) {
	fail := func(err error) (Quiz, error) {
		return Quiz{}, fmt.Errorf("quiz for lesson %s: %w: %w", l.ID, ErrUseAuthored, err)
	}
	raw, ok := m.Outputs[l.ID]
	if !ok {
		return fail(errors.New("no scripted output"))
	}
	digest, err := m.G.Digest(ctx)
	if err != nil {
		return fail(err)
	}
	body, _ := neutralise(l.Body)
	out, _, err := m.G.complete(ctx, generationPrompt(l, body, quizSchema(l)), pinned(raw), defaultTemp)
	if err != nil {
		return fail(err)
	}
	qs, _, err := ValidateQuiz(l, []byte(out))
	if err != nil {
		return fail(err)
	}
	if len(qs) == 0 {
		return fail(errNothingUsable)
	}
	vout, _, err := m.G.complete(ctx, verificationPrompt(l, body, qs, verifySchema(len(qs))), pinned(string(AnswerSheet(qs))), 0)
	if err != nil {
		return fail(fmt.Errorf("verification: %w", err))
	}
	kept, err := CheckAnswers(qs, []byte(vout))
	if err != nil {
		return fail(fmt.Errorf("verification: %w", err))
	}
	prov := Provenance{AIWritten: true, Model: m.G.Model, ModelDigest: digest, PromptVersion: PromptVersion,
		GeneratedAt: m.G.now().UTC(), Verified: true, LessonHash: l.Hash}
	for i := range kept {
		kept[i].Provenance = prov
	}
	if len(kept) == 0 {
		return fail(fmt.Errorf("the verifier disagreed with all %d keys", len(qs)))
	}
	return Quiz{LessonID: l.ID, LessonHash: l.Hash, Questions: kept, Dropped: len(qs) - len(kept)}, nil
}

// CheckAnswers is the verification step on a given answer sheet: the
// questions whose key the sheet reproduces (options shown in verifyOrder).
func CheckAnswers(qs []Question, sheet []byte) ([]Question, error) {
	answers, err := parseAnswers(sheet, len(qs))
	if err != nil {
		return nil, err
	}
	var kept []Question
	for i, q := range qs {
		if sameKey(q.Options, verifyOrder(q), answers[i+1]) {
			kept = append(kept, q)
		}
	}
	return kept, nil
}

// AnswerSheet is the sheet a verifier that agrees with every key writes.
func AnswerSheet(qs []Question) []byte {
	sheet := map[string][]string{}
	for i, q := range qs {
		var letters []string
		for j, k := range verifyOrder(q) {
			if q.Options[k].Correct {
				letters = append(letters, string(rune('A'+j)))
			}
		}
		sheet[fmt.Sprintf("q%d", i+1)] = letters
	}
	b, _ := json.Marshal(sheet)
	return b
}
