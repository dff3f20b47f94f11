package view

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

// LibraryRow is one lesson of the Library window.
type LibraryRow struct {
	ID     string
	Title  string
	Meta   string // "Active listening · Communication · 3 min"
	Done   bool
	Status string // "Done" / "Done 3×" / "New"
	// haystack is what the search matches: title, skill names and ids,
	// category name, kind, lowercased.
	haystack string
}

// NewLibrary builds the rows in the store's order (category, level, id).
// tax names skills and categories; nil shows ids.
func NewLibrary(lessons []store.LessonSummary, tax *assets.Taxonomy) []LibraryRow {
	out := make([]LibraryRow, 0, len(lessons))
	for _, l := range lessons {
		r := LibraryRow{ID: l.ID, Title: l.Title, Done: l.Completed > 0}
		if r.Title == "" {
			r.Title = l.ID
		}
		var names []string
		hay := []string{r.Title, l.ID, l.Kind, l.SkillKind}
		for _, s := range l.Skills {
			name := s
			if tax != nil {
				if sk, ok := tax.Skill(s); ok {
					name = sk.Name
				}
			}
			names = append(names, name)
			hay = append(hay, s, name)
		}
		cat := l.Category
		if tax != nil {
			if c, ok := tax.Category(l.Category); ok {
				cat = c.Name
			}
		}
		hay = append(hay, l.Category, cat)
		var meta []string
		if len(names) > 0 {
			meta = append(meta, strings.Join(names, ", "))
		}
		if cat != "" {
			meta = append(meta, cat)
		}
		if l.Minutes > 0 {
			meta = append(meta, fmt.Sprintf("%d min", l.Minutes))
		}
		if l.AIWritten {
			// Written by the local model for a skill the library lacked.
			meta = append(meta, "AI-written")
			hay = append(hay, "AI-written")
		}
		r.Meta = strings.Join(meta, " · ")
		switch {
		case l.Completed == 1:
			r.Status = "Done"
		case l.Completed > 1:
			r.Status = fmt.Sprintf("Done %d×", l.Completed)
		default:
			r.Status = "New"
		}
		r.haystack = fold(strings.Join(hay, "\n"))
		out = append(out, r)
	}
	return out
}

// MaxQuery caps the search text read: a pasted page does not make every
// keystroke scan megabytes.
const MaxQuery = 200

// Filter returns the rows matching every word of query (case- and
// accent-insensitive substrings of title, skills, category or kind), in
// their order. An empty query matches everything.
func Filter(rows []LibraryRow, query string) []LibraryRow {
	if len(query) > MaxQuery {
		query = query[:MaxQuery]
	}
	words := strings.Fields(fold(query))
	if len(words) == 0 {
		return rows
	}
	out := []LibraryRow{}
rows:
	for _, r := range rows {
		for _, w := range words {
			if !strings.Contains(r.haystack, w) {
				continue rows
			}
		}
		out = append(out, r)
	}
	return out
}

// fold lowercases s and drops the most common Latin accents, so "resume"
// finds "Résumé"; invalid UTF-8 becomes spaces.
func fold(s string) string {
	s = strings.ToValidUTF8(s, " ")
	return strings.Map(func(r rune) rune {
		if f, ok := accents[r]; ok {
			return f
		}
		return unicode.ToLower(r)
	}, s)
}

var accents = func() map[rune]rune {
	m := map[rune]rune{}
	for base, list := range map[rune]string{'a': "àáâãäåÀÁÂÃÄÅ", 'c': "çÇ", 'e': "èéêëÈÉÊË", 'i': "ìíîïÌÍÎÏ",
		'n': "ñÑ", 'o': "òóôõöøÒÓÔÕÖØ", 'u': "ùúûüÙÚÛÜ", 'y': "ýÿÝ"} {
		for _, r := range list {
			m[r] = base
		}
	}
	return m
}()
