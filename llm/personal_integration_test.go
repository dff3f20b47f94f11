package llm

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/llm/ollamatest"
)

const wordyName = ollamatest.WordyModel

// TestPersonalIntegration runs every personalisation function against a
// real Ollama server with the tiny model (see integration_test.go). The
// tiny model writes schema-valid random text, so these tests prove the
// path end to end (request, grammar from the schema, streaming, parsing,
// validation, provenance) and that validation is consistent: the
// pipeline's verdict equals the parser's verdict on the same (seeded,
// deterministic) raw output. They say nothing about content quality.
func TestPersonalIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test; -short given")
	}
	s := startOllama(t)
	s.CreateWordy(t)
	ctx := context.Background()
	gen := func(model string) *Generator {
		g := s.generator()
		g.Model = model
		g.NumPredict = 512
		return g
	}

	// Each case sends the function's own prompt once by hand, parses the
	// raw output, then runs the function: it must succeed exactly when
	// the parser accepted the first output (the retry is the same seeded
	// request), and otherwise fail typed, never as a server fault.
	type rawCheck struct {
		name   string
		prompt string
		schema string
		temp   float64
		parse  func([]byte) error
		run    func(g *Generator) (any, error)
		// wantReject, when set, is the rejection the tiny model must get:
		// a validator it cannot pass. Its strings are mostly brackets
		// (see tinymodel), so every "reason in words" check, the length
		// bounds and the key-term check reject it.
		wantReject error
		// wordyAccept: the wordy variant (strings of letters, closed at
		// their minLength) passes this function's validation, so the
		// accepting path runs against the real server too.
		wordyAccept bool
	}
	ex, _ := FindExample(exampleLesson.Body)
	terms := KeyTerms(exampleLesson.Title, exampleLesson.Body, ex)
	lo, hi := rewriteBounds(ex.Text)
	// A short rubric: the grammar makes the model repeat each criterion,
	// token by token, and the tiny model is slow on a loaded machine.
	rubric := []string{"Names a shared goal"}
	profileSource := testProfile.Role + "\n" + testProfile.Goals + "\n" + testProfile.Notes
	cases := []rawCheck{
		{name: "MapProfile", prompt: profilePrompt(testProfile.Role, testProfile.Goals, testProfile.Notes, testSkills, profileSchema(testSkills)),
			schema: profileSchema(testSkills), temp: personalTemp,
			parse: func(raw []byte) error { _, err := ParseProfileMap(raw, testSkills, profileSource); return err },
			run:   func(g *Generator) (any, error) { return g.MapProfile(ctx, testProfile, testSkills) }, wantReject: ErrBadOutput, wordyAccept: true},
		{name: "MeetingSkill", prompt: meetingPrompt("Steering committee: Q3 status", testSkills, meetingSchema(testSkills)),
			schema: meetingSchema(testSkills),
			parse: func(raw []byte) error {
				_, _, err := ParseMeetingSkill(raw, testSkills, "Steering committee: Q3 status")
				return err
			},
			run: func(g *Generator) (any, error) {
				return g.MeetingSkill(ctx, "Steering committee: Q3 status", testSkills)
			}, wantReject: ErrBadOutput, wordyAccept: true},
		{name: "ReflectionFeedback", prompt: feedbackPrompt(testScenario, rubric, testAnswer, feedbackSchema(rubric)),
			schema: feedbackSchema(rubric),
			parse: func(raw []byte) error {
				_, err := ParseFeedback(raw, rubric, testScenario+"\n"+testAnswer)
				return err
			},
			run: func(g *Generator) (any, error) {
				return g.ReflectionFeedback(ctx, testScenario, rubric, testAnswer)
			}, wantReject: ErrBadOutput, wordyAccept: true},
		// Random text has neither the length nor the key terms
		// "one-on-ones", "status" and "board".
		{name: "RewriteExample", prompt: rewritePrompt(exampleLesson.Title, ex.Text, "ward nurse", terms, lo, hi, rewriteSchema()),
			schema: rewriteSchema(), temp: personalTemp,
			parse: func(raw []byte) error {
				_, err := ParseRewrite(raw, ex.Text, terms, ex.Text+"\nward nurse")
				return err
			},
			run: func(g *Generator) (any, error) { return g.RewriteExample(ctx, exampleLesson, "ward nurse") }, wantReject: ErrBadOutput},
		// Random text has neither 80 words nor the skill's name.
		{name: "MicroLesson", prompt: lessonPrompt(lessonSkill, 2, lessonSchema()), schema: lessonSchema(), temp: personalTemp,
			parse: func(raw []byte) error { _, err := ParseMicroLesson(raw, lessonSkill); return err },
			run:   func(g *Generator) (any, error) { return g.MicroLesson(ctx, lessonSkill, 2) }, wantReject: ErrBadOutput},
	}
	for _, model := range []string{tinyName, wordyName} {
		for _, tc := range cases {
			t.Run(model+"/"+tc.name, func(t *testing.T) {
				g := gen(model)
				out, st, err := g.completeAs(ctx, personalSystem, tc.prompt, tc.schema, tc.temp)
				t.Logf("raw output (%v, %d tokens, %.0f tok/s, done %q): %.300s", st.Latency.Round(time.Millisecond), st.EvalCount, st.TokensPerSecond(), st.DoneReason, out)
				var rawErr error
				switch {
				case err == nil:
					rawErr = tc.parse([]byte(out))
					t.Logf("parser: %v", rawErr)
				case errors.Is(err, ErrTruncated), errors.Is(err, ErrIncompleteStream):
					rawErr = err
					t.Logf("incomplete output: %v", err)
				default:
					t.Fatalf("request failed: %v", err)
				}
				start := time.Now()
				res, err := tc.run(g)
				t.Logf("%s: %v in %v", tc.name, err, time.Since(start).Round(time.Millisecond))
				if errors.Is(err, ErrServer) {
					t.Fatalf("server fault from a healthy server: %v", err)
				}
				wordy := model == wordyName
				switch {
				case wordy && tc.wordyAccept && rawErr != nil:
					t.Errorf("the wordy model's output was rejected: %v", rawErr)
				case !wordy && tc.wantReject != nil && !errors.Is(rawErr, tc.wantReject) && !errors.Is(rawErr, ErrTruncated):
					t.Errorf("the tiny model's output was not rejected as %v: %v", tc.wantReject, rawErr)
				}
				if rawErr != nil {
					if !errors.Is(err, ErrNoSuggestion) || !isZero(res) {
						t.Errorf("the parser rejected the raw output (%v) but the pipeline gave %v, %+v", rawErr, err, res)
					}
					if !errors.Is(err, ErrBadOutput) && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrIncompleteStream) {
						t.Errorf("rejection not typed: %v", err)
					}
					return
				}
				if err != nil {
					t.Fatalf("the parser accepted the raw output but the pipeline failed: %v", err)
				}
				t.Logf("accepted: %+v", res)
				p := provenanceOf(res)
				if !p.AIWritten || p.Model != model || p.ModelDigest == "" || p.PromptVersion != PersonalPromptVersion || p.GeneratedAt.IsZero() {
					t.Errorf("provenance %+v", p)
				}
			})
		}
	}

	// The second half of MicroLesson on a valid draft: its quiz goes
	// through the real generation, validation and verification. Random
	// questions are not supported by the lesson, so the tiny model's
	// lesson must be discarded as not verified.
	t.Run("MicroLesson quiz verification", func(t *testing.T) {
		g := gen(tinyName)
		g.NumPredict = 1024
		d, err := ParseMicroLesson([]byte(goodLessonOut), lessonSkill)
		if err != nil {
			t.Fatal(err)
		}
		digest, err := g.Digest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		a, err := g.verifyDraft(ctx, lessonSkill, 2, d, digest)
		t.Logf("verifyDraft: %v", err)
		if err == nil {
			if len(a.Quiz.Questions) < MinAILessonQuestions || !a.Provenance.Verified {
				t.Errorf("lesson kept with %d questions, provenance %+v", len(a.Quiz.Questions), a.Provenance)
			}
			return
		}
		if !errors.Is(err, ErrNotVerified) || !errors.Is(err, ErrNoSuggestion) || errors.Is(err, ErrServer) || a.ID != "" {
			t.Errorf("err = %v, want ErrNotVerified", err)
		}
	})

	t.Run("unknown model", func(t *testing.T) {
		g := gen("no-such-model")
		_, err := g.MapProfile(ctx, testProfile, testSkills)
		if !errors.Is(err, ErrNoSuggestion) || !errors.Is(err, ErrServer) {
			t.Errorf("MapProfile: %v", err)
		}
	})

	t.Run("meeting titles stay local", func(t *testing.T) {
		g := gen(tinyName)
		g.Base = nil // as if the server were remote: refused before any request
		_, err := g.MeetingSkill(ctx, "1:1 with Kofi", testSkills)
		if !errors.Is(err, ErrTitlesStayLocal) {
			t.Errorf("err = %v", err)
		}
	})
}

func provenanceOf(res any) Provenance {
	switch r := res.(type) {
	case ProfileMap:
		return r.Provenance
	case Rewrite:
		return r.Provenance
	case MeetingMatch:
		return r.Provenance
	case Feedback:
		return r.Provenance
	case AILesson:
		return r.Provenance
	}
	return Provenance{} // an unknown result fails the provenance check
}
