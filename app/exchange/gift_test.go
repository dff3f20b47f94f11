package exchange

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/tidbit-learn/tidbit/app/content"
	"github.com/tidbit-learn/tidbit/app/store"
)

type giftCase struct {
	name  string
	in    string
	want  []store.Question // Type, Prompt, Options compared
	group []string         // lesson titles, in order (nil: not checked)
	body  string           // first lesson's body (empty: not checked)
}

var giftCases = []giftCase{
	{
		name: "single choice with feedback",
		in:   "::Capital:: What is the capital of France? {=Paris#Right: since 508. ~Lyon#No, the third city.}",
		want: []store.Question{{Type: "single", Prompt: "What is the capital of France?", Options: []store.Option{
			{Text: "Paris", Correct: true, Why: "Right: since 508."}, {Text: "Lyon", Why: "No, the third city."}}}},
	},
	{
		name: "generated whys",
		in:   "Two plus two? {\n=four\n~five\n~three\n}",
		want: []store.Question{{Type: "single", Prompt: "Two plus two?", Options: []store.Option{
			{Text: "four", Correct: true, Why: "The correct answer is: four."},
			{Text: "five", Why: "The correct answer is: four."},
			{Text: "three", Why: "The correct answer is: four."}}}},
	},
	{
		name: "true false short form",
		in:   "Grass is green. {T}",
		want: []store.Question{{Type: "truefalse", Prompt: "Grass is green.", Options: []store.Option{
			{Text: "True", Correct: true, Why: "The correct answer is: True."},
			{Text: "False", Why: "The correct answer is: True."}}}},
	},
	{
		name: "true false long form with feedback",
		in:   "The sun is cold. {FALSE#No: it is about 5,500 °C at the surface.#Right, it is hot.}",
		want: []store.Question{{Type: "truefalse", Prompt: "The sun is cold.", Options: []store.Option{
			{Text: "True", Why: "No: it is about 5,500 °C at the surface."},
			{Text: "False", Correct: true, Why: "Right, it is hot."}}}},
	},
	{
		name: "multiple answer weights",
		in:   "Which are primes? {~%50%2#Yes. ~%50%3#Yes. ~%-100%4#Even.}",
		want: []store.Question{{Type: "multiple", Prompt: "Which are primes?", Options: []store.Option{
			{Text: "2", Correct: true, Why: "Yes."}, {Text: "3", Correct: true, Why: "Yes."}, {Text: "4", Why: "Even."}}}},
	},
	{
		name: "escapes",
		in:   `What does \{x\} \= 1 \# mean\: here? {=a set \~ b#see \\ docs ~nothing}`,
		want: []store.Question{{Type: "single", Prompt: `What does {x} = 1 # mean: here?`, Options: []store.Option{
			{Text: "a set ~ b", Correct: true, Why: `see \ docs`}, {Text: "nothing", Why: "The correct answer is: a set ~ b."}}}},
	},
	{
		name: "comments, categories and multi-line",
		in: "// a comment\n$CATEGORY: $course$/top/Geography\n\n::Q1::\nWhich river\n// inside comment\nruns through Paris? {\n  =Seine\n  ~Rhine\n}\n\n" +
			"$CATEGORY: $course$/top/Maths//Logic\n\n1 + 1 = 2 {TRUE}\n",
		want: []store.Question{
			{Type: "single", Prompt: "Which river\nruns through Paris?", Options: []store.Option{
				{Text: "Seine", Correct: true, Why: "The correct answer is: Seine."}, {Text: "Rhine", Why: "The correct answer is: Seine."}}},
			{Type: "truefalse", Prompt: "1 + 1 = 2", Options: []store.Option{
				{Text: "True", Correct: true, Why: "The correct answer is: True."}, {Text: "False", Why: "The correct answer is: True."}}},
		},
		group: []string{"Geography", "Maths/Logic"},
	},
	{
		name: "html stripped, markdown kept",
		in:   "[html]<p>What is <b>bold</b> &amp; bright?</p> {=<i>Sun</i> ~Moon}\n\n[markdown]Is **this** Markdown? {T}",
		want: []store.Question{
			{Type: "single", Prompt: "What is bold & bright?", Options: []store.Option{
				{Text: "Sun", Correct: true, Why: "The correct answer is: Sun."}, {Text: "Moon", Why: "The correct answer is: Sun."}}},
			{Type: "truefalse", Prompt: "Is **this** Markdown?", Options: []store.Option{
				{Text: "True", Correct: true, Why: "The correct answer is: True."}, {Text: "False", Why: "The correct answer is: True."}}},
		},
	},
	{
		name: "missing word",
		in:   "Moodle costs {~lots of money =nothing ~a small amount} to download.",
		want: []store.Question{{Type: "single", Prompt: "Moodle costs _____ to download.", Options: []store.Option{
			{Text: "lots of money", Why: "The correct answer is: nothing."}, {Text: "nothing", Correct: true, Why: "The correct answer is: nothing."},
			{Text: "a small amount", Why: "The correct answer is: nothing."}}}},
	},
	{
		name: "general feedback fills missing whys",
		in:   "Pick blue. {=blue ~red#Red is warm. ####Blue is the colour of the sky.}",
		want: []store.Question{{Type: "single", Prompt: "Pick blue.", Options: []store.Option{
			{Text: "blue", Correct: true, Why: "The correct answer is: blue. Blue is the colour of the sky."},
			{Text: "red", Why: "Red is warm."}}}},
	},
	{
		name: "description becomes the body",
		in:   "[markdown]Paris has been the capital since 508.\\n\\nIt has 2 million people.\n\nCapital of France? {=Paris ~Nice}",
		want: []store.Question{{Type: "single", Prompt: "Capital of France?", Options: []store.Option{
			{Text: "Paris", Correct: true, Why: "The correct answer is: Paris."}, {Text: "Nice", Why: "The correct answer is: Paris."}}}},
		body: "Paris has been the capital since 508.\n\nIt has 2 million people.",
	},
	{
		name: "partial credit in a single-choice question counts as wrong (Moodle: = makes it single-select)",
		in:   "::Jesus' hometown::Jesus Christ was from {\n~Jerusalem#An important city.\n~%25%Bethlehem#Born here.\n~%50%Galilee#Be more specific.\n=Nazareth#Yes!\n}",
		want: []store.Question{{Type: "single", Prompt: "Jesus Christ was from", Options: []store.Option{
			{Text: "Jerusalem", Why: "An important city."}, {Text: "Bethlehem", Why: "Born here."},
			{Text: "Galilee", Why: "Be more specific."}, {Text: "Nazareth", Correct: true, Why: "Yes!"}}}},
	},
	{
		name: "multiple answer with one right answer (as Moodle exports it)",
		in:   "Pick the prime. {\n~%100%7#Prime.\n~%-100%8#Even.\n}",
		want: []store.Question{{Type: "multiple", Prompt: "Pick the prime.", Options: []store.Option{
			{Text: "7", Correct: true, Why: "Prime."}, {Text: "8", Why: "Even."}}}},
	},
	{
		name: "html feedback follows the question's format",
		in:   "[html]<p>Q?</p>{=<b>a</b>#<i>yes</i> ~b#no&amp;}",
		want: []store.Question{{Type: "single", Prompt: "Q?", Options: []store.Option{
			{Text: "a", Correct: true, Why: "yes"}, {Text: "b", Why: "no&"}}}},
	},
	{
		name: "arrow in a multiple-choice answer is not matching",
		in:   "Which way is forward? {=a -> b ~b -> a}",
		want: []store.Question{{Type: "single", Prompt: "Which way is forward?", Options: []store.Option{
			{Text: "a -> b", Correct: true, Why: "The correct answer is: a -> b."}, {Text: "b -> a", Why: "The correct answer is: a -> b."}}}},
	},
	{
		name: "CRLF and BOM",
		in:   "\xef\xbb\xbfQ? {\r\n=a\r\n~b\r\n}\r\n",
		want: []store.Question{{Type: "single", Prompt: "Q?", Options: []store.Option{
			{Text: "a", Correct: true, Why: "The correct answer is: a."}, {Text: "b", Why: "The correct answer is: a."}}}},
	},
}

