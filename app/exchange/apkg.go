package exchange

import (
	"archive/zip"
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver for Anki collections

	"github.com/tidbit-learn/tidbit/app/content"
	"github.com/tidbit-learn/tidbit/app/store"
)

// An .apkg is a zip holding an SQLite collection and a "media" JSON map.
// Tidbit writes the legacy layout (collection.anki2, schema version 11, the
// models/decks/dconf JSON kept in the col row), which every Anki 2.1 and
// later imports, as genanki does. The table definitions follow Anki's
// schema 11.

const ankiSchema = `
CREATE TABLE col (
    id integer primary key, crt integer not null, mod integer not null, scm integer not null,
    ver integer not null, dty integer not null, usn integer not null, ls integer not null,
    conf text not null, models text not null, decks text not null, dconf text not null, tags text not null
);
CREATE TABLE notes (
    id integer primary key, guid text not null, mid integer not null, mod integer not null,
    usn integer not null, tags text not null, flds text not null, sfld integer not null,
    csum integer not null, flags integer not null, data text not null
);
CREATE TABLE cards (
    id integer primary key, nid integer not null, did integer not null, ord integer not null,
    mod integer not null, usn integer not null, type integer not null, queue integer not null,
    due integer not null, ivl integer not null, factor integer not null, reps integer not null,
    lapses integer not null, left integer not null, odue integer not null, odid integer not null,
    flags integer not null, data text not null
);
CREATE TABLE revlog (
    id integer primary key, cid integer not null, usn integer not null, ease integer not null,
    ivl integer not null, lastIvl integer not null, factor integer not null, time integer not null,
    type integer not null
);
CREATE TABLE graves (usn integer not null, oid integer not null, type integer not null);
CREATE INDEX ix_notes_usn on notes (usn);
CREATE INDEX ix_cards_usn on cards (usn);
CREATE INDEX ix_revlog_usn on revlog (usn);
CREATE INDEX ix_cards_nid on cards (nid);
CREATE INDEX ix_cards_sched on cards (did, queue, due);
CREATE INDEX ix_revlog_cid on revlog (cid);
CREATE INDEX ix_notes_csum on notes (csum);
`

// The note type Tidbit writes. Its id is fixed so that exporting again and
// importing into Anki reuses the note type instead of adding a copy.
const (
	ankiModelID   int64 = 1732000000001
	ankiModelName       = "Tidbit question"
	ankiRootDeck        = "Tidbit"
)

var ankiFields = []string{"Question", "Options", "Answer", "Explanation", "Type"}

const ankiCSS = `.card { font-family: sans-serif; font-size: 20px; text-align: left; color: black; background-color: white; }
.tidbit-options ol, .tidbit-why ol { padding-left: 1.5em; }
.tidbit-answer { font-weight: bold; margin: 0.5em 0; }`

const (
	ankiQfmt = `<div class="tidbit-q">{{Question}}</div>
<div class="tidbit-options">{{Options}}</div>`
	ankiAfmt = `{{FrontSide}}
<hr id="answer">
<div class="tidbit-answer">Answer: {{Answer}}</div>
<div class="tidbit-why">{{Explanation}}</div>`
)

type ankiFieldDef struct {
	Name   string `json:"name"`
	Ord    int    `json:"ord"`
	Sticky bool   `json:"sticky"`
	RTL    bool   `json:"rtl"`
	Font   string `json:"font"`
	Size   int    `json:"size"`
	Media  []any  `json:"media"`
}

type ankiTemplate struct {
	Name  string `json:"name"`
	Ord   int    `json:"ord"`
	Qfmt  string `json:"qfmt"`
	Afmt  string `json:"afmt"`
	Bqfmt string `json:"bqfmt"`
	Bafmt string `json:"bafmt"`
	Did   *int64 `json:"did"`
	Bfont string `json:"bfont"`
	Bsize int    `json:"bsize"`
}

