package content

import (
	"archive/zip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/store"
)

const goodLesson = `---
id: listen-well
title: Listen well
skills: [active-listening]
level: 2
minutes: 3
kind: lesson
prerequisites: []
questions:
  - id: paraphrase
    type: single
    prompt: "Why paraphrase?"
    options:
      - text: "To check understanding"
        correct: true
        why: "Right: the speaker can correct you."
      - text: "To show memory"
        correct: false
        why: "Parroting shows memory, not understanding."
  - id: silence
    type: truefalse
    prompt: "A pause can help the speaker say more."
    options:
      - text: "True"
        correct: true
        why: "Silence invites the rest of the thought."
      - text: "False"
        correct: false
        why: "A pause often brings out what they hesitated to say."
---
Listening is a skill. Attend, play it back, ask one open question.
`

// writePack writes files (name -> content) into a new folder.
func writePack(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "pack")
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReadGoodPack(t *testing.T) {
	dir := writePack(t, map[string]string{
		"pack.yaml":      "id: team-pack\ntitle: Team pack\nversion: 2\n",
		"listen-well.md": goodLesson,
		"notes.txt":      "not a lesson: ignored",
	})
	p, err := ReadPath(dir, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if p.Meta.ID != "team-pack" || p.Meta.Version != "2" || len(p.Lessons) != 1 {
		t.Fatalf("meta %+v, %d lessons", p.Meta, len(p.Lessons))
	}
	l := p.Lessons[0]
	if l.ID != "listen-well" || l.Level != 2 || l.Minutes != 3 || len(l.Questions) != 2 {
		t.Fatalf("lesson %+v", l)
	}
	if q := l.Questions[0]; q.ID != "listen-well/paraphrase" || !q.Options[0].Correct || q.Options[1].Why == "" {
		t.Fatalf("question %+v", q)
	}
	if !strings.HasPrefix(l.Body, "Listening is a skill.") {
		t.Fatalf("body %q", l.Body)
	}
}

func replace(old, new string) string { return strings.Replace(goodLesson, old, new, 1) }

// TestBadLessons: every broken lesson is refused with its file, the line of
// the problem and words that say what is wrong.
// badLessons are the table of TestBadLessons; FuzzParseLesson is seeded
// from them too.
var badLessons = []struct {
	name   string
	lesson string
	want   string // "file:line: text"
}{
	{"no front matter", "# Just markdown\n", "a.md:1: must start with a '---' line"},
	{"unclosed front matter", "---\nid: x\n", "a.md:1: the front matter has no closing '---' line"},
	{"bad yaml", replace("level: 2", "level: [2"), "a.md:5: YAML: did not find expected ',' or ']'"},
	{"bad indentation", replace(`    prompt: "Why paraphrase?"`, `   prompt: "Why paraphrase?"`), "a.md:10: YAML: did not find expected '-' indicator"},
	{"tab indentation", replace("level: 2", "level: 2\n\tminutes: 3"), "a.md:6: YAML: found a tab character that violates indentation"},
	{"unknown field", replace("level: 2", "level: 2\ncolour: red"), `a.md:6: unknown field "colour"`},
	{"missing title", replace("title: Listen well\n", ""), `missing required field "title"`},
	{"level out of range", replace("level: 2", "level: 9"), `a.md:5: "level" is 9; it must be from 1 to 5`},
	{"minutes not a number", replace("minutes: 3", "minutes: three"), `a.md:6: "minutes" must be a whole number`},
	{"bad kind", replace("kind: lesson", "kind: lecture"), `a.md:7: kind "lecture"`},
	{"bad id", replace("id: listen-well", "id: Listen Well"), `a.md:2: id "Listen Well"`},
	{"two correct in single", replace("correct: false\n        why: \"Parroting", "correct: true\n        why: \"Parroting"), "exactly one correct option, this one 2"},
	{"no why", replace("        why: \"Parroting shows memory, not understanding.\"\n", ""), `missing required field "why"`},
	{"empty why", replace(`why: "Parroting shows memory, not understanding."`, `why: ""`), `"why" is empty`},
	{"duplicate option", replace(`"To show memory"`, `"To check understanding"`), "the same text as the option on line"},
	{"truefalse with other options", replace(`- text: "False"`, `- text: "Maybe"`), "exactly the options True and False"},
	{"duplicate question id", replace("id: silence", "id: paraphrase"), `question id "paraphrase" is used twice`},
	{"bad question type", replace("type: single", "type: essay"), `type "essay"`},
	{"empty body", strings.Split(goodLesson, "---\nListening")[0] + "---\n", "the lesson body"},
	{"correct not bool", replace("correct: true", "correct: yes please"), `"correct" must be true or false`},
	{"too many skills", replace("skills: [active-listening]", "skills: [a1, a2, a3, a4]"), "1 to 3 skills"},
}

func TestBadLessons(t *testing.T) {
	tests := badLessons
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writePack(t, map[string]string{"a.md": tc.lesson, "ok.md": strings.Replace(goodLesson, "listen-well", "other", 1)})
			_, err := ReadPath(dir, DefaultLimits)
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a content.Error", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error does not contain %q:\n%v", tc.want, err)
			}
			for _, p := range pe.Problems {
				if p.File != "a.md" {
					t.Errorf("problem blamed on %s, the good file: %v", p.File, p)
				}
			}
		})
	}
}

