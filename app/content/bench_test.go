package content

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkImport1000Lessons: reading, validating and writing a pack of
// 1,000 lessons (5 questions each) into a fresh store. Target: under 2 s.
func BenchmarkImport1000Lessons(b *testing.B) {
	dir := b.TempDir()
	for i := 0; i < 1000; i++ {
		l := strings.NewReplacer("id: listen-well", fmt.Sprintf("id: lesson-%04d", i)).Replace(goodLesson)
		// Five questions: the two of goodLesson plus three more ids.
		extra := ""
		for q := 0; q < 3; q++ {
			extra += fmt.Sprintf("  - id: extra-%d\n    type: single\n    prompt: \"Question %d of lesson %d?\"\n    options:\n"+
				"      - {text: \"Yes\", correct: true, why: \"Because it is.\"}\n      - {text: \"No\", correct: false, why: \"Because it is not.\"}\n", q, q, i)
		}
		l = strings.Replace(l, "---\nListening", extra+"---\nListening", 1)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("l%04d.md", i)), []byte(l), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "pack.yaml"), []byte("id: big\ntitle: Big\n"), 0o600)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := openStore(b)
		b.StartTimer()
		p, err := ReadPath(dir, DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		res, err := Import(ctx, st, p)
		if err != nil || res.Added != 1000 {
			b.Fatalf("%+v %v", res, err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}
