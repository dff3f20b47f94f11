package terminal

import (
	"regexp"
	"strings"
)

var (
	emphasis = regexp.MustCompile(`\*\*([^*]+)\*\*|__([^_]+)__`)
	listItem = regexp.MustCompile(`^(\s*(?:[-*+]|\d+[.)])\s+)`)
)

// Render turns lesson Markdown into plain text for a terminal: paragraphs
// wrapped to width, list items with a hanging indent, headings and quotes
// kept, bold markers dropped. It is deliberately small: lessons use a
// handful of Markdown features and a terminal shows no fonts.
func Render(md string, width int) string {
	var out []string
	var para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, wrap(strings.Join(para, " "), width, ""))
			para = nil
		}
	}
	inCode := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			flush()
			inCode = !inCode
			continue
		}
		if inCode {
			out = append(out, "    "+line)
			continue
		}
		line = emphasis.ReplaceAllString(line, "$1$2")
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			flush()
			if len(out) > 0 && out[len(out)-1] != "" {
				out = append(out, "")
			}
		case strings.HasPrefix(trimmed, "#"):
			flush()
			out = append(out, strings.ToUpper(strings.TrimSpace(strings.TrimLeft(trimmed, "#"))))
		case strings.HasPrefix(trimmed, ">"):
			flush()
			out = append(out, wrap(strings.TrimSpace(strings.TrimPrefix(trimmed, ">")), width-2, "  ")+"")
			out[len(out)-1] = indentFirst(out[len(out)-1], "  ")
		case listItem.MatchString(line):
			flush()
			m := listItem.FindString(line)
			out = append(out, wrap(strings.TrimSpace(line), width, strings.Repeat(" ", len(m))))
		default:
			para = append(para, trimmed)
		}
	}
	flush()
	return strings.TrimRight(strings.Join(out, "\n"), "\n")
}

func indentFirst(s, ind string) string { return ind + s }

// wrap breaks text into lines of at most width runes, indenting every line
// after the first by indent.
func wrap(text string, width int, indent string) string {
	words := strings.Fields(text)
	if len(words) == 0 {
		return ""
	}
	var b strings.Builder
	col := 0
	for i, w := range words {
		wl := len([]rune(w))
		if i > 0 && col+1+wl > width {
			b.WriteString("\n")
			b.WriteString(indent)
			col = len(indent)
		} else if i > 0 {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += wl
	}
	return b.String()
}
