// Package exchange converts between Tidbit lessons and the quiz and flashcard
// formats people already have: Moodle GIFT and Aiken quiz files, Anki notes
// exported as text (CSV/TSV) and Anki packages (.apkg, the legacy
// collection.anki2 layout). It is domain code: no UI, no network.
//
// # Import mapping
//
// Every importer turns one file into a content.Pack, which content.Import
// validates and writes like any lesson pack (one transaction, nothing on
// error). The pack id and title come from the file name (Options.PackID and
// Options.Title override them). Questions are grouped into lessons:
//
//   - GIFT: one lesson per $CATEGORY (the file's name when there is none);
//     Aiken and Anki text notes: one lesson per file (per deck when the notes
//     carry a deck column); .apkg: one lesson per deck.
//   - A group larger than Options.PerLesson questions (default 6, the size of
//     a Tidbit quiz) is split into parts "Title (1/3)", "Title (2/3)"... in
//     file order.
//   - Lesson ids are "<pack id>-<group slug>-<part>"; question ids are "q" and
//     12 hex digits of the SHA-256 of the question text (a repeated text gets
//     "-2", "-3"...). Importing the same file again therefore changes nothing,
//     and editing an answer or its feedback updates the question in place,
//     keeping the learner's history. (Inserting questions into the middle of a
//     group larger than one part can move later questions to another part:
//     those get new ids, and the old ones are retired by the store.)
//   - Lessons are of kind "lesson", level Options.Level (default 1), minutes
//     from the number of questions (1 to 5), and name one skill:
//     Options.Skill, by default DefaultSkill ("learning-how-to-learn"), which
//     exists in assets/taxonomy.yaml. Pass --skill to file the questions
//     under the skill they teach.
//   - Every option has a "why". GIFT per-answer feedback is used when present;
//     otherwise a neutral one is generated: "The correct answer is: X."
//   - The lesson body is the GIFT description items (text with no answer
//     block) of the group, or a line naming the source file; for Anki notes
//     it lists the cards, so the learner reads them before the quiz.
//
// Anki notes are front/back flashcards, not multiple choice. Each note becomes
// a single-choice question: the front is the prompt, the back the right
// answer, and up to three other notes' backs (from the same deck, else the
// file) are the wrong ones, chosen and ordered by a hash so that re-importing
// is stable. Cloze notes ({{c1::text}}) ask for the hidden text. A file needs
// at least two different backs.
//
// # What is refused
//
// Malformed input (an unclosed answer block, no correct answer, options
// outside Tidbit's 2-6, duplicate options, an Aiken question with no ANSWER
// line, a note with no back, text that is not UTF-8, a file over
// Options.MaxBytes) is an error naming file and line, and nothing is
// imported. GIFT question types Tidbit cannot ask (short answer, numerical,
// matching, essay) are skipped, each reported through Options.Warn with its
// line; with Options.Strict they are errors instead. A file with no question
// left is an error.
//
// # Export
//
// WriteGIFT writes one $CATEGORY per lesson, the lesson body as a [markdown]
// description, and every question with per-answer feedback (the whys);
// multiple-answer questions use ~%50%-style weights. WriteAiken writes
// single-choice and true/false questions (Aiken has nothing else and no
// feedback). WriteAPKG writes an Anki package of one deck per lesson with a
// "Tidbit question" note type (Question, Options, Answer, Explanation, Type)
// that ReadPath maps back exactly.
package exchange

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/tidbit-learn/tidbit/app/content"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

// DefaultSkill is the taxonomy skill imported questions are filed under when
// the importer is not told better: knowing how to study applies to any quiz.
const DefaultSkill = "learning-how-to-learn"

// DefaultMaxBytes caps one imported text file. Quiz banks of thousands of
// questions are a few hundred KiB; anything past this is not a quiz file.
const DefaultMaxBytes = 8 << 20

// DefaultPerLesson is the largest quiz one imported lesson gets, as in the
// starter library.
const DefaultPerLesson = 6