type ankiModel struct {
	ID        int64          `json:"id"`
	Name      string         `json:"name"`
	Type      int            `json:"type"`
	Mod       int64          `json:"mod"`
	Usn       int            `json:"usn"`
	Sortf     int            `json:"sortf"`
	Did       int64          `json:"did"`
	Tmpls     []ankiTemplate `json:"tmpls"`
	Flds      []ankiFieldDef `json:"flds"`
	CSS       string         `json:"css"`
	LatexPre  string         `json:"latexPre"`
	LatexPost string         `json:"latexPost"`
	LatexSVG  bool           `json:"latexsvg"`
	Req       [][]any        `json:"req"`
	Tags      []string       `json:"tags"`
	Vers      []any          `json:"vers"`
}

type ankiDeck struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Desc      string `json:"desc"`
	Mod       int64  `json:"mod"`
	Usn       int    `json:"usn"`
	Collapsed bool   `json:"collapsed"`
	BrowserC  bool   `json:"browserCollapsed"`
	Dyn       int    `json:"dyn"`
	Conf      int64  `json:"conf"`
	ExtendNew int    `json:"extendNew"`
	ExtendRev int    `json:"extendRev"`
	NewToday  [2]int `json:"newToday"`
	RevToday  [2]int `json:"revToday"`
	LrnToday  [2]int `json:"lrnToday"`
	TimeToday [2]int `json:"timeToday"`
}

func newDeck(id int64, name, desc string, mod int64) ankiDeck {
	return ankiDeck{ID: id, Name: name, Desc: desc, Mod: mod, Usn: -1, Conf: 1, ExtendNew: 10, ExtendRev: 50}
}

// ankiDconf is the default options group, with every key Anki's schema 11
// requires.
func ankiDconf(mod int64) map[string]any {
	return map[string]any{"1": map[string]any{
		"id": 1, "mod": mod, "name": "Default", "usn": 0, "maxTaken": 60, "autoplay": true, "timer": 0,
		"replayq": true, "dyn": false,
		"new": map[string]any{"bury": false, "delays": []float64{1, 10}, "initialFactor": 2500,
			"ints": []int{1, 4, 0}, "order": 1, "perDay": 20, "separate": true},
		"rev": map[string]any{"bury": false, "ease4": 1.3, "ivlFct": 1, "maxIvl": 36500, "perDay": 200,
			"hardFactor": 1.2, "minSpace": 1, "fuzz": 0.05},
		"lapse": map[string]any{"delays": []float64{10}, "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0},
	}}
}

// WriteAPKG writes lessons as an Anki package at path (replaced atomically,
// mode 0600): one deck "Tidbit::<lesson title>" per lesson, described by the
// lesson body, and one "Tidbit question" note per question.
func WriteAPKG(path string, lessons []store.Lesson) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tidbit-apkg-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if err := WriteAPKGTo(f, lessons); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// WriteAPKGTo writes the package to w (for callers with their own atomic
// file writing).
func WriteAPKGTo(w io.Writer, lessons []store.Lesson) error {
	return writeAPKG(w, lessons, time.Now())
}

func writeAPKG(w io.Writer, lessons []store.Lesson, now time.Time) error {
	dir, err := os.MkdirTemp("", "tidbit-apkg-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	dbPath := filepath.Join(dir, "collection.anki2")
	if err := writeCollection(dbPath, lessons, now); err != nil {
		return err
	}
	db, err := os.ReadFile(dbPath)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	for _, e := range []struct {
		name string
		data []byte
	}{{"collection.anki2", db}, {"media", []byte("{}")}} {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: now.UTC()})
		if err != nil {
			return err
		}
		if _, err := fw.Write(e.data); err != nil {
			return err
		}
	}
	return zw.Close()
}

