package exchange

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/tidbit-learn/tidbit/app/content"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// problemsOf returns "line: message" for each problem of a content.Error.
func problemsOf(t *testing.T, err error) []content.Problem {
	t.Helper()
	var ce *content.Error
	if !errors.As(err, &ce) {
		t.Fatalf("want a *content.Error listing problems, got %T %v", err, err)
	}
	return ce.Problems
}

// wantProblems checks that err lists exactly the wanted problems: each
// "LINE: substring" matches one problem, in order.
func wantProblems(t *testing.T, err error, want []string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %q", want)
	}
	ps := problemsOf(t, err)
	if len(ps) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(want), err)
	}
	for i, w := range want {
		line, msg, _ := strings.Cut(w, ": ")
		gotLine := ps[i].Line
		if line != strconv.Itoa(gotLine) || !strings.Contains(ps[i].Msg, msg) {
			t.Errorf("problem %d: got %d: %q, want %s: ...%q...", i, gotLine, ps[i].Msg, line, msg)
		}
	}
}

// starterLessons are the real lessons of the starter library: the richest
// content there is to round-trip.
func starterLessons(t testing.TB) []store.Lesson {
	t.Helper()
	pk, err := content.ReadFS(assets.StarterPack(), "starter", content.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(pk.Lessons) < 10 {
		t.Fatalf("only %d starter lessons", len(pk.Lessons))
	}
	return pk.Lessons
}

// sameQuestions asserts that got has the questions of want, in order, with
// equal type, prompt, option texts, correct flags and whys.
func sameQuestions(t *testing.T, want, got []store.Question, checkWhy bool) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%d questions, want %d", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if w.Type != g.Type || w.Prompt != g.Prompt {
			t.Errorf("question %d (%s): got %s %q, want %s %q", i, w.ID, g.Type, g.Prompt, w.Type, w.Prompt)
			continue
		}
		wo, gopt := w.Options, g.Options
		if !checkWhy {
			wo, gopt = stripWhy(wo), stripWhy(gopt)
		}
		if !reflect.DeepEqual(wo, gopt) {
			t.Errorf("question %d (%s) options:\n got %+v\nwant %+v", i, w.ID, gopt, wo)
		}
	}
}

func stripWhy(opts []store.Option) []store.Option {
	out := make([]store.Option, len(opts))
	for i, o := range opts {
		out[i] = store.Option{Text: o.Text, Correct: o.Correct}
	}
	return out
}

func allQuestions(ls []store.Lesson) []store.Question {
	var out []store.Question
	for _, l := range ls {
		out = append(out, l.Questions...)
	}
	return out
}

// checkInvariants asserts what every imported pack must satisfy, whatever
// the input: the rules content applies to authored lessons.
func checkInvariants(t *testing.T, pk *content.Pack) {
	t.Helper()
	ids := map[string]bool{}
	for _, l := range pk.Lessons {
		if !assets.IDPattern.MatchString(l.ID) || ids[l.ID] {
			t.Fatalf("lesson id %q bad or repeated", l.ID)
		}
		ids[l.ID] = true
		if l.Body == "" || l.Title == "" || l.Kind != "lesson" || l.Minutes < 1 || l.Minutes > 5 || len(l.Skills) != 1 {
			t.Fatalf("lesson %s: %+v", l.ID, l)
		}
		if len(l.Questions) == 0 || len(l.Questions) > DefaultPerLesson*100 {
			t.Fatalf("lesson %s has %d questions", l.ID, len(l.Questions))
		}
		qids := map[string]bool{}
		for _, q := range l.Questions {
			if qids[q.ID] || !strings.HasPrefix(q.ID, l.ID+"/") {
				t.Fatalf("question id %q bad or repeated", q.ID)
			}
			qids[q.ID] = true
			if q.Prompt == "" || len(q.Options) < 2 || len(q.Options) > 6 {
				t.Fatalf("question %s: %+v", q.ID, q)
			}
			right := 0
			for _, o := range q.Options {
				if o.Text == "" || o.Why == "" {
					t.Fatalf("question %s: option without text or why: %+v", q.ID, o)
				}
				if o.Correct {
					right++
				}
			}
			if right == 0 || (q.Type != "multiple" && right != 1) {
				t.Fatalf("question %s (%s): %d right options", q.ID, q.Type, right)
			}
		}
	}
}
