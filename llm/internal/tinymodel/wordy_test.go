package tinymodel

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteWordy: a different model from Write's, whose letters outrank
// brackets and stay below the quote, so strings are letters that close at
// their minLength.
func TestWriteWordy(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	if err := Write(a, 1); err != nil {
		t.Fatal(err)
	}
	if err := WriteWordy(b, 1); err != nil {
		t.Fatal(err)
	}
	x, _ := os.ReadFile(filepath.Join(a, "tidbit-tiny.gguf"))
	y, _ := os.ReadFile(filepath.Join(b, "tidbit-tiny.gguf"))
	if len(y) == 0 || bytes.Equal(x, y) {
		t.Fatal("WriteWordy wrote the same model as Write (or nothing)")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name        string
		lo, hi      byte
		wordy, less bool
	}{
		{name: "letters above the closing bracket", lo: 'a', hi: ']', wordy: true},
		{name: "letters below the quote", lo: 'z', hi: '"', wordy: true, less: true},
		{name: "plain model keeps brackets first", lo: 'a', hi: ']', less: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, h := byteBias(tc.lo, rng, tc.wordy), byteBias(tc.hi, rng, tc.wordy)
			if (l < h) != tc.less {
				t.Errorf("bias %q = %v, %q = %v", tc.lo, l, tc.hi, h)
			}
		})
	}
}