func writeCollection(dbPath string, lessons []store.Lesson, now time.Time) error {
	db, err := sql.Open("sqlite3", dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(ankiSchema); err != nil {
		return fmt.Errorf("creating the Anki collection: %w", err)
	}
	secs, ms := now.Unix(), now.UnixMilli()
	rootID := deckID(ankiRootDeck)
	decks := map[string]ankiDeck{
		"1":                           newDeck(1, "Default", "", secs),
		strconv.FormatInt(rootID, 10): newDeck(rootID, ankiRootDeck, "Lessons exported from Tidbit.", secs),
	}
	names := map[string]bool{}
	nid := ms
	pos := 0
	firstDeck := int64(1)
	for _, l := range lessons {
		name := ankiRootDeck + "::" + strings.ReplaceAll(oneLine(l.Title), "::", ":")
		for k := 2; names[name]; k++ {
			name = fmt.Sprintf("%s::%s (%d)", ankiRootDeck, strings.ReplaceAll(oneLine(l.Title), "::", ":"), k)
		}
		names[name] = true
		did := deckID(name + "\x00" + l.ID)
		if firstDeck == 1 {
			firstDeck = did
		}
		decks[strconv.FormatInt(did, 10)] = newDeck(did, name, textToHTML(strings.TrimSpace(l.Body)), secs)
		tags := " tidbit "
		if len(l.Skills) > 0 {
			tags = " tidbit " + strings.Join(l.Skills, " ") + " "
		}
		for _, q := range l.Questions {
			flds := ankiNoteFields(q)
			sfld := htmlToText(flds[0], true)
			sum := sha1.Sum([]byte(sfld))
			csum, _ := strconv.ParseInt(hex.EncodeToString(sum[:4]), 16, 64)
			guid := shortHash("tidbit", q.ID)[:10]
			if _, err := tx.Exec(`INSERT INTO notes VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?, 0, '')`,
				nid, guid, ankiModelID, secs, tags, strings.Join(flds, "\x1f"), sfld, csum); err != nil {
				return err
			}
			pos++
			if _, err := tx.Exec(`INSERT INTO cards VALUES (?, ?, ?, 0, ?, -1, 0, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, '')`,
				nid, nid, did, secs, pos); err != nil {
				return err
			}
			nid++
		}
	}
	model := ankiModel{
		ID: ankiModelID, Name: ankiModelName, Type: 0, Mod: secs, Usn: -1, Sortf: 0, Did: firstDeck,
		Tmpls: []ankiTemplate{{Name: "Card 1", Ord: 0, Qfmt: ankiQfmt, Afmt: ankiAfmt}},
		CSS:   ankiCSS,
		LatexPre: "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n" +
			"\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
		LatexPost: "\\end{document}",
		Req:       [][]any{{0, "any", []int{0, 1}}},
		Tags:      []string{},
		Vers:      []any{},
	}
	for i, n := range ankiFields {
		model.Flds = append(model.Flds, ankiFieldDef{Name: n, Ord: i, Font: "Arial", Size: 20, Media: []any{}})
	}
	conf := map[string]any{
		"activeDecks": []int64{1}, "curDeck": 1, "newSpread": 0, "collapseTime": 1200, "timeLim": 0,
		"estTimes": true, "dueCounts": true, "curModel": strconv.FormatInt(ankiModelID, 10), "nextPos": pos + 1,
		"sortType": "noteFld", "sortBackwards": false, "addToCur": true,
	}
	models := map[string]ankiModel{strconv.FormatInt(ankiModelID, 10): model}
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	if _, err := tx.Exec(`INSERT INTO col VALUES (1, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, '{}')`,
		now.UTC().Truncate(24*time.Hour).Unix(), ms, ms, js(conf), js(models), js(decks), js(ankiDconf(secs))); err != nil {
		return err
	}
	return tx.Commit()
}

// deckID is a stable positive id in the range of Anki's millisecond ids.
func deckID(key string) int64 {
	return 1_000_000_000_000 + int64(hashUint(key)%1_000_000_000_000)
}

// ankiNoteFields renders a question into the Tidbit note type's fields.
func ankiNoteFields(q store.Question) []string {
	var opts, whys, answer strings.Builder
	opts.WriteString(`<ol type="A">`)
	whys.WriteString(`<ol type="A">`)
	for i, o := range q.Options {
		opts.WriteString("<li>" + textToHTML(o.Text) + "</li>")
		whys.WriteString("<li>" + textToHTML(o.Why) + "</li>")
		if o.Correct {
			if answer.Len() > 0 {
				answer.WriteString(", ")
			}
			answer.WriteByte(byte('A' + i))
		}
	}
	opts.WriteString("</ol>")
	whys.WriteString("</ol>")
	return []string{textToHTML(q.Prompt), opts.String(), answer.String(), whys.String(), q.Type}
}

// Limits for reading a package: media make decks large, but Tidbit reads only
// the collection.
const (
	maxAPKGBytes       = 512 << 20
	maxCollectionBytes = 128 << 20
	maxNotes           = 100_000
)

var liRe = regexp.MustCompile(`(?is)<li[^>]*>(.*?)</li>`)

// readAPKG reads an Anki package: Tidbit's own note type maps back to the
// questions it was written from; any other note type's first two fields are
// a front and a back, made into questions as for Anki text notes.
func readAPKG(path string, o Options) (*content.Pack, error) {
	name := filepath.Base(path)
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("importing %s: %w", path, err)
	}
	if fi.Size() > maxAPKGBytes {
		return nil, fmt.Errorf("%s: %d bytes, the limit is %d; nothing was imported", path, fi.Size(), maxAPKGBytes)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("%s: not an Anki package (a zip file): %w", path, err)
	}
	defer zr.Close()
	var coll *zip.File
	has21b := false
	for _, f := range zr.File {
		switch f.Name {
		case "collection.anki21":
			coll = f
		case "collection.anki2":
			if coll == nil {
				coll = f
			}
		case "collection.anki21b":
			has21b = true
		}
	}
	if coll == nil {
		if has21b {
			return nil, fmt.Errorf("%s: this package uses the format of Anki 2.1.50 and later; in Anki, export it again with \"Support older Anki versions\" ticked", path)
		}
		return nil, fmt.Errorf("%s: no collection.anki2 inside: not an Anki package", path)
	}
	if coll.UncompressedSize64 > maxCollectionBytes {
		return nil, fmt.Errorf("%s: the collection is %d bytes, the limit is %d", path, coll.UncompressedSize64, maxCollectionBytes)
	}
	dir, err := os.MkdirTemp("", "tidbit-apkg-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	dbPath := filepath.Join(dir, "collection.anki2")
	if err := extract(coll, dbPath); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	h := sha1.New()
	if b, err := os.ReadFile(dbPath); err == nil {
		h.Write(b)
	}
	items, err := readCollection(name, dbPath)
	if err != nil {
		return nil, err
	}
	return build(path, h.Sum(nil), items, o)
}

func extract(f *zip.File, dst string) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	n, err := io.Copy(out, io.LimitReader(rc, maxCollectionBytes+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", f.Name, err)
	}
	if n > maxCollectionBytes {
		return fmt.Errorf("%s inflates past %d bytes", f.Name, maxCollectionBytes)
	}
	return nil
}

type noteRow struct {
	id, mid int64
	flds    string
	deck    string
	desc    string
}

func readCollection(name, dbPath string) ([]item, error) {
	db, err := sql.Open("sqlite3", "file:"+dbPath+"?mode=ro&immutable=1")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	bad := func(err error) error {
		return fmt.Errorf("%s: not a readable Anki collection: %w", name, err)
	}
	var modelsJSON, decksJSON string
	if err := db.QueryRow(`SELECT models, decks FROM col`).Scan(&modelsJSON, &decksJSON); err != nil {
		return nil, bad(err)
	}
	var models map[string]struct {
		Name string `json:"name"`
		Type int    `json:"type"`
		Flds []struct {
			Name string `json:"name"`
		} `json:"flds"`
	}
	if err := json.Unmarshal([]byte(modelsJSON), &models); err != nil {
		return nil, bad(fmt.Errorf("col.models: %w", err))
	}
	var decks map[string]struct {
		Name string `json:"name"`
		Desc string `json:"desc"`
	}
	if err := json.Unmarshal([]byte(decksJSON), &decks); err != nil {
		return nil, bad(fmt.Errorf("col.decks: %w", err))
	}
	rows, err := db.Query(`SELECT n.id, n.mid, n.flds, COALESCE((SELECT c.did FROM cards c WHERE c.nid = n.id ORDER BY c.ord LIMIT 1), 1)
		FROM notes n ORDER BY n.id LIMIT ?`, maxNotes+1)
	if err != nil {
		return nil, bad(err)
	}
	defer rows.Close()
	var notes []noteRow
	for rows.Next() {
		var n noteRow
		var did int64
		if err := rows.Scan(&n.id, &n.mid, &n.flds, &did); err != nil {
			return nil, bad(err)
		}
		d := decks[strconv.FormatInt(did, 10)]
		n.deck, n.desc = d.Name, d.Desc
		if n.deck == "Default" {
			n.deck = ""
		}
		notes = append(notes, n)
	}
	if err := rows.Err(); err != nil {
		return nil, bad(err)
	}
	if len(notes) > maxNotes {
		return nil, fmt.Errorf("%s: more than %d notes", name, maxNotes)
	}
	var all []content.Problem
	var items []item
	described := map[string]bool{}
	sort.SliceStable(notes, func(i, j int) bool { return notes[i].id < notes[j].id })
	for i, n := range notes {
		p := &problems{file: fmt.Sprintf("%s note %d", name, n.id)}
		m, ok := models[strconv.FormatInt(n.mid, 10)]
		if !ok {
			p.add(0, "the note's type %d is not in the collection", n.mid)
			all = append(all, p.list...)
			continue
		}
		if !described[n.deck] && strings.TrimSpace(n.desc) != "" {
			described[n.deck] = true
			items = append(items, item{line: i + 1, group: n.deck, desc: true, prompt: fieldText(n.desc, false)})
		}
		flds := strings.Split(n.flds, "\x1f")
		var names []string
		for _, f := range m.Flds {
			names = append(names, f.Name)
		}
		if m.Name == ankiModelName && strings.Join(names, ",") == strings.Join(ankiFields, ",") && len(flds) == len(ankiFields) {
			it := tidbitNote(p, flds)
			it.line, it.group = 0, n.deck
			if len(p.list) == 0 {
				checkQuestion(p, it)
			}
			all = append(all, p.list...)
			if len(p.list) == 0 {
				items = append(items, it)
			}
			continue
		}
		if len(flds) < 2 && m.Type != 1 {
			p.add(0, "a note needs a front and a back; this %q note has %d field(s)", m.Name, len(flds))
			all = append(all, p.list...)
			continue
		}
		var c card
		if cl := clozeRe.FindAllStringSubmatch(flds[0], -1); cl != nil {
			c.front, c.back = clozeCard(flds[0], cl)
		} else {
			c.front, c.back = htmlToText(flds[0], false), htmlToText(flds[1], false)
		}
		if c.front == "" || c.back == "" {
			p.add(0, "the front or the back of this %q note is empty", m.Name)
			all = append(all, p.list...)
			continue
		}
		items = append(items, item{group: n.deck, card: &c})
	}
	if len(all) > 0 {
		return nil, &content.Error{Source: name, Problems: all}
	}
	return items, nil
}

// tidbitNote maps a "Tidbit question" note back to a question.
func tidbitNote(p *problems, flds []string) item {
	it := item{prompt: fieldText(flds[0], false), typ: strings.TrimSpace(htmlToText(flds[4], true))}
	switch it.typ {
	case "single", "multiple", "truefalse":
	default:
		p.add(0, "Type %q: use single, multiple or truefalse", it.typ)
		return it
	}
	opts := liRe.FindAllStringSubmatch(flds[1], -1)
	whys := liRe.FindAllStringSubmatch(flds[3], -1)
	if len(whys) != len(opts) {
		p.add(0, "%d options but %d explanations: each option needs one", len(opts), len(whys))
		return it
	}
	for i, m := range opts {
		it.options = append(it.options, store.Option{Text: fieldText(m[1], false), Why: fieldText(whys[i][1], false)})
	}
	for _, a := range strings.Split(htmlToText(flds[2], true), ",") {
		a = strings.ToUpper(strings.TrimSpace(a))
		if a == "" {
			continue
		}
		k := int(a[0]) - 'A'
		if len(a) != 1 || k < 0 || k >= len(it.options) {
			p.add(0, "Answer %q: give the letters of the right options, A to %c", a, 'A'+max(0, len(it.options)-1))
			return it
		}
		it.options[k].Correct = true
	}
	fillWhys(it.options)
	return it
}

// fieldText reads an Anki field: exactly when it holds only what Tidbit
// writes (escaped text and <br>), as plain text from HTML otherwise.
func fieldText(s string, oneLine bool) string {
	if !strings.Contains(strings.ReplaceAll(s, "<br>", ""), "<") {
		t := htmlToExactText(s)
		if oneLine {
			return strings.Join(strings.Fields(t), " ")
		}
		return strings.TrimSpace(t)
	}
	return htmlToText(s, oneLine)
}
