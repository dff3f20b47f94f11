package exchange

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/tidbit-learn/tidbit/app/store"
)

// Aiken (https://docs.moodle.org/en/Aiken_format), as read here:
//
//	What is the capital of France?     (one or more lines of question text)
//	A. Lyon                            ("A." or "A)", letters in order)
//	B) Paris
//	ANSWER: B
//
// Blank lines between questions are optional. Aiken has single-answer
// questions only and no feedback, so every why is generated; options that
// are exactly True and False make a true/false question.

var (
	aikenOption = regexp.MustCompile(`^([A-Z])[.)](?:[ \t]+(.*))?$`)
	aikenAnswer = regexp.MustCompile(`^(?i:answer)[ \t]*:[ \t]*(\S*)[ \t]*$`)
)

func parseAiken(name string, data []byte) ([]item, error) {
	lines, err := prepareText(name, data)
	if err != nil {
		return nil, err
	}
	p := &problems{file: name}
	var items []item
	var cur *item
	var prompt []string
	for i, raw := range lines {
		n := i + 1
		t := strings.TrimSpace(raw)
		if t == "" {
			continue
		}
		if m := aikenAnswer.FindStringSubmatch(t); m != nil {
			switch {
			case cur == nil:
				p.add(n, "an ANSWER line with no question before it")
			case len(cur.options) == 0:
				p.add(n, "the question on line %d has no options (A. ..., B. ...) before its ANSWER line", cur.line)
			default:
				letter := strings.ToUpper(m[1])
				k := -1
				if len(letter) == 1 {
					k = int(letter[0]) - 'A'
				}
				if k < 0 || k >= len(cur.options) {
					p.add(n, "ANSWER %q: give the letter of one of the options, A to %c", m[1], 'A'+len(cur.options)-1)
				} else {
					cur.options[k].Correct = true
					cur.prompt = strings.Join(prompt, "\n")
					cur.typ = "single"
					if isTrueFalse(cur.options) {
						cur.typ = "truefalse"
					}
					fillWhys(cur.options)
					checkQuestion(p, *cur)
					items = append(items, *cur)
				}
			}
			cur, prompt = nil, nil
			continue
		}
		if cur != nil && len(prompt) > 0 {
			if m := aikenOption.FindStringSubmatch(t); m != nil {
				want := byte('A' + len(cur.options))
				if m[1][0] != want {
					p.add(n, "option %s: expected option %c here (options are lettered A, B, C... in order)", m[1], want)
				}
				cur.options = append(cur.options, store.Option{Text: strings.Join(strings.Fields(m[2]), " ")})
				cur.optLines = append(cur.optLines, n)
				continue
			}
			if len(cur.options) > 0 {
				p.add(cur.line, "the question has no ANSWER line (expected \"ANSWER: X\" before line %d)", n)
				cur, prompt = nil, nil
			}
		}
		if cur == nil {
			cur = &item{line: n}
		}
		prompt = append(prompt, t)
	}
	if cur != nil {
		if len(cur.options) == 0 {
			p.add(cur.line, "a question with no options and no ANSWER line")
		} else {
			p.add(cur.line, "the question has no ANSWER line at the end of the file")
		}
	}
	if err := p.err(name); err != nil {
		return nil, err
	}
	return items, nil
}

func isTrueFalse(opts []store.Option) bool {
	if len(opts) != 2 {
		return false
	}
	a, b := strings.ToLower(opts[0].Text), strings.ToLower(opts[1].Text)
	return (a == "true" && b == "false") || (a == "false" && b == "true")
}

// WriteAiken writes the single-choice and true/false questions of lessons
// in Aiken. Aiken has no multiple-answer questions and no feedback: those
// questions are left out and their ids returned, and the whys are lost.
// Question text is written on one line, as Moodle expects.
func WriteAiken(w io.Writer, lessons []store.Lesson) (skipped []string, err error) {
	bw := bufio.NewWriter(w)
	first := true
	for _, l := range lessons {
		for _, q := range l.Questions {
			if q.Type == "multiple" || len(q.Options) > 26 {
				skipped = append(skipped, q.ID)
				continue
			}
			if !first {
				bw.WriteString("\n")
			}
			first = false
			fmt.Fprintln(bw, oneLine(q.Prompt))
			answer := byte('A')
			for i, o := range q.Options {
				fmt.Fprintf(bw, "%c. %s\n", 'A'+i, oneLine(o.Text))
				if o.Correct {
					answer = byte('A' + i)
				}
			}
			fmt.Fprintf(bw, "ANSWER: %c\n", answer)
		}
	}
	return skipped, bw.Flush()
}
