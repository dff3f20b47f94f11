package llm

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestPromptsGolden pins the prompts and schemas of PromptVersion: a change
// shows up here, and a changed prompt needs a new PromptVersion (cached
// quizzes and provenance name it), hence a new golden file name.
func TestPromptsGolden(t *testing.T) {
	body, _ := neutralise(testLesson.Body)
	qs, _, err := ValidateQuiz(testLesson, []byte(quizJSON(goodQuestions())))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, got string }{
		{name: "generate", got: generationPrompt(testLesson, body, quizSchema(testLesson))},
		{name: "verify", got: verificationPrompt(testLesson, body, qs, verifySchema(len(qs)))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join("testdata", PromptVersion+"-"+tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(tc.got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (a new PromptVersion? run go test ./llm -run TestPromptsGolden -update)", err)
			}
			if string(want) != tc.got {
				t.Errorf("the %s prompt of %s changed; if that is intended, bump PromptVersion and run with -update.\ngot:\n%s", tc.name, PromptVersion, tc.got)
			}
		})
	}
}
