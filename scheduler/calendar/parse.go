package calendar

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-ical"
)

// Limits bound the work one calendar can cause. Zero fields take the defaults below.
type Limits struct {
	MaxFileBytes          int64 // whole calendar; default 20 MiB
	MaxLineBytes          int   // one unfolded content line; default 1 MiB
	MaxDepth              int   // component nesting; default 8
	MaxInstancesPerSeries int   // rule instances generated for one series; default 20,000
	MaxInstances          int   // rule instances generated for one calendar; default 100,000
}

const (
	defaultMaxFileBytes          = 20 << 20
	defaultMaxLineBytes          = 1 << 20
	defaultMaxDepth              = 8
	defaultMaxInstancesPerSeries = 20_000
	defaultMaxInstances          = 100_000
)

func (l Limits) withDefaults() Limits {
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = defaultMaxFileBytes
	}
	if l.MaxLineBytes <= 0 {
		l.MaxLineBytes = defaultMaxLineBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = defaultMaxDepth
	}
	if l.MaxInstancesPerSeries <= 0 {
		l.MaxInstancesPerSeries = defaultMaxInstancesPerSeries
	}
	if l.MaxInstances <= 0 {
		l.MaxInstances = defaultMaxInstances
	}
	return l
}

// ParseError is a problem in a calendar's text, with the source name and the physical
// line (1-based, 0 when unknown) where it was found.
type ParseError struct {
	Source string
	Line   int
	Msg    string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("calendar %s: line %d: %s", e.Source, e.Line, e.Msg)
	}
	return fmt.Sprintf("calendar %s: %s", e.Source, e.Msg)
}

// ErrTooLarge is wrapped by errors about input beyond Limits.MaxFileBytes or MaxLineBytes.
var ErrTooLarge = errors.New("too large")

// Document is a parsed .ics text: its VCALENDAR components, where each component began,
// and problems that did not stop parsing (a truncated event is dropped with a reason).
type Document struct {
	Source    string
	Calendars []*ical.Component
	Lines     map[*ical.Component]int
	Dropped   []Skipped
	Warnings  []string
}

// Parse reads iCalendar text. It does not use go-ical's decoder because that one panics
// on some malformed lines, recurses without bound and reports no line numbers; it builds
// the same go-ical components instead. A structural problem outside events is an error;
// a missing END inside one event drops only that event, with a reason; a malformed
// content line inside a component is ignored with a warning.
func Parse(r io.Reader, source string, lim Limits) (*Document, error) {
	lim = lim.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading calendar %s: %w", source, err)
	}
	if int64(len(data)) > lim.MaxFileBytes {
		return nil, &ParseError{Source: source, Msg: fmt.Sprintf("file is larger than %d bytes: %v", lim.MaxFileBytes, ErrTooLarge)}
	}
	return parseBytes(data, source, lim)
}

// ParseBytes is Parse for data already in memory.
func ParseBytes(data []byte, source string, lim Limits) (*Document, error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxFileBytes {
		return nil, &ParseError{Source: source, Msg: fmt.Sprintf("file is larger than %d bytes: %v", lim.MaxFileBytes, ErrTooLarge)}
	}
	return parseBytes(data, source, lim)
}

type logicalLine struct {
	text string
	line int
}

// looksLikeHTML tells whether data starts like a web page (or any markup), the usual
// answer of a subscription URL that points at a login or landing page. iCalendar text
// never starts with '<'.
func looksLikeHTML(data []byte) bool {
	d := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	return len(d) > 0 && d[0] == '<'
}

