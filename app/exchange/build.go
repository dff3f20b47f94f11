package exchange

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/tidbit-learn/tidbit/app/content"
	"github.com/tidbit-learn/tidbit/app/store"
)

// group is the questions of one category or deck, in file order, with the
// description items that came before each.
type group struct {
	name  string
	items []item
}

// build places parsed items into lessons (see the package doc for the
// mapping) and returns the pack, or every problem found.
func build(source string, data []byte, items []item, o Options) (*content.Pack, error) {
	name := filepath.Base(source)
	p := &problems{file: name}
	var groups []*group
	byName := map[string]*group{}
	for _, it := range items {
		g := byName[it.group]
		if g == nil {
			g = &group{name: it.group}
			byName[it.group] = g
			groups = append(groups, g)
		}
		g.items = append(g.items, it)
	}
	cardsToQuestions(p, groups)
	if err := p.err(source); err != nil {
		return nil, err
	}

	pk := &content.Pack{Meta: store.Pack{
		ID: o.PackID, Title: o.Title, Version: "1", Source: source,
		ContentHash: shortHash(string(data), o.Skill, strconv.Itoa(o.Level), strconv.Itoa(o.PerLesson), o.PackID, o.Title),
	}}
	usedIDs := map[string]bool{}
	total := 0
	for _, g := range groups {
		var qs []item
		var descBefore [][]string // descriptions before question i
		var pending []string
		for _, it := range g.items {
			if it.desc {
				if strings.TrimSpace(it.prompt) != "" { // "[html]<br>" says nothing
					pending = append(pending, it.prompt)
				}
				continue
			}
			qs = append(qs, it)
			descBefore = append(descBefore, pending)
			pending = nil
		}
		if len(qs) == 0 {
			continue
		}
		if len(pending) > 0 {
			descBefore[len(descBefore)-1] = append(descBefore[len(descBefore)-1], pending...)
		}
		qids := questionIDs(qs)
		parts := (len(qs) + o.PerLesson - 1) / o.PerLesson
		base := lessonBase(o.PackID, g.name)
		for part := 0; part < parts; part++ {
			lo, hi := part*o.PerLesson, min((part+1)*o.PerLesson, len(qs))
			l := store.Lesson{
				ID:         fmt.Sprintf("%s-%d", base, part+1),
				PackID:     o.PackID,
				Title:      groupTitle(g.name, o.Title),
				Kind:       "lesson",
				Level:      o.Level,
				Minutes:    max(1, min(5, (hi-lo+1)/2)),
				Skills:     []string{o.Skill},
				SourceFile: name,
			}
			for usedIDs[l.ID] { // two groups whose names slug alike
				l.ID = fmt.Sprintf("%s-%s", base[:min(len(base), 50)], shortHash(l.ID, g.name)[:6]+"-"+strconv.Itoa(part+1))
			}
			usedIDs[l.ID] = true
			if parts > 1 {
				l.Title = fmt.Sprintf("%s (%d/%d)", l.Title, part+1, parts)
			}
			var body []string
			var cards []string
			for i := lo; i < hi; i++ {
				body = append(body, descBefore[i]...)
				it := qs[i]
				if it.card != nil {
					cards = append(cards, "- **"+mdInline(it.card.front)+"** — "+mdInline(it.card.back))
				}
				q := store.Question{
					ID: l.ID + "/" + qids[i], LessonID: l.ID, Ord: i - lo,
					Type: it.typ, Prompt: it.prompt, Options: it.options,
				}
				q.ContentHash = hashJSON(struct {
					T, P string
					O    []store.Option
				}{q.Type, q.Prompt, q.Options})
				l.Questions = append(l.Questions, q)
			}
			switch {
			case len(cards) > 0:
				body = append(body, "Read these cards, then answer a question on each:\n\n"+strings.Join(cards, "\n"))
			case len(body) == 0:
				body = append(body, fmt.Sprintf("Questions imported from %s.", name))
			}
			l.Body = strings.Join(body, "\n\n")
			l.ContentHash = hashJSON(struct{ L store.Lesson }{lessonForHash(l)})
			pk.Lessons = append(pk.Lessons, l)
			total += len(l.Questions)
		}
	}
	if total == 0 {
		p.add(0, "%v: nothing Tidbit can ask was found in this file", errNoQuestions)
		return nil, p.err(source)
	}
	return pk, nil
}

// lessonForHash drops fields that do not describe content, as content does.
func lessonForHash(l store.Lesson) store.Lesson {
	l.SourceFile, l.ContentHash, l.Version = "", "", 0
	qs := make([]store.Question, len(l.Questions))
	for i, q := range l.Questions {
		q.ContentHash = ""
		qs[i] = q
	}
	l.Questions = qs
	return l
}

// questionIDs derives ids from the question text; repeats get -2, -3...
func questionIDs(qs []item) []string {
	out := make([]string, len(qs))
	seen := map[string]int{}
	for i, it := range qs {
		id := "q" + shortHash(it.prompt)[:12]
		seen[id]++
		if n := seen[id]; n > 1 {
			id = fmt.Sprintf("%s-%d", id, n)
		}
		out[i] = id
	}
	return out
}

