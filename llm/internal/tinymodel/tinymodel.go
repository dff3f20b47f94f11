// Package tinymodel writes a tiny llama-architecture GGUF model and a
// Modelfile for the llm integration tests, so that a real Ollama server can
// be exercised without downloading anything.
//
// The model (2 layers, width 64, F32, byte-level BPE vocabulary of the 256
// bytes plus a few merges and bos/eos) knows nothing; it exists to drive
// the whole path: request, schema grammar, streaming, parsing, validation,
// storage. Random weights alone rarely close a JSON string before
// num_predict, so one embedding dimension is held constant through the
// network (the layers never write to it) and the matching column of
// output.weight becomes a fixed per-token logit bias favouring the quote,
// closing brackets, letters and EOS. Under a JSON Schema grammar the output
// is then a short schema-valid object that ends with EOS.
//
// Command cmd/tinymodel wraps Write: go run ./llm/internal/tinymodel/cmd/tinymodel -out DIR
// writes DIR/tidbit-tiny.gguf and DIR/Modelfile; then `ollama create NAME -f DIR/Modelfile`.
package tinymodel

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/ollama/ollama/fs/ggml"
)

const (
	nEmbd   = 64
	nHead   = 4
	nFF     = 128
	nLayer  = 2
	nCtx    = 8192
	biasDim = 0 // the embedding dimension that carries the bias
)

// byteToken is GPT-2's bytes_to_unicode: printable bytes stand for
// themselves, the others are shifted to U+0100 and up.
func byteTokens() []string {
	var printable []int
	for b := '!'; b <= '~'; b++ {
		printable = append(printable, int(b))
	}
	for b := 0xA1; b <= 0xAC; b++ {
		printable = append(printable, b)
	}
	for b := 0xAE; b <= 0xFF; b++ {
		printable = append(printable, b)
	}
	isP := map[int]bool{}
	for _, b := range printable {
		isP[b] = true
	}
	out := make([]string, 256)
	n := 0
	for b := range 256 {
		if isP[b] {
			out[b] = string(rune(b))
		} else {
			out[b] = string(rune(256 + n))
			n++
		}
	}
	return out
}

type vocab struct {
	tokens []string
	types  []int32
	merges []string
	bias   []float32
	bos    uint32
	eos    uint32
}

func buildVocab(rng *rand.Rand, wordy bool) vocab {
	bt := byteTokens()
	var v vocab
	for b := range 256 {
		v.tokens = append(v.tokens, bt[b])
		v.types = append(v.types, 1)
		v.bias = append(v.bias, byteBias(byte(b), rng, wordy))
	}
	space := bt[' ']
	for _, m := range [][2]string{{space, "t"}, {space, "a"}, {"e", "r"}, {"i", "n"}, {"o", "n"}, {"t", "h"}} {
		v.merges = append(v.merges, m[0]+" "+m[1])
		v.tokens = append(v.tokens, m[0]+m[1])
		v.types = append(v.types, 1)
		v.bias = append(v.bias, 1)
	}
	v.bos = uint32(len(v.tokens))
	v.tokens = append(v.tokens, "<s>")
	v.types = append(v.types, 3)
	v.bias = append(v.bias, -10)
	v.eos = uint32(len(v.tokens))
	v.tokens = append(v.tokens, "</s>")
	v.types = append(v.types, 3)
	v.bias = append(v.bias, 6)
	return v
}

// byteBias is the logit bias of one byte token. The grammar decides what is
// allowed; the bias decides what wins among the allowed: close a string as
// soon as its minLength allows and close arrays rather than add items.
// Strings fill mostly with brackets: a variant that preferred letters inside
// strings was measured 3x slower per token under Ollama's grammar sampler
// (135 vs 43 ms a token on a loaded 2-core machine), and content is garbage
// either way.
//
// wordy (WriteWordy) ranks letters above the brackets and the quote far
// above both, so strings are letters that close as soon as their minLength
// allows (never 30 equal tokens in a row, which makes the server cancel):
// output that checks asking for words can accept.
func byteBias(b byte, rng *rand.Rand, wordy bool) float32 {
	switch {
	case wordy && b == '"':
		return 7
	case wordy && (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'):
		return 4.8 + float32(rng.Float64()*0.2-0.1)
	case b == '"':
		return 5
	case b == '}' || b == ']':
		return 4.5
	case b == ',' || b == ':' || b == '{' || b == '[':
		return 3
	case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z':
		return 2 + float32(rng.Float64()*0.6-0.3)
	case b >= '0' && b <= '9':
		return 2.5
	case b == ' ':
		return 1.5
	case b == '.' || b == '?':
		return 1
	}
	return -5
}

// f32 is tensor data written as little-endian float32.
type f32 []float32

func (d f32) WriteTo(w io.Writer) (int64, error) {
	buf := make([]byte, 4*len(d))
	for i, x := range d {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(x))
	}
	n, err := w.Write(buf)
	return int64(n), err
}

func tensor(name string, data f32, shape ...uint64) *ggml.Tensor {
	return &ggml.Tensor{Name: name, Kind: 0, Shape: shape, WriterTo: data}
}

func randn(rng *rand.Rand, n int, std float64) f32 {
	out := make(f32, n)
	for i := range out {
		out[i] = float32(rng.NormFloat64() * std)
	}
	return out
}