func parseBytes(data []byte, source string, lim Limits) (*Document, error) {
	if looksLikeHTML(data) {
		return nil, &ParseError{Source: source, Line: 1, Msg: "starts with '<': an HTML (or XML) page, not an iCalendar file"}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))

	// Unfold (RFC 5545 3.1): a line starting with a space or tab continues the previous
	// one. Lines that are not folded are converted to strings without an extra copy.
	// Unfold (RFC 5545 3.1): a line starting with a space or tab continues the previous
	// one. The text is converted to a string once; lines that are not folded are
	// substrings of it.
	text := string(data)
	lines := make([]logicalLine, 0, strings.Count(text, "\n")+1)
	var first string // current logical line while it has a single piece
	var joined []byte
	folded, open := false, false
	curLine := 0
	flush := func() {
		if !open {
			return
		}
		if folded {
			lines = append(lines, logicalLine{text: string(joined), line: curLine})
		} else {
			lines = append(lines, logicalLine{text: first, line: curLine})
		}
		open, folded, first, joined = false, false, "", joined[:0]
	}
	physical := 0
	length := 0
	for len(text) > 0 {
		physical++
		var l string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			l, text = text[:i], text[i+1:]
		} else {
			l, text = text, ""
		}
		if n := len(l); n > 0 && l[n-1] == '\r' {
			l = l[:n-1]
		}
		if len(l) > 0 && (l[0] == ' ' || l[0] == '\t') {
			if !open {
				// A continuation with nothing to continue: keep it as its own line so the
				// content-line check below reports it with its number.
				open, curLine, length = true, physical, 0
			}
			length += len(l) - 1
			if length > lim.MaxLineBytes {
				return nil, &ParseError{Source: source, Line: curLine, Msg: fmt.Sprintf("content line longer than %d bytes: %v", lim.MaxLineBytes, ErrTooLarge)}
			}
			if !folded {
				joined = append(joined[:0], first...)
				folded = true
			}
			joined = append(joined, l[1:]...)
			continue
		}
		flush()
		if len(l) > lim.MaxLineBytes {
			return nil, &ParseError{Source: source, Line: physical, Msg: fmt.Sprintf("content line longer than %d bytes: %v", lim.MaxLineBytes, ErrTooLarge)}
		}
		if len(strings.TrimSpace(l)) == 0 {
			continue
		}
		open, first, curLine, length = true, l, physical, len(l)
	}
	flush()

	doc := &Document{Source: source, Lines: make(map[*ical.Component]int, len(lines)/8)}
	// Most properties occur once per component: their one-element slices are cut from
	// a shared block instead of being allocated one by one.
	arena := make([]ical.Prop, len(lines))
	type frame struct {
		comp *ical.Component
		line int
		bad  string // first problem seen inside a VEVENT: the event is dropped at its END
	}
	var stack []*frame
	eventFrame := func() *frame {
		for i := len(stack) - 1; i >= 0; i-- {
			if stack[i].comp.Name == ical.CompEvent || stack[i].comp.Name == ical.CompToDo || stack[i].comp.Name == ical.CompJournal {
				return stack[i]
			}
		}
		return nil
	}
	drop := func(f *frame, reason string) {
		doc.Dropped = append(doc.Dropped, Skipped{Event: eventLabel(f.comp), Source: source, Line: f.line, Reason: reason})
	}
	closeTop := func() {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if f.bad != "" {
			drop(f, f.bad)
			return
		}
		if len(stack) == 0 {
			doc.Calendars = append(doc.Calendars, f.comp)
		} else {
			parent := stack[len(stack)-1].comp
			parent.Children = append(parent.Children, f.comp)
		}
	}

	for _, ll := range lines {
		prop, err := parseContentLine(ll.text)
		if err != nil {
			if len(stack) == 0 {
				return nil, &ParseError{Source: source, Line: ll.line, Msg: err.Error()}
			}
			// Like most readers, drop the one bad line (often a folding mistake in a long
			// DESCRIPTION) and keep the component; a damaged DTSTART shows up later.
			doc.Warnings = append(doc.Warnings, (&ParseError{Source: source, Line: ll.line, Msg: err.Error() + "; line ignored"}).Error())
			continue
		}
		switch prop.Name {
		case "BEGIN":
			name := strings.ToUpper(strings.TrimSpace(prop.Value))
			if name == "" {
				return nil, &ParseError{Source: source, Line: ll.line, Msg: "BEGIN without a component name"}
			}
			if len(stack) == 0 && name != ical.CompCalendar {
				return nil, &ParseError{Source: source, Line: ll.line, Msg: fmt.Sprintf("expected BEGIN:VCALENDAR, got BEGIN:%s", name)}
			}
			if name == ical.CompEvent {
				// An event inside an event means the first one lost its END line.
				if f := eventFrame(); f != nil {
					for stack[len(stack)-1] != f {
						stack = stack[:len(stack)-1]
					}
					stack = stack[:len(stack)-1]
					drop(f, fmt.Sprintf("missing END:%s (a new BEGIN:VEVENT starts at line %d)", f.comp.Name, ll.line))
				}
			}
			if name == ical.CompCalendar && len(stack) > 0 {
				return nil, &ParseError{Source: source, Line: ll.line, Msg: fmt.Sprintf("BEGIN:VCALENDAR inside %s started at line %d (missing END:%s?)",
					stack[len(stack)-1].comp.Name, stack[len(stack)-1].line, stack[len(stack)-1].comp.Name)}
			}
			if len(stack) >= lim.MaxDepth {
				return nil, &ParseError{Source: source, Line: ll.line, Msg: fmt.Sprintf("components nested deeper than %d", lim.MaxDepth)}
			}
			c := &ical.Component{Name: name, Props: make(ical.Props, 8)}
			doc.Lines[c] = ll.line
			stack = append(stack, &frame{comp: c, line: ll.line})
		case "END":
			name := strings.ToUpper(strings.TrimSpace(prop.Value))
			if len(stack) == 0 {
				return nil, &ParseError{Source: source, Line: ll.line, Msg: fmt.Sprintf("END:%s without a matching BEGIN", name)}
			}
			top := stack[len(stack)-1]
			if top.comp.Name == name {
				closeTop()
				continue
			}
			// Find the component this END closes; everything above it lost its END line.
			idx := -1
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].comp.Name == name {
					idx = i
					break
				}
			}
			if idx < 0 {
				if f := eventFrame(); f != nil {
					if f.bad == "" {
						f.bad = fmt.Sprintf("line %d: END:%s does not match BEGIN:%s at line %d", ll.line, name, top.comp.Name, top.line)
					}
					continue
				}
				return nil, &ParseError{Source: source, Line: ll.line, Msg: fmt.Sprintf("END:%s does not match BEGIN:%s at line %d", name, top.comp.Name, top.line)}
			}
			for len(stack)-1 > idx {
				f := stack[len(stack)-1]
				if ef := eventFrame(); ef != nil && ef.bad == "" {
					ef.bad = fmt.Sprintf("missing END:%s for BEGIN:%s at line %d", f.comp.Name, f.comp.Name, f.line)
				}
				if f.comp.Name == ical.CompEvent || f.comp.Name == ical.CompToDo || f.comp.Name == ical.CompJournal {
					stack = stack[:len(stack)-1]
					if f.bad == "" {
						f.bad = fmt.Sprintf("missing END:%s (line %d ends %s)", f.comp.Name, ll.line, name)
					}
					drop(f, f.bad)
					continue
				}
				closeTop()
			}
			closeTop()
		default:
			if len(stack) == 0 {
				return nil, &ParseError{Source: source, Line: ll.line, Msg: fmt.Sprintf("property %s outside any component (expected BEGIN:VCALENDAR)", prop.Name)}
			}
			top := stack[len(stack)-1].comp
			if prev := top.Props[prop.Name]; len(prev) > 0 {
				top.Props[prop.Name] = append(prev, prop)
			} else {
				arena[0] = prop
				top.Props[prop.Name], arena = arena[:1:1], arena[1:]
			}
		}
	}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		if f.comp.Name == ical.CompEvent || f.comp.Name == ical.CompToDo || f.comp.Name == ical.CompJournal {
			stack = stack[:len(stack)-1]
			drop(f, fmt.Sprintf("missing END:%s at end of file (truncated?)", f.comp.Name))
			continue
		}
		doc.Warnings = append(doc.Warnings, fmt.Sprintf("calendar %s: line %d: missing END:%s at end of file (truncated?)", source, f.line, f.comp.Name))
		closeTop()
	}
	if len(doc.Calendars) == 0 {
		return nil, &ParseError{Source: source, Msg: "no BEGIN:VCALENDAR found (empty or not an iCalendar file)"}
	}
	return doc, nil
}