func TestGIFTImport(t *testing.T) {
	for _, tc := range giftCases {
		t.Run(tc.name, func(t *testing.T) {
			pk, err := ReadGIFT("quiz.gift", []byte(tc.in), Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, pk)
			got := allQuestions(pk.Lessons)
			sameQuestions(t, tc.want, got, true)
			if tc.group != nil {
				var titles []string
				for _, l := range pk.Lessons {
					titles = append(titles, l.Title)
				}
				if !reflect.DeepEqual(titles, tc.group) {
					t.Errorf("lesson titles %q, want %q", titles, tc.group)
				}
			}
			if tc.body != "" && pk.Lessons[0].Body != tc.body {
				t.Errorf("body %q, want %q", pk.Lessons[0].Body, tc.body)
			}
		})
	}
}

var giftErrorCases = []struct {
	name string
	in   string
	want []string // "line: message part"
}{
	{"unclosed answer block", "Q1? {=a ~b}\n\nQ2?\n{=a\n~b\n", []string{"4: never closed with }"}},
	{"blank line inside block", "Q? {\n=a\n\n~b\n}\n", []string{"1: never closed", "5: a } with no {"}},
	{"no correct answer", "\n\nPick one. {~a ~b}", []string{"3: no correct answer"}},
	{"two equals", "Pick. {=a =b ~c}", []string{"1: 2 answers are marked ="}},
	{"too many options", "Q? {=1 ~2 ~3 ~4 ~5 ~6 ~7}", []string{"1: 2 to 6 options in Tidbit, this one has 7"}},
	{"one option", "Q? {=1 ~%0%1b}\n\nR? {~only}", []string{"3: no correct answer"}},
	{"duplicate option", "Q? {\n=Paris\n~paris\n}", []string{"3: same text as option 1"}},
	{"empty option", "Q? {\n=\n~b\n}", []string{"2: option 1 is empty"}},
	{"bad weight", "Q? {\n~%fifty%a\n~b\n}", []string{"2: answer weight"}},
	{"text before answers", "Q? {junk =a ~b}", []string{"1: before the first answer"}},
	{"unclosed title", "::Title Q? {=a ~b}", []string{"1: not closed with ::"}},
	{"second answer block", "Q {=a ~b} and {=c ~d}", []string{"1: a second answer block"}},
	{"category not alone", "$CATEGORY: x\nQ? {=a ~b}", []string{"2: stands alone"}},
	{"several problems at once", "A? {~a ~b}\n\nB? {=a ~a}\n\nC? {=x", []string{"1: no correct answer", "3: same text", "5: never closed"}},
	{"not utf-8", "Q? {=a ~b}\n\nR? {=\xff ~b}", []string{"3: not UTF-8"}},
	{"only essays", "Write an essay. {}", []string{"0: nothing Tidbit can ask"}},
	{"empty file", "// only a comment\n", []string{"0: nothing Tidbit can ask"}},
}

