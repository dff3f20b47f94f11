package kt

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// Answer is one graded response of a learner.
type Answer struct {
	Skill   string
	Correct bool
}

// Sequence is one learner's answers in the order they were given.
type Sequence struct {
	// Line is the 1-based line of the count line in the source file, 0 when
	// the sequence was not read from a file. It lets reports point back to data.
	Line    int
	Answers []Answer
}

// MissingSkill says what the reader does with an answer whose skill id is
// empty, negative (the usual "-1") or "nan". Several public exports of
// ASSISTments carry such rows; the cleaned DKT split does not.
type MissingSkill int

const (
	// DropMissing removes such answers (and a sequence left empty). The count
	// is reported in Dataset.DroppedMissing. It is the zero value because the
	// published benchmarks drop them.
	DropMissing MissingSkill = iota
	// KeepMissing keeps them under the skill id MissingSkillID, which the
	// model then learns like any other skill.
	KeepMissing
	// RejectMissing makes them an error naming file, line and position.
	RejectMissing
)

// MissingSkillID is the skill id given to answers kept by KeepMissing.
const MissingSkillID = "-1"

// ParseMissingSkill turns "drop", "keep" or "error" into a MissingSkill.
func ParseMissingSkill(s string) (MissingSkill, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "drop", "":
		return DropMissing, nil
	case "keep":
		return KeepMissing, nil
	case "error", "reject":
		return RejectMissing, nil
	}
	return 0, fmt.Errorf("missing-skill policy %q: want drop, keep or error", s)
}

// ReadOptions tunes Read. The zero value is ready to use.
type ReadOptions struct {
	Missing MissingSkill
	// MaxLineBytes bounds a single line so a corrupt file cannot exhaust
	// memory; 0 means 64 MiB, far above any real learner's history.
	MaxLineBytes int
}

// Dataset is the content of one file in the 3-lines-per-student format.
type Dataset struct {
	Name           string
	Sequences      []Sequence
	Answers        int // answers kept, summed over Sequences
	DroppedMissing int // answers removed by DropMissing
}

// ParseError reports bad input with the file name and 1-based line number.
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// ReadFile reads a file in the 3-lines-per-student format.
func ReadFile(path string, opt ReadOptions) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening knowledge-tracing data: %w", err)
	}
	defer f.Close()
	return Read(f, path, opt)
}

// Read parses the DKT "3 lines per student" format: line 1 the number of
// answers, line 2 comma-separated integer skill ids, line 3 comma-separated
// 0/1 correctness. Tolerated variants: CRLF line ends, blank lines between
// records, spaces around values, one trailing comma, integral floats such as
// "12.0" (pandas exports). Anything else is a *ParseError naming name:line.
func Read(r io.Reader, name string, opt ReadOptions) (*Dataset, error) {
	maxLine := opt.MaxLineBytes
	if maxLine <= 0 {
		maxLine = 64 << 20
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, min(64<<10, maxLine)), maxLine) // the token limit is max(cap, maxLine)
	ds := &Dataset{Name: name}
	line := 0
	perr := func(ln int, format string, args ...any) error {
		return &ParseError{File: name, Line: ln, Msg: fmt.Sprintf(format, args...)}
	}
	next := func() (string, bool) {
		if !sc.Scan() {
			return "", false
		}
		line++
		return strings.TrimRight(sc.Text(), "\r"), true
	}
	scanErr := func() error {
		if err := sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				return perr(line+1, "line longer than %d bytes", maxLine)
			}
			return fmt.Errorf("reading %s near line %d: %w", name, line+1, err)
		}
		return nil
	}
	for {
		countText, ok := next()
		if !ok {
			if err := scanErr(); err != nil {
				return nil, err
			}
			return ds, nil
		}
		countText = strings.TrimSpace(countText)
		if countText == "" {
			continue // blank separator lines between records
		}
		countLine := line
		n, err := strconv.Atoi(strings.TrimSuffix(countText, ","))
		if err != nil || n < 0 {
			return nil, perr(countLine, "answer count %q is not a non-negative integer", clip(countText))
		}
		skillsText, ok := next()
		if !ok {
			if err := scanErr(); err != nil {
				return nil, err
			}
			return nil, perr(countLine, "count line is not followed by a skills line (file ends)")
		}
		skillsLine := line
		correctText, ok := next()
		if !ok {
			if err := scanErr(); err != nil {
				return nil, err
			}
			return nil, perr(skillsLine, "skills line is not followed by a correctness line (file ends)")
		}
		correctLine := line
		skills := splitValues(skillsText, n)
		correct := splitValues(correctText, n)
		if len(skills) != n {
			return nil, perr(skillsLine, "count line %d says %d answers but the skills line has %d values", countLine, n, len(skills))
		}
		if len(correct) != n {
			return nil, perr(correctLine, "count line %d says %d answers but the correctness line has %d values", countLine, n, len(correct))
		}
		ids := make([]string, n)
		present := make([]bool, n)
		for i, v := range skills {
			id, ok, err := parseSkill(v)
			if err != nil {
				return nil, perr(skillsLine, "value %d: %v", i+1, err)
			}
			if !ok && opt.Missing != DropMissing && opt.Missing != KeepMissing {
				return nil, perr(skillsLine, "value %d: missing skill id %q (use the drop or keep policy to accept it)", i+1, clip(v))
			}
			ids[i], present[i] = id, ok
		}
		seq := Sequence{Line: countLine, Answers: make([]Answer, 0, n)}
		for i, v := range correct {
			ok, err := parseCorrect(v)
			if err != nil {
				return nil, perr(correctLine, "value %d: %v", i+1, err)
			}
			skill := ids[i]
			if !present[i] {
				if opt.Missing == DropMissing {
					ds.DroppedMissing++
					continue
				}
				skill = MissingSkillID
			}
			seq.Answers = append(seq.Answers, Answer{Skill: skill, Correct: ok})
		}
		if len(seq.Answers) > 0 {
			ds.Sequences = append(ds.Sequences, seq)
			ds.Answers += len(seq.Answers)
		}
	}
}

