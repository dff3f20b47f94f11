package exchange

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/tidbit-learn/tidbit/app/content"
	"github.com/tidbit-learn/tidbit/app/store"
)

// GIFT (https://docs.moodle.org/en/GIFT_format), as read here:
//
//	// comment lines are ignored
//	$CATEGORY: $course$/top/Geography      (its own block: sets the lesson)
//
//	::Capital:: [html]What is the <b>capital</b> of France? {
//	  =Paris     # Right: since 508.
//	  ~Lyon      # No, that is the third city.
//	  ####General feedback, used where an answer has none.
//	}
//
//	Grass is green. {T#Look again.#Yes.}   (first feedback: wrong answer; second: right)
//	Pick two. {~%50%A ~%50%B ~%-100%C}     (no =: multiple answer, positive weights right)
//	From? {~%50%Galilee =Nazareth ~Rome}   (an =: single choice; partial credit counts as wrong)
//	A sentence {~with =missing} words.     (missing word: the blank becomes _____)
//
// This follows Moodle's own reader (qformat_gift): a question with a ~ is
// multiple choice, single-select when it has an = answer; only = answers
// with -> are matching. A $CATEGORY line must be a block of its own.
// Questions are separated by blank lines. Escapes: \~ \= \# \{ \} \: \\ and
// \n (a newline). [html] text is reduced to plain text; [markdown], [plain]
// and [moodle] text is kept. A block with no answer block is a description
// and becomes part of the lesson body.

var giftFormats = []string{"[html]", "[moodle]", "[plain]", "[markdown]"}

type giftBlock struct {
	text   string
	lines  []int // line number of each line in text
	starts []int // offset in text where each line starts
}