// Options tune an import. The zero value is ready to use.
type Options struct {
	Skill     string // taxonomy skill id; "" means DefaultSkill
	PackID    string // "" means derived from the file name
	Title     string // pack title; "" means derived from the file name
	Level     int    // 1..5; 0 means 1
	PerLesson int    // questions per lesson; 0 means DefaultPerLesson
	MaxBytes  int64  // largest file; 0 means DefaultMaxBytes
	// Strict makes question types Tidbit cannot ask an error instead of a
	// skipped question.
	Strict bool
	// Warn receives every question skipped as unsupported (nil: dropped).
	Warn func(content.Problem)
}

func (o Options) withDefaults(path string) (Options, error) {
	if o.Skill == "" {
		o.Skill = DefaultSkill
	}
	if !assets.IDPattern.MatchString(o.Skill) {
		return o, fmt.Errorf("skill %q: not a skill id (see `tidbit skills`)", o.Skill)
	}
	if tax, err := taxonomy(); err == nil {
		if _, ok := tax.Skill(o.Skill); !ok {
			return o, fmt.Errorf("skill %q is not in the taxonomy (see `tidbit skills`)", o.Skill)
		}
	}
	if o.PackID == "" {
		o.PackID = slugID(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)), "import")
	} else if !assets.IDPattern.MatchString(o.PackID) {
		return o, fmt.Errorf("pack id %q: use 2-64 lowercase letters, digits and '-'", o.PackID)
	}
	if o.Title == "" {
		o.Title = titleFromFile(path)
	}
	if o.Level == 0 {
		o.Level = 1
	}
	if o.Level < 1 || o.Level > 5 {
		return o, fmt.Errorf("level %d: use 1 to 5", o.Level)
	}
	if o.PerLesson <= 0 {
		o.PerLesson = DefaultPerLesson
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	return o, nil
}

// taxonomy is parsed once: importers check the skill against it.
var taxonomy = sync.OnceValues(assets.LoadTaxonomy)

// ReadPath reads a quiz or flashcard file, choosing the format by extension:
// .gift → GIFT; .aiken → Aiken; .txt → Aiken, or Anki notes when it has Anki's
// "#separator:" header or tab-separated lines and no ANSWER: line; .csv/.tsv →
// Anki notes; .apkg → Anki package. The pack is parsed and checked but not
// stored: pass it to content.Import.
func ReadPath(path string, opts Options) (*content.Pack, error) {
	opts, err := opts.withDefaults(path)
	if err != nil {
		return nil, fmt.Errorf("importing %s: %w", path, err)
	}
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".apkg" {
		return readAPKG(path, opts)
	}
	var format string
	switch ext {
	case ".gift":
		format = "gift"
	case ".aiken":
		format = "aiken"
	case ".csv", ".tsv":
		format = "anki"
	case ".txt":
		format = "" // sniffed below
	default:
		return nil, fmt.Errorf("%s: unknown quiz format %q (use .gift, .aiken, .txt, .csv, .tsv or .apkg)", path, ext)
	}
	data, err := readFile(path, opts.MaxBytes)
	if err != nil {
		return nil, err
	}
	if format == "" {
		format = sniffTxt(data)
	}
	name := filepath.Base(path)
	var items []item
	switch format {
	case "gift":
		items, err = parseGIFT(name, data, opts)
	case "aiken":
		items, err = parseAiken(name, data)
	case "anki":
		items, err = parseAnkiText(name, ext, data)
	}
	if err != nil {
		return nil, err
	}
	return build(path, data, items, opts)
}

// ReadGIFT, ReadAiken and ReadAnkiText parse data as one format; name is the
// file name used in messages and ids.
func ReadGIFT(name string, data []byte, opts Options) (*content.Pack, error) {
	return readAs(name, data, opts, func(o Options) ([]item, error) { return parseGIFT(filepath.Base(name), data, o) })
}

