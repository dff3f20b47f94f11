package exchange

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tidbit-learn/tidbit/app/store"
)

var aikenCases = []struct {
	name string
	in   string
	want []store.Question
}{
	{
		name: "moodle example",
		in:   "What is the correct answer to this question?\nA. Is it this one?\nB. Maybe this answer?\nC. Possibly this one?\nD. Must be this one!\nANSWER: D\n",
		want: []store.Question{{Type: "single", Prompt: "What is the correct answer to this question?", Options: []store.Option{
			{Text: "Is it this one?", Why: "The correct answer is: Must be this one!"},
			{Text: "Maybe this answer?", Why: "The correct answer is: Must be this one!"},
			{Text: "Possibly this one?", Why: "The correct answer is: Must be this one!"},
			{Text: "Must be this one!", Correct: true, Why: "The correct answer is: Must be this one!"}}}},
	},
	{
		name: "parentheses, no blank line, multi-line question",
		in:   "Which river\nruns through Paris?\nA) Seine\nB) Rhine\nANSWER: A\nWhich is a prime?\nA) 4\nB) 7\nANSWER: B",
		want: []store.Question{
			{Type: "single", Prompt: "Which river\nruns through Paris?", Options: []store.Option{
				{Text: "Seine", Correct: true, Why: "The correct answer is: Seine."}, {Text: "Rhine", Why: "The correct answer is: Seine."}}},
			{Type: "single", Prompt: "Which is a prime?", Options: []store.Option{
				{Text: "4", Why: "The correct answer is: 7."}, {Text: "7", Correct: true, Why: "The correct answer is: 7."}}},
		},
	},
	{
		name: "true false options",
		in:   "The sun is a star.\nA. True\nB. False\nANSWER: A\n",
		want: []store.Question{{Type: "truefalse", Prompt: "The sun is a star.", Options: []store.Option{
			{Text: "True", Correct: true, Why: "The correct answer is: True."}, {Text: "False", Why: "The correct answer is: True."}}}},
	},
	{
		name: "question that looks like an option, CRLF, lowercase answer",
		in:   "A. or B. first?\r\nA. A\r\nB. B\r\nanswer: b\r\n",
		want: []store.Question{{Type: "single", Prompt: "A. or B. first?", Options: []store.Option{
			{Text: "A", Why: "The correct answer is: B."}, {Text: "B", Correct: true, Why: "The correct answer is: B."}}}},
	},
}

func TestAikenImport(t *testing.T) {
	for _, tc := range aikenCases {
		t.Run(tc.name, func(t *testing.T) {
			pk, err := ReadAiken("quiz.txt", []byte(tc.in), Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, pk)
			sameQuestions(t, tc.want, allQuestions(pk.Lessons), true)
		})
	}
}

var aikenErrorCases = []struct {
	name string
	in   string
	want []string
}{
	{"no answer at end", "Q1?\nA. a\nB. b\nANSWER: A\n\nQ2?\nA. a\nB. b\n", []string{"6: no ANSWER line at the end"}},
	{"no answer before next question", "Q1?\nA. a\nB. b\nQ2?\nA. c\nB. d\nANSWER: B\n", []string{"1: expected \"ANSWER: X\" before line 4"}},
	{"answer letter out of range", "Q?\nA. a\nB. b\nANSWER: C\n", []string{"4: ANSWER \"C\": give the letter of one of the options, A to B"}},
	{"answer without question", "ANSWER: A\n", []string{"1: with no question before it"}},
	{"answer without options", "Q?\nANSWER: A\n", []string{"2: has no options"}},
	{"letters out of order", "Q?\nA. a\nC. c\nANSWER: A\n", []string{"3: expected option B"}},
	{"one option", "Q?\nA. a\nANSWER: A\n", []string{"1: 2 to 6 options in Tidbit, this one has 1"}},
	{"seven options", "Q?\nA. 1\nB. 2\nC. 3\nD. 4\nE. 5\nF. 6\nG. 7\nANSWER: A\n", []string{"1: this one has 7"}},
	{"duplicate options", "Q?\nA. Paris\nB. PARIS\nANSWER: A\n", []string{"3: same text as option 1"}},
	{"empty option", "Q?\nA.\nB. b\nANSWER: B\n", []string{"2: option 1 is empty"}},
	{"question only", "Just a sentence.\n", []string{"1: no options and no ANSWER"}},
	{"not utf-8", "Q?\nA. \xfe\nB. b\nANSWER: A\n", []string{"2: not UTF-8"}},
	{"empty", "", []string{"0: nothing Tidbit can ask"}},
}

func TestAikenErrors(t *testing.T) {
	for _, tc := range aikenErrorCases {
		t.Run(tc.name, func(t *testing.T) {
			pk, err := ReadAiken("bad.txt", []byte(tc.in), Options{})
			if pk != nil {
				t.Fatal("got a pack despite errors")
			}
			wantProblems(t, err, tc.want)
		})
	}
}

// TestAikenRoundTrip exports the starter lessons: single-choice and
// true/false questions come back with their prompts, options and answers;
// multiple-answer ones are reported as skipped.
func TestAikenRoundTrip(t *testing.T) {
	lessons := starterLessons(t)
	var buf bytes.Buffer
	skipped, err := WriteAiken(&buf, lessons)
	if err != nil {
		t.Fatal(err)
	}
	var want []store.Question
	multiple := 0
	for _, q := range allQuestions(lessons) {
		if q.Type == "multiple" {
			multiple++
			continue
		}
		q.Prompt = oneLine(q.Prompt)
		want = append(want, q)
	}
	if len(skipped) != multiple {
		t.Errorf("skipped %d, want the %d multiple-answer questions", len(skipped), multiple)
	}
	pk, err := ReadAiken("starter.txt", buf.Bytes(), Options{PerLesson: 10000})
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, pk)
	sameQuestions(t, want, allQuestions(pk.Lessons), false)
}

func TestAikenExportGolden(t *testing.T) {
	var buf bytes.Buffer
	skipped, err := WriteAiken(&buf, fixtureLessons())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(skipped, ",") != "gift-fixture/multi" {
		t.Errorf("skipped %v", skipped)
	}
	golden(t, "export.aiken", buf.Bytes())
}

func FuzzAiken(f *testing.F) {
	for _, tc := range aikenCases {
		f.Add(tc.in)
	}
	for _, tc := range aikenErrorCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		pk, err := ReadAiken("fuzz.txt", []byte(in), Options{PerLesson: 1000})
		if err != nil {
			problemsOf(t, err)
			return
		}
		checkInvariants(t, pk)
		var buf bytes.Buffer
		if _, err := WriteAiken(&buf, pk.Lessons); err != nil {
			t.Fatal(err)
		}
		back, err := ReadAiken("fuzz.txt", buf.Bytes(), Options{PerLesson: 1000})
		if err != nil {
			t.Fatalf("re-import of the export failed: %v\n%s", err, buf.String())
		}
		var want []store.Question
		for _, q := range allQuestions(pk.Lessons) {
			q.Prompt = oneLine(q.Prompt)
			want = append(want, q)
		}
		sameQuestions(t, want, allQuestions(back.Lessons), false)
	})
}