func (b *giftBlock) lineAt(off int) int {
	i := sort.Search(len(b.starts), func(i int) bool { return b.starts[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return b.lines[i]
}

func parseGIFT(name string, data []byte, o Options) ([]item, error) {
	lines, err := prepareText(name, data)
	if err != nil {
		return nil, err
	}
	p := &problems{file: name}
	var items []item
	category := ""
	var text strings.Builder
	blk := &giftBlock{}
	flush := func() {
		if len(blk.lines) == 0 {
			return
		}
		blk.text = text.String()
		if it, ok := giftItem(p, o, blk, &category); ok {
			items = append(items, it)
		}
		text.Reset()
		blk = &giftBlock{}
	}
	for i, raw := range lines {
		t := strings.TrimSpace(raw)
		if t == "" {
			flush()
			continue
		}
		if strings.HasPrefix(t, "//") {
			continue
		}
		if text.Len() > 0 {
			text.WriteByte('\n')
		}
		blk.starts = append(blk.starts, text.Len())
		blk.lines = append(blk.lines, i+1)
		text.WriteString(t)
	}
	flush()
	if err := p.err(name); err != nil {
		return nil, err
	}
	return items, nil
}

// giftItem reads one block: a category line, a description or a question.
func giftItem(p *problems, o Options, b *giftBlock, category *string) (item, bool) {
	text := b.text
	line := b.lines[0]
	if strings.HasPrefix(text, "$CATEGORY:") {
		first, _, more := strings.Cut(text, "\n")
		if more {
			p.add(b.lines[1], "a $CATEGORY line stands alone: put a blank line after it (this text would be lost)")
		}
		// Kept as a path joined with "::", like an Anki deck name.
		*category = strings.Join(splitCategory(strings.TrimSpace(strings.TrimPrefix(first, "$CATEGORY:"))), "::")
		return item{}, false
	}
	pos := 0
	if strings.HasPrefix(text, "::") {
		end := indexUnescaped(text, "::", 2)
		if end < 0 {
			p.add(line, "the question title opened with :: is not closed with ::")
			return item{}, false
		}
		pos = end + 2
	}
	open := indexUnescaped(text, "{", pos)
	if open < 0 {
		if c := indexUnescaped(text, "}", pos); c >= 0 {
			p.add(b.lineAt(c), "a } with no { before it (a blank line inside an answer block ends the question; escape a literal brace as \\})")
			return item{}, false
		}
		format, s := stripFormat(strings.TrimSpace(text[pos:]))
		if s == "" {
			p.add(line, "a question title with no question after it")
			return item{}, false
		}
		return item{line: line, group: *category, desc: true, prompt: giftText(s, format, true)}, true
	}
	closing := indexUnescaped(text, "}", open+1)
	if closing < 0 {
		p.add(b.lineAt(open), "the answer block opened with { is never closed with } (a blank line ends a question; escape a literal brace as \\{)")
		return item{}, false
	}
	if again := indexUnescaped(text, "{", closing+1); again >= 0 {
		p.add(b.lineAt(again), "a second answer block: a question has one { ... } (escape a literal brace as \\{)")
		return item{}, false
	}
	format, before := stripFormat(strings.TrimSpace(text[pos:open]))
	after := strings.TrimSpace(text[closing+1:])
	prompt := before
	if after != "" { // missing-word question: the answers fill the blank
		prompt = strings.TrimSpace(before + " _____ " + after)
	}
	it := item{line: line, group: *category, prompt: giftText(prompt, format, true)}
	ans := text[open+1 : closing]
	ansLine := b.lineAt(open)
	lead := len(ans) - len(strings.TrimLeft(ans, " \t\n"))
	a := strings.TrimSpace(ans)
	base := open + 1 + lead // offset of a in text

	unsupported := func(kind string) (item, bool) {
		msg := fmt.Sprintf("%s questions are not supported (Tidbit asks multiple choice, multiple answer and true/false)", kind)
		if o.Strict {
			p.add(line, "%s", msg)
		} else if o.Warn != nil {
			o.Warn(content.Problem{File: p.file, Line: line, Msg: msg + "; skipped"})
		}
		return item{}, false
	}
	switch {
	case a == "":
		return unsupported("essay")
	case a[0] == '#':
		return unsupported("numerical")
	}

	// True/false: {T}, {TRUE}, {F}, {FALSE}, each with optional #wrong#right feedback.
	head, fb, _ := cutUnescaped(a, '#')
	switch strings.ToUpper(strings.TrimSpace(head)) {
	case "T", "TRUE", "F", "FALSE":
		truth := strings.ToUpper(strings.TrimSpace(head))[0] == 'T'
		wrong, right, _ := cutUnescaped(fb, '#')
		right, _, _ = cutUnescaped(right, '#') // a third part is general feedback
		tOpt := store.Option{Text: "True", Correct: truth}
		fOpt := store.Option{Text: "False", Correct: !truth}
		_, right = stripFormat(strings.TrimSpace(right))
		_, wrong = stripFormat(strings.TrimSpace(wrong))
		rightWhy, wrongWhy := giftText(right, format, false), giftText(wrong, format, false)
		if truth {
			tOpt.Why, fOpt.Why = rightWhy, wrongWhy
		} else {
			fOpt.Why, tOpt.Why = rightWhy, wrongWhy
		}
		it.typ = "truefalse"
		it.options = []store.Option{tOpt, fOpt}
		it.optLines = []int{ansLine, ansLine}
		fillWhys(it.options)
		checkQuestion(p, it)
		return it, true
	}

	general := ""
	if i := lastIndexUnescaped(a, "####"); i >= 0 {
		_, g := stripFormat(strings.TrimSpace(a[i+4:]))
		general = giftText(g, format, false)
		a = a[:i]
	}
	var marks []int
	for i := 0; i < len(a); i++ {
		switch a[i] {
		case '\\':
			i++
		case '=', '~':
			marks = append(marks, i)
		}
	}
	if len(marks) == 0 {
		p.add(ansLine, "the answer block has no answers: start each with = (right) or ~ (wrong)")
		return item{}, false
	}
	if s := strings.TrimSpace(a[:marks[0]]); s != "" {
		p.add(ansLine, "text %q before the first answer: start each answer with = (right) or ~ (wrong)", s)
		return item{}, false
	}
	type answer struct {
		mark      byte
		weight    float64
		hasWeight bool
		text, fb  string
		line      int
	}
	var answers []answer
	tildes, equals, matching, positiveTilde := 0, 0, false, false
	bad := false
	for k, m := range marks {
		end := len(a)
		if k+1 < len(marks) {
			end = marks[k+1]
		}
		an := answer{mark: a[m], line: b.lineAt(base + m)}
		raw := strings.TrimSpace(a[m+1 : end])
		if strings.HasPrefix(raw, "%") {
			j := strings.IndexByte(raw[1:], '%')
			w, err := strconv.ParseFloat(strings.TrimSpace(raw[1:max(1, j+1)]), 64)
			if j < 0 || err != nil || w < -100 || w > 100 {
				p.add(an.line, "answer weight %q: write a percentage from -100 to 100 between %% signs, like ~%%50%%", raw[:min(len(raw), 12)])
				bad = true
				continue
			}
			an.weight, an.hasWeight = w, true
			raw = raw[j+2:]
		}
		t, f, _ := cutUnescaped(raw, '#')
		if indexUnescaped(t, "->", 0) >= 0 {
			matching = true
		}
		_, t = stripFormat(strings.TrimSpace(t))
		fmtF, f := stripFormat(strings.TrimSpace(f))
		if fmtF == "" {
			fmtF = format // feedback is in the question's format unless marked
		}
		an.text = giftText(t, format, false)
		an.fb = giftText(f, fmtF, false)
		if an.mark == '~' {
			tildes++
			if an.hasWeight && an.weight > 0 {
				positiveTilde = true
			}
		} else {
			equals++
		}
		answers = append(answers, an)
	}
	if bad {
		return item{}, false
	}
	switch {
	case matching && tildes == 0: // matching pairs are all "=a -> b"
		return unsupported("matching")
	case tildes == 0:
		return unsupported("short-answer")
	}
	// As Moodle reads it: a question with an = answer is single-select (other
	// positive weights are partial credit, which Tidbit does not give: those
	// answers count as wrong); without one, every positive weight is a right
	// answer of a multiple-answer question.
	switch {
	case equals == 1:
		it.typ = "single"
	case equals > 1:
		p.add(line, "%d answers are marked =: a single-choice question has one; for several right answers give weights like ~%%50%%", equals)
		return item{}, false
	case positiveTilde:
		it.typ = "multiple"
	default:
		p.add(line, "no correct answer: mark the right one with = (or give weights like ~%%50%% for several)")
		return item{}, false
	}
	for _, an := range answers {
		correct := an.mark == '=' || (it.typ == "multiple" && an.hasWeight && an.weight > 0)
		it.options = append(it.options, store.Option{Text: an.text, Correct: correct, Why: an.fb})
		it.optLines = append(it.optLines, an.line)
	}
	if general != "" {
		for i := range it.options {
			if it.options[i].Why == "" {
				it.options[i].Why = endSentence(generatedWhy(rightTexts(it.options))) + " " + general
			}
		}
	}
	fillWhys(it.options)
	checkQuestion(p, it)
	return it, true
}

func rightTexts(opts []store.Option) []string {
	var out []string
	for _, o := range opts {
		if o.Correct {
			out = append(out, o.Text)
		}
	}
	return out
}

// indexUnescaped finds sub in s at or after from, skipping backslash escapes.
func indexUnescaped(s, sub string, from int) int {
	for i := from; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if strings.HasPrefix(s[i:], sub) {
			return i
		}
	}
	return -1
}

func lastIndexUnescaped(s, sub string) int {
	last := -1
	for i := indexUnescaped(s, sub, 0); i >= 0; i = indexUnescaped(s, sub, i+1) {
		last = i
	}
	return last
}

func cutUnescaped(s string, c byte) (before, after string, found bool) {
	if i := indexUnescaped(s, string(c), 0); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

func stripFormat(s string) (string, string) {
	for _, f := range giftFormats {
		if strings.HasPrefix(s, f) {
			return f[1 : len(f)-1], strings.TrimSpace(s[len(f):])
		}
	}
	return "", s
}

// giftText turns raw GIFT text into Tidbit text: whitespace normalised
// (newlines kept in question text), escapes resolved, HTML reduced to text.
func giftText(s, format string, keepLines bool) string {
	if format == "html" {
		return htmlToText(giftUnescape(strings.Join(strings.Fields(s), " ")), !keepLines)
	}
	if !keepLines {
		s = strings.Join(strings.Fields(s), " ")
	}
	return strings.TrimSpace(giftUnescape(s))
}

func giftUnescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch c := s[i+1]; c {
			case '~', '=', '#', '{', '}', ':', '\\':
				b.WriteByte(c)
				i++
				continue
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func giftEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '~', '=', '#', '{', '}', ':', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// WriteGIFT writes lessons as GIFT: a $CATEGORY per lesson named after it,
// the lesson body as a [markdown] description, then its questions with every
// option's why as per-answer feedback. Multiple-answer questions get equal
// positive weights for the right options and equal negative ones for the
// wrong, which Moodle accepts and ReadPath maps back.
func WriteGIFT(w io.Writer, lessons []store.Lesson) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "// Exported from Tidbit: %d lesson(s). Moodle: Question bank > Import > GIFT format.\n", len(lessons))
	for _, l := range lessons {
		fmt.Fprintf(bw, "\n// lesson %s\n$CATEGORY: $course$/top/%s\n\n", l.ID, strings.ReplaceAll(oneLine(l.Title), "/", "//"))
		if strings.TrimSpace(l.Body) != "" {
			fmt.Fprintf(bw, "[markdown]%s\n\n", giftEscape(strings.TrimSpace(l.Body)))
		}
		for _, q := range l.Questions {
			local := q.ID[strings.LastIndex(q.ID, "/")+1:]
			prompt := giftEscape(q.Prompt)
			if strings.HasPrefix(q.Prompt, "[") { // not to be read as a format marker
				prompt = "[plain]" + prompt
			}
			fmt.Fprintf(bw, "::%s:: %s {", giftEscape(local), prompt)
			if t, f, ok := trueFalse(q); ok {
				truth, right, wrong := "TRUE", t, f
				if f.Correct {
					truth, right, wrong = "FALSE", f, t
				}
				fmt.Fprintf(bw, "%s#%s#%s}\n\n", truth, giftEscape(wrong.Why), giftEscape(right.Why))
				continue
			}
			bw.WriteString("\n")
			nRight := len(rightTexts(q.Options))
			nWrong := len(q.Options) - nRight
			for _, o := range q.Options {
				mark := "~"
				switch {
				case q.Type == "multiple" && o.Correct:
					mark = "~%" + weight(100/float64(nRight)) + "%"
				case q.Type == "multiple":
					mark = "~%" + weight(-100/float64(max(1, nWrong))) + "%"
				case o.Correct:
					mark = "="
				}
				fmt.Fprintf(bw, "\t%s%s", mark, giftEscape(oneLine(o.Text)))
				if o.Why != "" {
					fmt.Fprintf(bw, " #%s", giftEscape(o.Why))
				}
				bw.WriteString("\n")
			}
			bw.WriteString("}\n\n")
		}
	}
	return bw.Flush()
}

// trueFalse returns the True and False options of a true/false question.
func trueFalse(q store.Question) (t, f store.Option, ok bool) {
	if q.Type != "truefalse" || len(q.Options) != 2 {
		return t, f, false
	}
	for _, o := range q.Options {
		switch strings.ToLower(strings.TrimSpace(o.Text)) {
		case "true":
			t = o
		case "false":
			f = o
		}
	}
	return t, f, t.Text != "" && f.Text != "" && t.Correct != f.Correct
}

// weight formats a Moodle grade percentage (Moodle lists 33.33333, 16.66667...).
func weight(w float64) string {
	s := strconv.FormatFloat(w, 'f', 5, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