// ReadAiken parses an Aiken file. See ReadGIFT.
func ReadAiken(name string, data []byte, opts Options) (*content.Pack, error) {
	return readAs(name, data, opts, func(Options) ([]item, error) { return parseAiken(filepath.Base(name), data) })
}

// ReadAnkiText parses Anki notes exported as text. See ReadGIFT.
func ReadAnkiText(name string, data []byte, opts Options) (*content.Pack, error) {
	return readAs(name, data, opts, func(Options) ([]item, error) {
		return parseAnkiText(filepath.Base(name), strings.ToLower(filepath.Ext(name)), data)
	})
}

func readAs(name string, data []byte, opts Options, parse func(Options) ([]item, error)) (*content.Pack, error) {
	opts, err := opts.withDefaults(name)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > opts.MaxBytes {
		return nil, fmt.Errorf("%s: %d bytes, the limit is %d", name, len(data), opts.MaxBytes)
	}
	items, err := parse(opts)
	if err != nil {
		return nil, err
	}
	return build(name, data, items, opts)
}

var aikenAnswerLine = regexp.MustCompile(`(?m)^[ \t]*ANSWER[ \t]*:`)

func sniffTxt(data []byte) string {
	if aikenAnswerLine.Match(data) {
		return "aiken"
	}
	first, _, _ := bytes.Cut(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), []byte("\n"))
	if bytes.HasPrefix(first, []byte("#separator:")) || bytes.HasPrefix(first, []byte("#html:")) ||
		bytes.HasPrefix(first, []byte("#notetype")) || bytes.HasPrefix(first, []byte("#deck")) ||
		bytes.HasPrefix(first, []byte("#guid")) || bytes.HasPrefix(first, []byte("#tags")) || bytes.Contains(first, []byte("\t")) {
		return "anki"
	}
	return "aiken"
}

// Handles reports whether ReadPath reads path, judging by its extension, so
// that a caller can send everything else to the lesson-pack reader.
func Handles(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".gift", ".aiken", ".txt", ".csv", ".tsv", ".apkg":
		return true
	}
	return false
}