func ones(n int) f32 {
	out := make(f32, n)
	for i := range out {
		out[i] = 1
	}
	return out
}

// projection returns an in x out matrix (ggml order: in is the fast
// dimension) whose output row biasDim is zero when protect is set, so the
// layer never changes the bias dimension of the residual stream.
func projection(rng *rand.Rand, in, out int, std float64, protect bool) f32 {
	w := randn(rng, in*out, std)
	if protect {
		for i := range in {
			w[biasDim*in+i] = 0
		}
	}
	return w
}

// Write writes dir/tidbit-tiny.gguf and dir/Modelfile. The same seed gives
// the same model.
func Write(dir string, seed uint64) error {
	return write(dir, seed, false)
}

// WriteWordy is Write for a model whose strings are random letters instead
// of mostly brackets (see byteBias): the personalisation tests use it so
// that validators requiring words accept some real-server output.
func WriteWordy(dir string, seed uint64) error {
	return write(dir, seed, true)
}

func write(dir string, seed uint64, wordy bool) error {
	rng := rand.New(rand.NewPCG(seed, 0x7469646269742d74))
	v := buildVocab(rng, wordy)
	nVocab := len(v.tokens)

	// Embeddings: the bias dimension is 1 for every token and dominates
	// the RMS norm, so after output_norm it is a near-constant ~sqrt(nEmbd).
	embd := randn(rng, nEmbd*nVocab, 0.02)
	for t := range nVocab {
		embd[t*nEmbd+biasDim] = 1
	}
	// output.weight: logit_t = sum_i W[i,t] h_i; row biasDim carries the bias.
	outW := randn(rng, nEmbd*nVocab, 0.05)
	scale := float32(1 / math.Sqrt(nEmbd))
	for t := range nVocab {
		outW[t*nEmbd+biasDim] = v.bias[t] * scale
	}

	ts := []*ggml.Tensor{
		tensor("token_embd.weight", embd, nEmbd, uint64(nVocab)),
		tensor("output_norm.weight", ones(nEmbd), nEmbd),
		tensor("output.weight", outW, nEmbd, uint64(nVocab)),
	}
	for l := range nLayer {
		p := fmt.Sprintf("blk.%d.", l)
		ts = append(ts,
			tensor(p+"attn_norm.weight", ones(nEmbd), nEmbd),
			tensor(p+"attn_q.weight", projection(rng, nEmbd, nEmbd, 0.05, false), nEmbd, nEmbd),
			tensor(p+"attn_k.weight", projection(rng, nEmbd, nEmbd, 0.05, false), nEmbd, nEmbd),
			tensor(p+"attn_v.weight", projection(rng, nEmbd, nEmbd, 0.05, false), nEmbd, nEmbd),
			tensor(p+"attn_output.weight", projection(rng, nEmbd, nEmbd, 0.05, true), nEmbd, nEmbd),
			tensor(p+"ffn_norm.weight", ones(nEmbd), nEmbd),
			tensor(p+"ffn_gate.weight", projection(rng, nEmbd, nFF, 0.05, false), nEmbd, nFF),
			tensor(p+"ffn_up.weight", projection(rng, nEmbd, nFF, 0.05, false), nEmbd, nFF),
			tensor(p+"ffn_down.weight", projection(rng, nFF, nEmbd, 0.05, true), nFF, nEmbd),
		)
	}

	scores := make([]float32, nVocab)
	kv := ggml.KV{
		"general.architecture":                   "llama",
		"general.name":                           "tidbit-tiny",
		"general.file_type":                      uint32(0),
		"llama.context_length":                   uint32(nCtx),
		"llama.embedding_length":                 uint32(nEmbd),
		"llama.block_count":                      uint32(nLayer),
		"llama.feed_forward_length":              uint32(nFF),
		"llama.attention.head_count":             uint32(nHead),
		"llama.attention.head_count_kv":          uint32(nHead),
		"llama.attention.layer_norm_rms_epsilon": float32(1e-5),
		"llama.rope.dimension_count":             uint32(nEmbd / nHead),
		"llama.rope.freq_base":                   float32(10000),
		"llama.vocab_size":                       uint32(nVocab),
		"tokenizer.ggml.model":                   "gpt2",
		"tokenizer.ggml.pre":                     "default",
		"tokenizer.ggml.tokens":                  v.tokens,
		"tokenizer.ggml.token_type":              v.types,
		"tokenizer.ggml.scores":                  scores,
		"tokenizer.ggml.merges":                  v.merges,
		"tokenizer.ggml.bos_token_id":            v.bos,
		"tokenizer.ggml.eos_token_id":            v.eos,
		"tokenizer.ggml.add_bos_token":           true,
		"tokenizer.ggml.add_eos_token":           false,
	}

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, "tidbit-tiny.gguf")
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := ggml.WriteGGUF(f, kv, ts); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	modelfile := "FROM ./tidbit-tiny.gguf\n" +
		"TEMPLATE \"\"\"{{ if .System }}{{ .System }}\n{{ end }}{{ .Prompt }}\n\"\"\"\n" +
		fmt.Sprintf("PARAMETER num_ctx %d\n", nCtx) +
		"PARAMETER stop </s>\n"
	return os.WriteFile(filepath.Join(dir, "Modelfile"), []byte(modelfile), 0o644)
}
