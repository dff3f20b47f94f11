package exchange

import (
	"encoding/csv"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Anki notes exported as text ("Notes in Plain Text", or any CSV/TSV with a
// front and a back column), as read here:
//
//	#separator:tab
//	#html:true
//	#deck column:3
//	What is the capital of France?<tab>Paris<tab>Geography
//
// Header lines (#key:value) come first: separator (tab, comma, semicolon,
// space, pipe, colon or the character itself), html (false keeps < and >
// as text), and "guid/notetype/deck/tags column:N", whose columns are not
// fields. Without a header, a tab in the first line means tab-separated,
// otherwise .tsv is tab- and anything else comma-separated. Fields may be
// quoted ("a ""quoted"" word", newlines inside quotes). The first two fields
// are the front and the back; further fields are ignored. HTML is reduced to
// text and media references dropped.

var clozeRe = regexp.MustCompile(`\{\{c\d+::(.*?)(?:::(.*?))?\}\}`)

func parseAnkiText(name, ext string, data []byte) ([]item, error) {
	lines, err := prepareText(name, data)
	if err != nil {
		return nil, err
	}
	p := &problems{file: name}
	sep := rune(0)
	isHTML := true
	special := map[int]string{} // 0-based column -> guid, notetype, deck, tags
	head := 0
	for head < len(lines) && strings.HasPrefix(lines[head], "#") && strings.Contains(lines[head], ":") {
		key, val, _ := strings.Cut(strings.TrimPrefix(lines[head], "#"), ":")
		key, val = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(val)
		switch key {
		case "separator":
			switch strings.ToLower(val) {
			case "tab":
				sep = '\t'
			case "comma":
				sep = ','
			case "semicolon":
				sep = ';'
			case "space":
				sep = ' '
			case "pipe":
				sep = '|'
			case "colon":
				sep = ':'
			default:
				if r := []rune(val); len(r) == 1 && r[0] != '"' {
					sep = r[0]
				} else {
					p.add(head+1, "separator %q: use tab, comma, semicolon, space, pipe, colon or one character", val)
				}
			}
		case "html":
			isHTML = val != "false"
		case "guid column", "notetype column", "deck column", "tags column":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > 64 {
				p.add(head+1, "%s %q: give a column number from 1", key, val)
			} else {
				special[n-1] = strings.TrimSuffix(key, " column")
			}
		}
		head++
	}
	if err := p.err(name); err != nil {
		return nil, err
	}
	if sep == 0 {
		first := ""
		for _, l := range lines[head:] {
			if strings.TrimSpace(l) != "" {
				first = l
				break
			}
		}
		switch {
		case strings.Contains(first, "\t"), ext == ".tsv":
			sep = '\t'
		default:
			sep = ','
		}
	}
	r := csv.NewReader(strings.NewReader(strings.Join(lines[head:], "\n")))
	r.Comma = sep
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	var items []item
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := r.FieldPos(0)
		line += head
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				p.add(pe.Line+head, "%v", pe.Err)
			} else {
				p.add(line, "%v", err)
			}
			break
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		var fields []string
		deck := ""
		for i, f := range rec {
			switch special[i] {
			case "":
				fields = append(fields, f)
			case "deck":
				deck = strings.TrimSpace(f)
			}
		}
		if len(fields) < 2 {
			p.add(line, "a note needs a front and a back, this line has %d field(s) (is the separator right? %s)", len(fields), sepName(sep))
			continue
		}
		front, back := ankiField(fields[0], isHTML), ankiField(fields[1], isHTML)
		if m := clozeRe.FindAllStringSubmatch(fields[0], -1); m != nil && isHTML {
			front, back = clozeCard(fields[0], m)
		}
		switch {
		case front == "":
			p.add(line, "the front (first field) is empty")
			continue
		case back == "":
			p.add(line, "the back (second field) is empty")
			continue
		}
		items = append(items, item{line: line, group: deck, card: &card{front: front, back: back}})
	}
	if err := p.err(name); err != nil {
		return nil, err
	}
	return items, nil
}

func sepName(r rune) string {
	switch r {
	case '\t':
		return "tab"
	case ',':
		return "comma"
	}
	return strconv.QuoteRune(r)
}

func ankiField(s string, isHTML bool) string {
	if isHTML {
		return htmlToText(s, false)
	}
	return strings.TrimSpace(s)
}

// clozeCard turns a cloze note into a front with the deletions blanked
// (showing their hints) and a back of the hidden texts.
func clozeCard(field string, m [][]string) (front, back string) {
	var hidden []string
	for _, g := range m {
		hidden = append(hidden, htmlToText(g[1], true))
	}
	blank := clozeRe.ReplaceAllStringFunc(field, func(s string) string {
		g := clozeRe.FindStringSubmatch(s)
		if g[2] != "" {
			return "[" + g[2] + "]"
		}
		return "[...]"
	})
	return htmlToText(blank, false), strings.Join(hidden, "; ")
}
