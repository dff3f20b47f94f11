package exchange

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
)

// bigGIFT is a bank of n questions in categories of 50, about 150 bytes each.
func bigGIFT(n int) []byte {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i%50 == 0 {
			fmt.Fprintf(&b, "$CATEGORY: $course$/top/Bank/Part %d\n\n", i/50)
		}
		fmt.Fprintf(&b, "::q%d:: Question number %d: which is right? {\n=right %d#Yes.\n~wrong %d#No.\n~other %d\n}\n\n", i, i, i, i, i)
	}
	return []byte(b.String())
}

func bigNotes(n int) []byte {
	var b strings.Builder
	b.WriteString("#separator:tab\n#html:true\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "Front <b>%d</b>\tBack %d\n", i, i%(n/2+1))
	}
	return []byte(b.String())
}

func BenchmarkReadGIFT(b *testing.B) {
	data := bigGIFT(10000) // ~1.3 MB
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadGIFT("bank.gift", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadAiken(b *testing.B) {
	var buf bytes.Buffer
	pk, err := ReadGIFT("bank.gift", bigGIFT(10000), Options{})
	if err != nil {
		b.Fatal(err)
	}
	WriteAiken(&buf, pk.Lessons)
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadAiken("bank.txt", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadAnkiText: distractor choice must stay linear in the notes.
func BenchmarkReadAnkiText(b *testing.B) {
	data := bigNotes(50000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadAnkiText("notes.tsv", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteAPKG(b *testing.B) {
	pk, err := ReadGIFT("bank.gift", bigGIFT(2000), Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := WriteAPKGTo(io.Discard, pk.Lessons); err != nil {
			b.Fatal(err)
		}
	}
}
