package exchange

import (
	"html"
	"regexp"
	"strings"
)

var (
	reScript = regexp.MustCompile(`(?is)<(script|style)\b.*?</(script|style)\s*>`)
	reBreak  = regexp.MustCompile(`(?i)<br\s*/?>|</(p|div|li|h[1-6]|tr)\s*>`)
	reTag    = regexp.MustCompile(`(?s)<[^>]*>`)
	reSound  = regexp.MustCompile(`\[sound:[^\]]*\]`)
)

// htmlToText reduces HTML to plain text: scripts and styles dropped, line
// breaks and block ends kept as newlines (or spaces when oneLine), other tags
// removed and entities decoded. Media references ([sound:x]) are dropped:
// Tidbit imports no media.
func htmlToText(s string, oneLine bool) string {
	s = reScript.ReplaceAllString(s, "")
	s = reSound.ReplaceAllString(s, "")
	s = reBreak.ReplaceAllString(s, "\n")
	s = reTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	s = strings.ReplaceAll(s, "\u00a0", " ")
	if oneLine {
		return strings.Join(strings.Fields(s), " ")
	}
	var out []string
	blank := false
	for _, l := range strings.Split(s, "\n") {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// textToHTML is the inverse used for Anki fields Tidbit writes: escaped,
// newlines as <br>.
func textToHTML(s string) string {
	return strings.ReplaceAll(html.EscapeString(s), "\n", "<br>")
}

// htmlToExactText reverses textToHTML exactly (for fields Tidbit wrote).
func htmlToExactText(s string) string {
	s = strings.ReplaceAll(s, "<br>", "\n")
	return html.UnescapeString(s)
}
