package revlog

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Review states (fsrs-optimizer codes).
const (
	StateUnknown    = -1 // the file has no review_state column
	StateNew        = 0  // first learning step of a new (or reset) card
	StateLearning   = 1
	StateReview     = 2
	StateRelearning = 3
	StateFiltered   = 4
	StateManual     = 5
)

// Row is one line of a review log.
type Row struct {
	CardID   string
	Time     int64 // review_time, ms since the Unix epoch
	Rating   int   // 0 (manual entry) or 1-4
	State    int   // StateUnknown or 0-5
	Duration int64 // ms; 0 when absent
	Line     int   // line in the file, from 1 (the header)
}

// Limits bound what Read accepts, so that a wrong or hostile file fails
// with an error instead of exhausting memory.
type Limits struct {
	MaxBytes int64 // file size (default 1 GiB)
	MaxRows  int   // data rows (default 20 million)
}

// Default limits: an Anki collection with a million reviews is about
// 50 MB in this layout.
const (
	DefaultMaxBytes = 1 << 30
	DefaultMaxRows  = 20_000_000
	// MaxCardIDLen bounds card_id, which is an integer in Anki's exports.
	MaxCardIDLen = 256
)

func (l Limits) fill() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultMaxRows
	}
	return l
}

// Header is the column line Write emits.
const Header = "card_id,review_time,review_rating,review_state,review_duration"

var errTooBig = errors.New("too big")

// capReader fails once more than n bytes have been read.
type capReader struct {
	r io.Reader
	n int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n < 0 {
		return 0, errTooBig
	}
	if int64(len(p)) > c.n+1 {
		p = p[:c.n+1]
	}
	k, err := c.r.Read(p)
	c.n -= int64(k)
	if c.n < 0 {
		return k, errTooBig
	}
	return k, err
}

// ReadFile reads the review log at path (see Read).
func ReadFile(path string, lim Limits) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading review log: %w", err)
	}
	defer f.Close()
	return Read(f, path, lim)
}

// Read parses a review log; name is used in error messages ("name:line:
// problem"). Rows come back in file order.
func Read(r io.Reader, name string, lim Limits) ([]Row, error) {
	lim = lim.fill()
	cr := csv.NewReader(bufio.NewReader(&capReader{r: r, n: lim.MaxBytes}))
	cr.ReuseRecord = true
	fail := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	readErr := func(err error) error {
		if errors.Is(err, errTooBig) {
			return fmt.Errorf("%s: larger than the limit of %d bytes", name, lim.MaxBytes)
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return fail(pe.Line, "%v", pe.Err)
		}
		return fmt.Errorf("reading %s: %w", name, err)
	}

	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file (want the header %s)", name, Header)
	}
	if err != nil {
		return nil, readErr(err)
	}
	col := map[string]int{"card_id": -1, "review_time": -1, "review_rating": -1, "review_state": -1, "review_duration": -1}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if j, ok := col[h]; ok {
			if j >= 0 {
				return nil, fail(1, "column %s appears twice", h)
			}
			col[h] = i
		}
	}
	for _, req := range []string{"card_id", "review_time", "review_rating"} {
		if col[req] < 0 {
			return nil, fail(1, "no %s column: the header must name card_id, review_time and review_rating (got %q)", req, strings.Join(header, ","))
		}
	}
	cr.FieldsPerRecord = len(header)

	var rows []Row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, readErr(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rows) >= lim.MaxRows {
			return nil, fail(line, "more than the limit of %d rows", lim.MaxRows)
		}
		row := Row{Line: line, State: StateUnknown}
		field := func(name string) string { return strings.TrimSpace(rec[col[name]]) }

		row.CardID = field("card_id")
		switch {
		case row.CardID == "":
			return nil, fail(line, "card_id is empty")
		case len(row.CardID) > MaxCardIDLen:
			return nil, fail(line, "card_id is %d bytes long (limit %d)", len(row.CardID), MaxCardIDLen)
		}
		v := field("review_time")
		if row.Time, err = strconv.ParseInt(v, 10, 64); err != nil {
			return nil, fail(line, "review_time %q is not an integer number of milliseconds", clip(v))
		}
		v = field("review_rating")
		if row.Rating, err = strconv.Atoi(v); err != nil || row.Rating < 0 || row.Rating > 4 {
			return nil, fail(line, "review_rating %q: want 1-4 (Again, Hard, Good, Easy) or 0 (manual entry)", clip(v))
		}
		if col["review_state"] >= 0 {
			v = field("review_state")
			if row.State, err = strconv.Atoi(v); err != nil || row.State < 0 || row.State > StateManual {
				return nil, fail(line, "review_state %q: want 0 New, 1 Learning, 2 Review, 3 Relearning, 4 Filtered or 5 Manual (leave the column out if states are unknown)", clip(v))
			}
		}
		if col["review_duration"] >= 0 {
			if v = field("review_duration"); v != "" {
				if row.Duration, err = strconv.ParseInt(v, 10, 64); err != nil || row.Duration < 0 {
					return nil, fail(line, "review_duration %q: want a non-negative integer number of milliseconds", clip(v))
				}
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// clip shortens a value quoted in an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// Write writes rows in the layout Read reads, with Header first.
func Write(w io.Writer, rows []Row) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(Header + "\n")
	var buf []byte
	for _, r := range rows {
		if r.State < StateNew || r.State > StateManual {
			return fmt.Errorf("writing review log: card %s at %d has state %d, want 0-5", clip(r.CardID), r.Time, r.State)
		}
		buf = buf[:0]
		buf = appendField(buf, r.CardID)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, r.Time, 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(r.Rating), 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(r.State), 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, r.Duration, 10)
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return fmt.Errorf("writing review log: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing review log: %w", err)
	}
	return nil
}

// appendField appends s as a CSV field, quoted when Read would otherwise
// split or trim it.
func appendField(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") && s == strings.TrimSpace(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}

// FromAnkiTypes converts rows whose review_state holds Anki's raw
// revlog.type (0 learning, 1 review, 2 relearning, 3 filtered, 4 manual,
// 5 rescheduled) into the fsrs-optimizer codes Build expects. Rows without
// a state are left alone. Raw Anki exports carry no ease factor here, so
// filtered-deck reviews that did not reschedule ("cramming", which Anki
// leaves out) cannot be told apart and are kept.
func FromAnkiTypes(rows []Row) error {
	for i := range rows {
		switch s := rows[i].State; {
		case s == StateUnknown:
		case s >= 0 && s <= 3:
			rows[i].State = s + 1
		case s == 4 || s == 5:
			rows[i].State = StateManual
		default:
			return fmt.Errorf("line %d: Anki revlog type %d: want 0-5", rows[i].Line, s)
		}
	}
	return nil
}