// lessonBase is the lesson id without its part number: pack id and group
// slug, shortened with a hash when too long (ids are at most 64 characters).
func lessonBase(packID, group string) string {
	base := packID
	if group != "" {
		s := slug(group)
		if s == "" {
			s = shortHash(group)[:6]
		}
		base += "-" + s
	}
	if len(base) > 58 {
		base = strings.Trim(base[:51], "-") + "-" + shortHash(group)[:6]
	}
	return base
}

// groupTitle is the last part of a group: an Anki deck name or a GIFT
// category path, both joined with "::".
func groupTitle(group, fallback string) string {
	if group == "" {
		return fallback
	}
	t := group
	if i := strings.LastIndex(t, "::"); i >= 0 {
		t = t[i+2:]
	}
	t = strings.TrimSpace(t)
	if t == "" {
		return fallback
	}
	return t
}

// splitCategory splits a Moodle category path on "/" ("//" is a literal
// slash) and drops Moodle's context prefixes ($course$, top).
func splitCategory(path string) []string {
	var segs []string
	var cur strings.Builder
	for i := 0; i < len(path); i++ {
		if path[i] == '/' {
			if i+1 < len(path) && path[i+1] == '/' {
				cur.WriteByte('/')
				i++
				continue
			}
			segs = append(segs, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteByte(path[i])
	}
	segs = append(segs, cur.String())
	var out []string
	for i, s := range segs {
		s = strings.TrimSpace(s)
		if s == "" || (i == 0 && strings.HasPrefix(s, "$") && strings.HasSuffix(s, "$")) || (i <= 1 && s == "top") {
			continue
		}
		out = append(out, s)
	}
	return out
}

// mdInline keeps a card's text on one Markdown line.
func mdInline(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// cardsToQuestions turns flashcards into single-choice questions whose wrong
// options are other cards' backs: from the same group first, then the file.
func cardsToQuestions(p *problems, groups []*group) {
	var all []*item
	for _, g := range groups {
		for i := range g.items {
			if g.items[i].card != nil {
				all = append(all, &g.items[i])
			}
		}
	}
	if len(all) == 0 {
		return
	}
	distinct := map[string]bool{}
	for _, it := range all {
		distinct[strings.ToLower(it.card.back)] = true
	}
	if len(distinct) < 2 {
		p.add(0, "Anki notes become multiple-choice questions whose wrong options are other notes' backs: at least 2 notes with different backs are needed, this file has %d", len(distinct))
		return
	}
	for _, g := range groups {
		var local []*item
		for i := range g.items {
			if g.items[i].card != nil {
				local = append(local, &g.items[i])
			}
		}
		for _, it := range local {
			c := it.card
			pick := distractors(c, local, 3)
			if len(pick) < 3 {
				pick = append(pick, distractors(c, all, 3-len(pick), pick...)...)
			}
			opts := make([]store.Option, 0, len(pick)+1)
			for _, d := range pick {
				opts = append(opts, store.Option{Text: d.back,
					Why: fmt.Sprintf("No: that is the back of “%s”. The answer here is: %s", mdInline(d.front), endSentence(c.back))})
			}
			pos := int(hashUint(c.front) % uint64(len(opts)+1))
			right := store.Option{Text: c.back, Correct: true, Why: fmt.Sprintf("Yes: “%s” — %s", mdInline(c.front), endSentence(c.back))}
			opts = append(opts[:pos], append([]store.Option{right}, opts[pos:]...)...)
			it.typ = "single"
			it.prompt = c.front
			it.options = opts
		}
	}
}

// distractors picks up to n other cards whose backs differ from c's and from
// each other (and from avoid). It walks the pool from a place fixed by a hash
// of the front, so the choice is stable and costs O(1) per card; only when a
// short walk finds nothing (many cards share one back) does it scan the pool.
func distractors(c *card, pool []*item, n int, avoid ...*card) []*card {
	if len(pool) == 0 || n <= 0 {
		return nil
	}
	taken := map[string]bool{strings.ToLower(c.back): true}
	for _, a := range avoid {
		taken[strings.ToLower(a.back)] = true
	}
	var out []*card
	start := int(hashUint(c.front) % uint64(len(pool)))
	walk := func(limit int) {
		for k := 0; k < len(pool) && k < limit && len(out) < n; k++ {
			d := pool[(start+k)%len(pool)].card
			key := strings.ToLower(d.back)
			if d == c || taken[key] {
				continue
			}
			taken[key] = true
			out = append(out, d)
		}
	}
	walk(64)
	if len(out) == 0 {
		walk(len(pool))
	}
	return out
}

func hashUint(s string) uint64 {
	h := shortHash(s)
	v, _ := strconv.ParseUint(h[:16], 16, 64)
	return v
}