// splitValues splits a comma-separated line and trims spaces around values.
// An empty line has no values; one trailing comma is ignored when that makes
// the count of values match want (so "3,4," is two values for a count of 2,
// while "-1,3," is three for a count of 3, the last one missing).
func splitValues(s string, want int) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	if n := len(parts); n == want+1 && parts[n-1] == "" {
		parts = parts[:n-1]
	}
	return parts
}

// parseSkill returns the canonical decimal skill id; present is false for the
// markers of a missing skill (empty, negative, nan).
func parseSkill(s string) (id string, present bool, err error) {
	if s == "" || strings.EqualFold(s, "nan") {
		return "", false, nil
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		if v < 0 {
			return "", false, nil
		}
		return strconv.FormatInt(v, 10), true, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || f != math.Trunc(f) || math.Abs(f) > 1<<53 || strings.ContainsAny(s, "xXpP_") {
		return "", false, fmt.Errorf("skill id %q is not an integer", clip(s))
	}
	if math.IsNaN(f) || f < 0 {
		return "", false, nil
	}
	return strconv.FormatInt(int64(f), 10), true, nil
}

func parseCorrect(s string) (bool, error) {
	switch s {
	case "1", "1.0":
		return true, nil
	case "0", "0.0":
		return false, nil
	}
	return false, fmt.Errorf("correctness %q is not 0 or 1", clip(s))
}

// clip keeps error messages readable when a value is huge garbage.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}

// Write writes sequences in the 3-lines-per-student format that Read reads.
// Skill ids must be non-empty and free of commas and line breaks.
func Write(w io.Writer, seqs []Sequence) error {
	bw := bufio.NewWriter(w)
	for si, s := range seqs {
		bw.WriteString(strconv.Itoa(len(s.Answers)))
		bw.WriteByte('\n')
		for i, a := range s.Answers {
			if a.Skill == "" || strings.ContainsAny(a.Skill, ",\r\n") {
				return fmt.Errorf("writing sequence %d answer %d: skill id %q cannot be written", si+1, i+1, clip(a.Skill))
			}
			if i > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString(a.Skill)
		}
		bw.WriteByte('\n')
		for i, a := range s.Answers {
			if i > 0 {
				bw.WriteByte(',')
			}
			if a.Correct {
				bw.WriteByte('1')
			} else {
				bw.WriteByte('0')
			}
		}
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing knowledge-tracing data: %w", err)
	}
	return nil
}
