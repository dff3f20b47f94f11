package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tidbit-learn/tidbit/llm/ollamatest"
)

// TestLLMEvalWithoutServer: with no model server the command says what to
// do and fails, rather than hanging or printing an empty table.
func TestLLMEvalWithoutServer(t *testing.T) {
	addr := ollamatest.DownURL(t).Host
	var out, errb bytes.Buffer
	code := run([]string{"llm-eval", "--model", "tiny", "--host", addr, "--n", "1"}, &out, &errb)
	if code != 1 || !strings.Contains(out.String()+errb.String(), "ollama serve") {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	if code := run([]string{"llm-eval", "--host", "gpu.example.com"}, &out, &errb); code == 0 {
		t.Fatal("a remote host must be refused without --allow-remote")
	}
}