// parseContentLine splits "NAME;PARAM=a,"b";P2=c:value" (RFC 5545 3.1).
func parseContentLine(s string) (ical.Prop, error) {
	i := strings.IndexAny(s, ";:")
	if i < 0 {
		return ical.Prop{}, fmt.Errorf("malformed content line %q: no colon (broken line folding?)", clip(s))
	}
	name := s[:i]
	if name == "" {
		return ical.Prop{}, fmt.Errorf("malformed content line %q: empty property name", clip(s))
	}
	for j := 0; j < len(name); j++ {
		c := name[j]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '/') {
			return ical.Prop{}, fmt.Errorf("malformed content line %q: invalid property name (broken line folding?)", clip(s))
		}
	}
	prop := ical.Prop{Name: strings.ToUpper(name)}
	s = s[i:]
	for len(s) > 0 && s[0] == ';' {
		if prop.Params == nil {
			prop.Params = ical.Params{}
		}
		s = s[1:]
		eq := strings.IndexAny(s, "=:;")
		if eq <= 0 || s[eq] != '=' {
			return ical.Prop{}, fmt.Errorf("malformed parameter in %s: missing '='", prop.Name)
		}
		pname := strings.ToUpper(s[:eq])
		s = s[eq+1:]
		for {
			var v string
			if len(s) > 0 && s[0] == '"' {
				end := strings.IndexByte(s[1:], '"')
				if end < 0 {
					return ical.Prop{}, fmt.Errorf("malformed parameter %s in %s: unterminated quoted string", pname, prop.Name)
				}
				v, s = s[1:1+end], s[2+end:]
			} else {
				end := strings.IndexAny(s, ",;:\"")
				if end < 0 {
					return ical.Prop{}, fmt.Errorf("malformed parameter %s in %s: missing ':' before the value", pname, prop.Name)
				}
				if s[end] == '"' {
					return ical.Prop{}, fmt.Errorf("malformed parameter %s in %s: stray double quote", pname, prop.Name)
				}
				v, s = s[:end], s[end:]
			}
			prop.Params[pname] = append(prop.Params[pname], v)
			if len(s) > 0 && s[0] == ',' {
				s = s[1:]
				continue
			}
			break
		}
		if len(s) == 0 || (s[0] != ';' && s[0] != ':') {
			return ical.Prop{}, fmt.Errorf("malformed parameter %s in %s: unexpected text after the value", pname, prop.Name)
		}
	}
	if len(s) == 0 || s[0] != ':' {
		return ical.Prop{}, fmt.Errorf("malformed content line for %s: expected ':'", prop.Name)
	}
	prop.Value = s[1:]
	return prop, nil
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// eventLabel names an event for messages: its SUMMARY, else its UID, else its kind.
func eventLabel(c *ical.Component) string {
	if p := c.Props.Get(ical.PropSummary); p != nil {
		if t, err := p.Text(); err == nil && t != "" {
			return clip(t)
		}
		return clip(p.Value)
	}
	if p := c.Props.Get(ical.PropUID); p != nil && p.Value != "" {
		return "UID " + clip(p.Value)
	}
	return "untitled " + strings.ToLower(c.Name)
}

// Encode writes components back as iCalendar text (no validation: used to hand
// already-decoded CalDAV data to Parse).
func Encode(w io.Writer, c *ical.Component) error {
	var b strings.Builder
	var enc func(c *ical.Component)
	enc = func(c *ical.Component) {
		b.WriteString("BEGIN:" + c.Name + "\r\n")
		for name, props := range c.Props {
			for _, p := range props {
				b.WriteString(name)
				for pn, vals := range p.Params {
					b.WriteString(";" + pn + "=")
					for i, v := range vals {
						if i > 0 {
							b.WriteByte(',')
						}
						if strings.ContainsAny(v, ",;:") {
							b.WriteString(`"` + strings.ReplaceAll(v, `"`, "") + `"`)
						} else {
							b.WriteString(strings.ReplaceAll(v, `"`, ""))
						}
					}
				}
				b.WriteString(":" + strings.NewReplacer("\r", "", "\n", "").Replace(p.Value) + "\r\n")
			}
		}
		for _, ch := range c.Children {
			enc(ch)
		}
		b.WriteString("END:" + c.Name + "\r\n")
	}
	enc(c)
	_, err := io.WriteString(w, b.String())
	return err
}
