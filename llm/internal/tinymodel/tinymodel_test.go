package tinymodel

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ollama/ollama/fs/ggml"
)

func TestWriteReadsBack(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, 1); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "tidbit-tiny.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := ggml.Decode(f, -1)
	if err != nil {
		t.Fatalf("decoding the written model: %v", err)
	}
	kv := g.KV()
	if kv.Architecture() != "llama" || kv.BlockCount() != nLayer || kv.EmbeddingLength() != nEmbd {
		t.Errorf("kv: arch %s blocks %d width %d", kv.Architecture(), kv.BlockCount(), kv.EmbeddingLength())
	}
	toks := kv.Strings("tokenizer.ggml.tokens")
	if len(toks) != 256+6+2 || toks[kv.Uint("tokenizer.ggml.eos_token_id")] != "</s>" {
		t.Errorf("%d tokens, eos %d", len(toks), kv.Uint("tokenizer.ggml.eos_token_id"))
	}
	if n := len(g.Tensors().Items()); n != 3+9*nLayer {
		t.Errorf("%d tensors", n)
	}
	mf, err := os.ReadFile(filepath.Join(dir, "Modelfile"))
	if err != nil || !strings.HasPrefix(string(mf), "FROM ./tidbit-tiny.gguf\n") {
		t.Errorf("Modelfile %q, %v", mf, err)
	}

	// Deterministic: the same seed writes the same bytes.
	dir2 := t.TempDir()
	if err := Write(dir2, 1); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "tidbit-tiny.gguf"))
	b, _ := os.ReadFile(filepath.Join(dir2, "tidbit-tiny.gguf"))
	if !bytes.Equal(a, b) {
		t.Error("same seed, different model")
	}
}

func TestByteTokensAreGPT2(t *testing.T) {
	bt := byteTokens()
	if bt['a'] != "a" || bt[' '] != "Ġ" || bt['\n'] != "Ċ" {
		t.Errorf("byte tokens: a=%q space=%q newline=%q", bt['a'], bt[' '], bt['\n'])
	}
	seen := map[string]bool{}
	for _, s := range bt {
		if seen[s] {
			t.Fatalf("token %q twice", s)
		}
		seen[s] = true
	}
}
