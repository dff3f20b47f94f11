// Command tinymodel writes the tiny test model of package tinymodel:
// go run ./llm/internal/tinymodel/cmd/tinymodel [-wordy] -out DIR, then
// ollama create tidbit-tiny -f DIR/Modelfile.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/tidbit-learn/tidbit/llm/internal/tinymodel"
)

func main() {
	out := flag.String("out", ".", "folder for tidbit-tiny.gguf and Modelfile")
	seed := flag.Uint64("seed", 1, "weights seed (the model is deterministic for a seed)")
	wordy := flag.Bool("wordy", false, "write the variant whose strings are letters (tinymodel.WriteWordy)")
	flag.Parse()
	write := tinymodel.Write
	if *wordy {
		write = tinymodel.WriteWordy
	}
	if err := write(*out, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "tinymodel:", err)
		os.Exit(1)
	}
	fmt.Println(*out)
}