// LoadLessons returns the active lessons in the store with their questions,
// in library order; pack limits them to one pack ("" is all).
func LoadLessons(ctx context.Context, st *store.Store, pack string) ([]store.Lesson, error) {
	lib, err := st.Library(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing lessons: %w", err)
	}
	var out []store.Lesson
	for _, s := range lib {
		if pack != "" && s.Pack != pack {
			continue
		}
		l, err := st.Lesson(ctx, s.ID)
		if err != nil {
			return nil, fmt.Errorf("reading lesson %s: %w", s.ID, err)
		}
		if len(l.Questions) > 0 {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		if pack != "" {
			return nil, fmt.Errorf("pack %q has no lessons with questions", pack)
		}
		return nil, errors.New("no lessons with questions to export")
	}
	return out, nil
}

// readFile reads at most max bytes, refusing a larger file before reading it.
func readFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("importing %s: %w", path, err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil {
		if fi.IsDir() {
			return nil, fmt.Errorf("%s: a folder, not a quiz file (folders are lesson packs: drop the format option)", path)
		}
		if fi.Size() > max {
			return nil, fmt.Errorf("%s: %d bytes, the limit is %d; nothing was imported", path, fi.Size(), max)
		}
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes; nothing was imported", path, max)
	}
	return b, nil
}

// item is one parsed question (or GIFT description) before it is placed in a
// lesson.
type item struct {
	line     int    // first line of the question
	group    string // lesson group: GIFT category or Anki deck; "" is the file
	desc     bool   // a description: text for the lesson body, not a question
	typ      string // single, multiple, truefalse
	prompt   string
	options  []store.Option
	optLines []int
	card     *card // Anki flashcard, turned into a question by build
}

// card is a front/back flashcard.
type card struct{ front, back string }

// problems collects import problems for one file.
type problems struct {
	file string
	list []content.Problem
}

func (p *problems) add(line int, format string, args ...any) {
	p.list = append(p.list, content.Problem{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (p *problems) err(source string) error {
	if len(p.list) == 0 {
		return nil
	}
	return &content.Error{Source: source, Problems: p.list}
}

// prepareText checks encoding and normalises line ends; it returns the
// lines of the file.
func prepareText(name string, data []byte) ([]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		return nil, &content.Error{Source: name, Problems: []content.Problem{{File: name, Line: line, Msg: "not UTF-8 text (save the file as UTF-8)"}}}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		line := 1 + bytes.Count(data[:bytes.IndexByte(data, 0)], []byte("\n"))
		return nil, &content.Error{Source: name, Problems: []content.Problem{{File: name, Line: line, Msg: "a NUL byte: this is not a text file"}}}
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	return strings.Split(text, "\n"), nil
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// checkQuestion applies Tidbit's rules for a question (the same as for
// authored lessons) and reports each broken one at the question's line.
func checkQuestion(p *problems, it item) {
	if strings.TrimSpace(it.prompt) == "" {
		p.add(it.line, "the question text is empty")
	}
	n := len(it.options)
	if n < 2 || n > 6 {
		p.add(it.line, "a question has 2 to 6 options in Tidbit, this one has %d", n)
	}
	seen := map[string]int{}
	correct := 0
	for i, o := range it.options {
		line := it.line
		if i < len(it.optLines) {
			line = it.optLines[i]
		}
		if o.Correct {
			correct++
		}
		if o.Text == "" {
			p.add(line, "option %d is empty", i+1)
			continue
		}
		key := strings.ToLower(o.Text)
		if prev, dup := seen[key]; dup {
			p.add(line, "option %d has the same text as option %d (%q)", i+1, prev, o.Text)
		}
		seen[key] = i + 1
	}
	switch it.typ {
	case "single", "truefalse":
		if correct != 1 && n > 0 {
			p.add(it.line, "exactly one answer must be correct, this question has %d", correct)
		}
	case "multiple":
		if correct < 1 && n > 0 {
			p.add(it.line, "a multiple-answer question needs at least one correct answer")
		}
	}
}

// fillWhys gives every option without feedback a neutral explanation naming
// the correct answer(s), so that Option.Why is never empty.
func fillWhys(opts []store.Option) {
	var right []string
	for _, o := range opts {
		if o.Correct {
			right = append(right, o.Text)
		}
	}
	why := generatedWhy(right)
	for i := range opts {
		if strings.TrimSpace(opts[i].Why) == "" {
			opts[i].Why = why
		}
	}
}

func generatedWhy(right []string) string {
	switch len(right) {
	case 0:
		return "This option is not correct."
	case 1:
		return "The correct answer is: " + endSentence(right[0])
	}
	return "The correct answers are: " + endSentence(strings.Join(right[:len(right)-1], "; ")+"; and "+right[len(right)-1])
}

func endSentence(s string) string {
	if s == "" {
		return s
	}
	switch s[len(s)-1] {
	case '.', '!', '?':
		return s
	}
	return s + "."
}

var slugRe = regexp.MustCompile(`[^a-z0-9]+`)

// slug makes a lowercase id fragment; "" when nothing usable is left.
func slug(s string) string {
	return strings.Trim(slugRe.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// slugID is slug fitted to assets.IDPattern, with fallback for an empty one.
func slugID(s, fallback string) string {
	id := slug(s)
	if len(id) < 2 {
		id = strings.Trim(fallback+"-"+id, "-")
	}
	if len(id) > 64 {
		id = strings.Trim(id[:64], "-")
	}
	return id
}

func titleFromFile(path string) string {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	base = strings.Join(strings.FieldsFunc(base, func(r rune) bool { return r == '_' || r == '-' || r == ' ' }), " ")
	if base == "" {
		return "Imported questions"
	}
	return strings.ToUpper(base[:1]) + base[1:]
}

func shortHash(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func hashJSON(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// errNoQuestions is wrapped into a file-level problem.
var errNoQuestions = errors.New("no questions found")