func TestGIFTErrors(t *testing.T) {
	for _, tc := range giftErrorCases {
		t.Run(tc.name, func(t *testing.T) {
			pk, err := ReadGIFT("bad.gift", []byte(tc.in), Options{})
			if pk != nil {
				t.Fatalf("got a pack despite errors: %+v", pk.Lessons)
			}
			wantProblems(t, err, tc.want)
			for _, p := range problemsOf(t, err) {
				if p.File != "bad.gift" {
					t.Errorf("problem names file %q, want bad.gift", p.File)
				}
			}
		})
	}
}

func TestGIFTUnsupportedTypes(t *testing.T) {
	in := "Write about X. {}\n\n" + // 1 essay
		"Who wrote Hamlet? {=Shakespeare =W. Shakespeare}\n\n" + // 3 short answer
		"Pi to 2 places? {#3.14:0.01}\n\n" + // 5 numerical
		"Match. {=cat -> meow =dog -> woof =cow -> moo}\n\n" + // 7 matching
		"Kept? {=yes ~no}\n" // 9
	var warned []content.Problem
	pk, err := ReadGIFT("mixed.gift", []byte(in), Options{Warn: func(p content.Problem) { warned = append(warned, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(allQuestions(pk.Lessons)); n != 1 {
		t.Fatalf("%d questions kept, want 1", n)
	}
	want := []struct {
		line int
		kind string
	}{{1, "essay"}, {3, "short-answer"}, {5, "numerical"}, {7, "matching"}}
	if len(warned) != len(want) {
		t.Fatalf("warnings %v, want %d", warned, len(want))
	}
	for i, w := range want {
		if warned[i].Line != w.line || !strings.Contains(warned[i].Msg, w.kind) || !strings.Contains(warned[i].Msg, "skipped") || warned[i].File != "mixed.gift" {
			t.Errorf("warning %d: %v, want line %d about %s", i, warned[i], w.line, w.kind)
		}
	}

	_, err = ReadGIFT("mixed.gift", []byte(in), Options{Strict: true})
	wantProblems(t, err, []string{"1: essay", "3: short-answer", "5: numerical", "7: matching"})
}

func TestGIFTStableIDs(t *testing.T) {
	in := "$CATEGORY: Geo\n\nA? {=a ~b}\n\nB? {=a ~b}\n\nA? {=c ~d}\n"
	pk1, err := ReadGIFT("geo.gift", []byte(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Feedback edited: same ids, so the learner's history stays.
	edited := strings.Replace(in, "B? {=a ~b}", "B? {=a#because ~b}", 1)
	pk2, err := ReadGIFT("geo.gift", []byte(edited), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(pk *content.Pack) []string {
		var out []string
		for _, q := range allQuestions(pk.Lessons) {
			out = append(out, q.ID)
		}
		return out
	}
	if a, b := ids(pk1), ids(pk2); !reflect.DeepEqual(a, b) {
		t.Errorf("ids changed with an edit: %v -> %v", a, b)
	}
	got := ids(pk1)
	if got[0]+"-2" != got[2] || got[0] == got[1] {
		t.Errorf("repeated question text: ids %v", got)
	}
	if !strings.HasPrefix(got[0], "geo-geo-1/q") {
		t.Errorf("id %q", got[0])
	}
	if pk1.Meta.ContentHash == pk2.Meta.ContentHash {
		t.Error("content hash did not change with the content")
	}
}

func TestGIFTSplitsLargeGroups(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 14; i++ {
		b.WriteString("Q" + strings.Repeat("i", i+1) + "? {=a ~b}\n\n")
	}
	pk, err := ReadGIFT("big-bank.gift", []byte(b.String()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range pk.Lessons {
		got = append(got, l.ID+" "+l.Title+" "+strings.Repeat("q", len(l.Questions)))
	}
	want := []string{"big-bank-1 Big bank (1/3) qqqqqq", "big-bank-2 Big bank (2/3) qqqqqq", "big-bank-3 Big bank (3/3) qq"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lessons %q, want %q", got, want)
	}
}

// TestGIFTRoundTrip exports every starter lesson and imports the result:
// prompts, options, correct flags and whys come back unchanged.
func TestGIFTRoundTrip(t *testing.T) {
	lessons := starterLessons(t)
	var buf bytes.Buffer
	if err := WriteGIFT(&buf, lessons); err != nil {
		t.Fatal(err)
	}
	pk, err := ReadGIFT("starter.gift", buf.Bytes(), Options{PerLesson: 100})
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, pk)
	if len(pk.Lessons) != len(lessons) {
		t.Fatalf("%d lessons back, want %d", len(pk.Lessons), len(lessons))
	}
	for i, l := range lessons {
		got := pk.Lessons[i]
		if got.Title != l.Title || got.Body != l.Body {
			t.Errorf("lesson %s: title %q body %.40q, want %q %.40q", l.ID, got.Title, got.Body, l.Title, l.Body)
		}
		sameQuestions(t, l.Questions, got.Questions, true)
	}
}

func TestGIFTExportGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteGIFT(&buf, fixtureLessons()); err != nil {
		t.Fatal(err)
	}
	golden(t, "export.gift", buf.Bytes())
	pk, err := ReadGIFT("export.gift", buf.Bytes(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameQuestions(t, allQuestions(fixtureLessons()), allQuestions(pk.Lessons), true)
}

// fixtureLessons cover every question type and every character GIFT escapes.
func fixtureLessons() []store.Lesson {
	return []store.Lesson{
		{ID: "gift-fixture", Title: "Escapes / braces", Body: "A body with {braces}, a = sign,\n\nand a # hash: all escaped.", Skills: []string{"learning-how-to-learn"},
			Questions: []store.Question{
				{ID: "gift-fixture/single", Type: "single", Prompt: "What does {x} = 1 mean: in ~GIFT #1?", Options: []store.Option{
					{Text: "A set {x}", Correct: true, Why: "Right: braces \\ make a set."},
					{Text: "x equals 1", Why: "No: the = is inside braces."}}},
				{ID: "gift-fixture/multi", Type: "multiple", Prompt: "Which are primes?", Options: []store.Option{
					{Text: "2", Correct: true, Why: "The only even prime."},
					{Text: "3", Correct: true, Why: "Prime."},
					{Text: "9", Why: "3 × 3."},
					{Text: "5", Correct: true, Why: "Prime."}}},
				{ID: "gift-fixture/tf", Type: "truefalse", Prompt: "The sun is a star.", Options: []store.Option{
					{Text: "True", Correct: true, Why: "Yes, a G-type star."},
					{Text: "False", Why: "It is a star."}}},
				{ID: "gift-fixture/tf-false", Type: "truefalse", Prompt: "[Trick] The moon is a planet.", Options: []store.Option{
					{Text: "True", Why: "No: a moon orbits a planet."},
					{Text: "False", Correct: true, Why: "Right: it is a satellite."}}},
			}},
	}
}

func FuzzGIFT(f *testing.F) {
	for _, tc := range giftCases {
		f.Add(tc.in)
	}
	for _, tc := range giftErrorCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		pk, err := ReadGIFT("fuzz.gift", []byte(in), Options{PerLesson: 1000})
		if err != nil {
			problemsOf(t, err) // every failure is a listed problem
			return
		}
		checkInvariants(t, pk)
		// What was imported exports and imports back the same.
		var buf bytes.Buffer
		if err := WriteGIFT(&buf, pk.Lessons); err != nil {
			t.Fatal(err)
		}
		back, err := ReadGIFT("fuzz.gift", buf.Bytes(), Options{PerLesson: 1000})
		if err != nil {
			t.Fatalf("re-import of the export failed: %v\n%s", err, buf.String())
		}
		sameQuestions(t, allQuestions(pk.Lessons), allQuestions(back.Lessons), true)
	})
}