func TestPackProblems(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"unknown skill", map[string]string{"a.md": replace("skills: [active-listening]", "skills: [active-listening, juggling]")},
			`a.md:4: unknown skill "juggling"`},
		{"duplicate ids in a pack", map[string]string{"a.md": goodLesson, "b.md": goodLesson}, `duplicate lesson id "listen-well"`},
		{"missing prerequisite", map[string]string{"a.md": replace("prerequisites: []", "prerequisites: [nowhere]")},
			`a.md:8: prerequisite "nowhere" is neither in this pack nor imported`},
		{"prerequisite cycle", map[string]string{
			"a.md": replace("prerequisites: []", "prerequisites: [other]"),
			"b.md": strings.Replace(replace("prerequisites: []", "prerequisites: [listen-well]"), "id: listen-well", "id: other", 1)},
			"prerequisites form a cycle"},
		{"no lessons", map[string]string{"pack.yaml": "id: empty\n"}, "no lessons"},
		{"bad manifest", map[string]string{"pack.yaml": "id: ok\nowner: me\n", "a.md": goodLesson}, `pack.yaml:2: unknown field "owner"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := st.Library(ctx)
			p, err := ReadPath(writePack(t, tc.files), DefaultLimits)
			if err == nil {
				_, err = Import(ctx, st, p)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			after, _ := st.Library(ctx)
			if len(after) != len(before) {
				t.Fatalf("library went from %d to %d lessons: a failed import changed the store", len(before), len(after))
			}
		})
	}
}

func TestOneBadFileImportsNothing(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	dir := writePack(t, map[string]string{
		"good.md": goodLesson,
		"bad.md":  strings.Replace(replace("level: 2", "level: 7"), "listen-well", "bad-one", 1),
	})
	if _, err := ReadPath(dir, DefaultLimits); err == nil {
		t.Fatal("want an error")
	}
	// Past the parser (the skill check happens against the store), the
	// transaction is the guard: a pack whose second lesson names an unknown
	// skill must leave no trace of the first.
	dir = writePack(t, map[string]string{
		"good.md": goodLesson,
		"bad.md":  strings.Replace(replace("skills: [active-listening]", "skills: [no-such-skill]"), "listen-well", "bad-one", 1),
	})
	p, err := ReadPath(dir, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Import(ctx, st, p); err == nil {
		t.Fatal("want an error")
	}
	lib, _ := st.Library(ctx)
	if len(lib) != 0 {
		t.Fatalf("%d lessons imported from a bad pack", len(lib))
	}
}

func TestDuplicateIDAcrossPacks(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	a, err := ReadPath(writePack(t, map[string]string{"pack.yaml": "id: pack-a\n", "l.md": goodLesson}), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Import(ctx, st, a); err != nil {
		t.Fatal(err)
	}
	b, err := ReadPath(writePack(t, map[string]string{"pack.yaml": "id: pack-b\n", "l.md": goodLesson}), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Import(ctx, st, b)
	if err == nil || !strings.Contains(err.Error(), `already belongs to pack "pack-a"`) {
		t.Fatalf("err = %v", err)
	}
}

// TestUpdateKeepsProgress: re-importing an edited lesson updates it in place
// (same ids, version bumped) and the learner's answers still point at it.
func TestUpdateKeepsProgress(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	imp := func(lesson string) store.ImportResult {
		t.Helper()
		p, err := ReadPath(writePack(t, map[string]string{"pack.yaml": "id: pk\n", "l.md": lesson}), DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Import(ctx, st, p)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := imp(goodLesson); res.Added != 1 {
		t.Fatalf("%+v", res)
	}
	now := time.Now()
	if err := st.StartAttempt(ctx, store.Attempt{ID: "att-1", LessonID: "listen-well", Kind: "lesson", StartedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordAnswer(ctx, store.Answer{ID: "ans-1", AttemptID: "att-1", QuestionID: "listen-well/paraphrase",
		QuestionHash: "h", Chosen: []int{0}, Correct: true, AnsweredAt: now}); err != nil {
		t.Fatal(err)
	}
	if res := imp(goodLesson); res.Same != 1 || res.Updated != 0 {
		t.Fatalf("identical re-import: %+v", res)
	}
	edited := replace("Listening is a skill.", "Listening is a learnable skill.")
	edited = strings.Replace(edited, "  - id: silence", "  - id: silence-gone", 1)
	res := imp(edited)
	if res.Updated != 1 || res.QuestionsRetired != 1 {
		t.Fatalf("edited re-import: %+v", res)
	}
	l, err := st.Lesson(ctx, "listen-well")
	if err != nil {
		t.Fatal(err)
	}
	if l.Version != 2 || !strings.Contains(l.Body, "learnable") || len(l.Questions) != 2 {
		t.Fatalf("lesson after update: version %d, %d questions, body %q", l.Version, len(l.Questions), l.Body)
	}
	answers, err := st.AnswersOf(ctx, "att-1")
	if err != nil || len(answers) != 1 || answers[0].QuestionID != "listen-well/paraphrase" {
		t.Fatalf("answers after update: %v %+v", err, answers)
	}
	prog, _ := st.Progress(ctx)
	if prog["listen-well"].Answered != 1 {
		t.Fatalf("progress lost: %+v", prog["listen-well"])
	}
}

func writeZip(t *testing.T, entries map[string]string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pack.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, body := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

func TestZipPacks(t *testing.T) {
	t.Run("folder inside zip", func(t *testing.T) {
		p, err := ReadPath(writeZip(t, map[string]string{"team/pack.yaml": "id: zipped\n", "team/l.md": goodLesson}), DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		if p.Meta.ID != "zipped" || len(p.Lessons) != 1 {
			t.Fatalf("%+v", p.Meta)
		}
	})
	for _, name := range []string{"../evil.md", "team/../../evil.md", "/etc/evil.md", `team\..\evil.md`, "C:/evil.md"} {
		t.Run("zip slip "+name, func(t *testing.T) {
			_, err := ReadPath(writeZip(t, map[string]string{"l.md": goodLesson, name: goodLesson}), DefaultLimits)
			if err == nil || !strings.Contains(err.Error(), "nothing was imported") {
				t.Fatalf("err = %v", err)
			}
		})
	}
	t.Run("zip bomb", func(t *testing.T) {
		big := strings.Repeat("a", int(DefaultLimits.FileBytes)+10)
		_, err := ReadPath(writeZip(t, map[string]string{"l.md": goodLesson, "big.md": big}), DefaultLimits)
		if err == nil || !strings.Contains(err.Error(), "limit") && !strings.Contains(err.Error(), "inflates") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("not a zip", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "x.zip")
		os.WriteFile(p, []byte("hello"), 0o600)
		if _, err := ReadPath(p, DefaultLimits); err == nil || !strings.Contains(err.Error(), "not a readable zip") {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestHugeFile: a 2 GB lesson file is refused from its size alone, without
// being read (the file is sparse, so the test costs no disk).
func TestHugeFile(t *testing.T) {
	dir := writePack(t, map[string]string{"l.md": goodLesson})
	f, err := os.Create(filepath.Join(dir, "huge.md"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(2 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	start := time.Now()
	_, err = ReadPath(dir, DefaultLimits)
	if err == nil || !strings.Contains(err.Error(), "huge.md is 2147483648 bytes") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("refusing took %v: the file was read", d)
	}
}

func TestNotAPack(t *testing.T) {
	p := filepath.Join(t.TempDir(), "lesson.txt")
	os.WriteFile(p, []byte("x"), 0o600)
	if _, err := ReadPath(p, DefaultLimits); err == nil || !strings.Contains(err.Error(), "a pack is a folder or a .zip") {
		t.Fatalf("err = %v", err)
	}
	if _, err := ReadPath(filepath.Join(t.TempDir(), "missing"), DefaultLimits); err == nil {
		t.Fatal("want an error for a missing path")
	}
}

// FuzzParseLesson: no input makes the parser panic, and whatever it accepts
// satisfies the format's rules.
func FuzzParseLesson(f *testing.F) {
	f.Add([]byte(goodLesson))
	for _, tc := range badLessons {
		f.Add([]byte(tc.lesson))
	}
	for _, s := range []string{
		replace("level: 2", "level: [2"), replace("level: 2", "level: 2\ncolour: red"), "---\n---\n", "---\nid: x\n",
		replace("type: single", "type: multiple"), "\xef\xbb\xbf" + goodLesson, strings.ReplaceAll(goodLesson, "\n", "\r\n"),
		"---\n: :\n---\nbody", "---\n- a\n- b\n---\nbody", "---\nquestions: {a: b}\n---\nx",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e := &Error{Source: "fuzz"}
		l, _, ok := parseLesson("f.md", data, e)
		if ok != (len(e.Problems) == 0) {
			t.Fatalf("ok=%v with %d problems", ok, len(e.Problems))
		}
		if !ok {
			for _, p := range e.Problems {
				if p.Msg == "" {
					t.Fatal("a problem without a message")
				}
			}
			return
		}
		if l.Level < 1 || l.Level > 5 || l.Minutes < 1 || l.Minutes > 5 || l.Body == "" || len(l.Questions) == 0 {
			t.Fatalf("accepted an invalid lesson: %+v", l)
		}
		for _, q := range l.Questions {
			n := 0
			for _, o := range q.Options {
				if o.Correct {
					n++
				}
				if o.Why == "" {
					t.Fatal("accepted an option without why")
				}
			}
			if (q.Type == "single" || q.Type == "truefalse") && n != 1 {
				t.Fatalf("accepted %s question with %d correct", q.Type, n)
			}
		}
	})
}
