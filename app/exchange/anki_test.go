package exchange

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/content"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

const capitals = "#separator:tab\n#html:true\n#deck column:3\n" +
	"Capital of <b>France</b>?\tParis\tGeo::Europe\n" +
	"Capital of Italy?\tRome\tGeo::Europe\n" +
	"Capital of Spain?\t\"Madrid<br>(since 1561)\"\tGeo::Europe\n" +
	"Capital of Japan?\tTokyo\tGeo::Asia\n"

func TestAnkiTextImport(t *testing.T) {
	pk, err := ReadAnkiText("capitals.txt", []byte(capitals), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, pk)
	if len(pk.Lessons) != 2 || pk.Lessons[0].Title != "Europe" || pk.Lessons[1].Title != "Asia" {
		t.Fatalf("lessons: %+v", pk.Lessons)
	}
	eu := pk.Lessons[0]
	if !strings.Contains(eu.Body, "- **Capital of France?** — Paris") || !strings.Contains(eu.Body, "Madrid (since 1561)") {
		t.Errorf("body does not list the cards:\n%s", eu.Body)
	}
	q := eu.Questions[0]
	if q.Prompt != "Capital of France?" || q.Type != "single" {
		t.Fatalf("question %+v", q)
	}
	texts := map[string]bool{}
	for _, o := range q.Options {
		texts[o.Text] = o.Correct
	}
	// The wrong options are the other cards' backs: same deck first, then the file.
	want := map[string]bool{"Paris": true, "Rome": false, "Madrid\n(since 1561)": false, "Tokyo": false}
	if fmt.Sprint(texts) != fmt.Sprint(want) {
		t.Errorf("options %v, want %v", texts, want)
	}
	// Stable: the same file gives the same options in the same order.
	again, _ := ReadAnkiText("capitals.txt", []byte(capitals), Options{})
	if fmt.Sprint(again.Lessons) != fmt.Sprint(pk.Lessons) {
		t.Error("importing twice gave different lessons")
	}
}

func TestAnkiTextVariants(t *testing.T) {
	cases := []struct {
		name, file, in string
		fronts, backs  []string
	}{
		{"csv with quotes", "cards.csv", "front,back\n\"a, b\",\"say \"\"hi\"\"\"\n", []string{"front", "a, b"}, []string{"back", `say "hi"`}},
		{"tsv without header", "cards.tsv", "one\t1\ntwo\t2\n", []string{"one", "two"}, []string{"1", "2"}},
		{"semicolon header, html off", "cards.txt", "#separator:Semicolon\n#html:false\nx < y;<b>kept</b>\nz;w\n", []string{"x < y", "z"}, []string{"<b>kept</b>", "w"}},
		{"guid and notetype columns skipped", "cards.txt", "#separator:tab\n#guid column:1\n#notetype column:2\nab12\tBasic\tF1\tB1\ncd34\tBasic\tF2\tB2\n", []string{"F1", "F2"}, []string{"B1", "B2"}},
		{"cloze", "cards.tsv", "The {{c1::Seine::river}} runs through {{c2::Paris}}.\textra\nOther\tcard\n", []string{"The [river] runs through [...].", "Other"}, []string{"Seine; Paris", "card"}},
		{"multi-line quoted field", "cards.tsv", "\"two\nlines\"\tback\nf\tb\n", []string{"two\nlines", "f"}, []string{"back", "b"}},
		{"media dropped", "cards.tsv", "Hear this [sound:a.mp3]<img src=\"x.png\">\tbird\nf\tb\n", []string{"Hear this", "f"}, []string{"bird", "b"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pk, err := ReadAnkiText(tc.file, []byte(tc.in), Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, pk)
			var fronts, backs []string
			for _, q := range allQuestions(pk.Lessons) {
				fronts = append(fronts, q.Prompt)
				for _, o := range q.Options {
					if o.Correct {
						backs = append(backs, o.Text)
					}
				}
			}
			if fmt.Sprintf("%q", fronts) != fmt.Sprintf("%q", tc.fronts) || fmt.Sprintf("%q", backs) != fmt.Sprintf("%q", tc.backs) {
				t.Errorf("fronts %q backs %q, want %q %q", fronts, backs, tc.fronts, tc.backs)
			}
		})
	}
}

func TestAnkiTextErrors(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string
	}{
		{"one field", "#separator:tab\nfront\tback\nlonely\nf2\tb2\n", []string{"3: a note needs a front and a back, this line has 1 field(s)"}},
		{"empty back", "a\tb\nc\t<br>\n", []string{"2: the back (second field) is empty"}},
		{"empty front", "a\tb\n\t x\n", []string{"2: the front (first field) is empty"}},
		{"bad separator", "#separator:two chars\na\tb\n", []string{"1: separator"}},
		{"bad column", "#deck column:zero\na\tb\n", []string{"1: deck column"}},
		{"one distinct back", "a\tsame\nb\tSAME\n", []string{"0: at least 2 notes with different backs"}},
		{"not utf-8", "a\tb\nc\t\xff\n", []string{"2: not UTF-8"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pk, err := ReadAnkiText("notes.tsv", []byte(tc.in), Options{})
			if pk != nil {
				t.Fatal("got a pack despite errors")
			}
			wantProblems(t, err, tc.want)
		})
	}
}

// TestAPKGRoundTrip writes the starter library as an .apkg and reads it back
// through its SQLite collection: every question, option, correct flag and
// why, and every lesson's title and body, come back.
func TestAPKGRoundTrip(t *testing.T) {
	lessons := starterLessons(t)
	path := filepath.Join(t.TempDir(), "starter.apkg")
	if err := WriteAPKG(path, lessons); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("written file: %v %v", fi, err)
	}
	pk, err := ReadPath(path, Options{PerLesson: 100})
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, pk)
	if len(pk.Lessons) != len(lessons) {
		t.Fatalf("%d lessons back, want %d", len(pk.Lessons), len(lessons))
	}
	for i, l := range lessons {
		got := pk.Lessons[i]
		if got.Title != l.Title || got.Body != l.Body {
			t.Errorf("lesson %s: title %q body %.40q, want %q %.40q", l.ID, got.Title, got.Body, l.Title, l.Body)
		}
		sameQuestions(t, l.Questions, got.Questions, true)
	}
}

// TestAPKGCollection checks the package against what Anki's legacy importer
// reads: the zip entries, the schema 11 tables, and the JSON in col with
// every key Anki requires for note types, decks and options groups.
func TestAPKGCollection(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	if err := writeAPKG(&buf, fixtureLessons(), at); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name == "media" {
			rc, _ := f.Open()
			b := new(bytes.Buffer)
			b.ReadFrom(rc)
			rc.Close()
			if b.String() != "{}" {
				t.Errorf("media = %q, want {}", b)
			}
		}
		if f.Name == "collection.anki2" {
			if err := extract(f, filepath.Join(dir, "c.anki2")); err != nil {
				t.Fatal(err)
			}
		}
	}
	if strings.Join(names, ",") != "collection.anki2,media" {
		t.Fatalf("zip entries %v", names)
	}
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "c.anki2")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables []string
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	if strings.Join(tables, ",") != "cards,col,graves,notes,revlog" {
		t.Errorf("tables %v", tables)
	}
	var ver int
	var conf, models, decks, dconf, tags string
	if err := db.QueryRow(`SELECT ver, conf, models, decks, dconf, tags FROM col`).Scan(&ver, &conf, &models, &decks, &dconf, &tags); err != nil {
		t.Fatal(err)
	}
	if ver != 11 || tags != "{}" {
		t.Errorf("ver %d tags %q", ver, tags)
	}
	requireKeys := func(what, js string, nested []string, keys ...string) {
		t.Helper()
		var m map[string]map[string]any
		if err := json.Unmarshal([]byte(js), &m); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		for id, v := range m {
			for _, k := range keys {
				if _, ok := v[k]; !ok {
					t.Errorf("%s %s lacks %q", what, id, k)
				}
			}
			for _, path := range nested {
				sub, k, _ := strings.Cut(path, ".")
				inner, _ := v[sub].(map[string]any)
				if _, ok := inner[k]; !ok {
					t.Errorf("%s %s lacks %q", what, id, path)
				}
			}
		}
	}
	requireKeys("model", models, nil, "id", "name", "type", "mod", "usn", "sortf", "did", "tmpls", "flds", "css", "req")
	requireKeys("deck", decks, nil, "id", "name", "usn", "collapsed", "dyn", "conf", "newToday", "revToday", "lrnToday", "timeToday", "mod")
	requireKeys("dconf", dconf, []string{"new.delays", "new.initialFactor", "new.ints", "new.order", "new.perDay",
		"rev.ease4", "rev.ivlFct", "rev.maxIvl", "rev.perDay", "lapse.delays", "lapse.leechAction", "lapse.leechFails", "lapse.minInt", "lapse.mult"},
		"id", "mod", "name", "usn", "maxTaken", "autoplay", "timer", "new", "rev", "lapse")
	var cm map[string]map[string]any
	json.Unmarshal([]byte(conf), &cm)
	var deckMap map[string]map[string]any
	json.Unmarshal([]byte(decks), &deckMap)
	if _, ok := deckMap["1"]; !ok {
		t.Error("no Default deck 1")
	}
	var orphan int
	db.QueryRow(`SELECT count(*) FROM cards c LEFT JOIN notes n ON n.id = c.nid WHERE n.id IS NULL`).Scan(&orphan)
	var notes, cards int
	db.QueryRow(`SELECT count(*) FROM notes`).Scan(&notes)
	db.QueryRow(`SELECT count(*) FROM cards`).Scan(&cards)
	if orphan != 0 || notes != 4 || cards != 4 {
		t.Errorf("notes %d cards %d orphans %d", notes, cards, orphan)
	}
	golden(t, "export.apkg.txt", dumpCollection(t, db))
}

// dumpCollection renders the collection's rows as text for a golden file.
func dumpCollection(t *testing.T, db *sql.DB) []byte {
	t.Helper()
	var b strings.Builder
	var crt, mod int64
	var models, decks, dconf string
	db.QueryRow(`SELECT crt, mod, models, decks, dconf FROM col`).Scan(&crt, &mod, &models, &decks, &dconf)
	fmt.Fprintf(&b, "col crt=%d mod=%d\n", crt, mod)
	for _, js := range []string{models, decks, dconf} {
		var v any
		json.Unmarshal([]byte(js), &v)
		pretty, _ := json.MarshalIndent(v, "", "  ")
		b.Write(pretty)
		b.WriteString("\n")
	}
	rows, err := db.Query(`SELECT n.id, n.guid, n.mid, n.tags, n.flds, n.sfld, n.csum, c.id, c.did, c.due FROM notes n JOIN cards c ON c.nid = n.id ORDER BY n.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var nid, mid, csum, cid, did, due int64
		var guid, tags, flds, sfld string
		if err := rows.Scan(&nid, &guid, &mid, &tags, &flds, &sfld, &csum, &cid, &did, &due); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "note %d guid=%s mid=%d tags=%q csum=%d card=%d did=%d due=%d\n  sfld=%q\n", nid, guid, mid, tags, csum, cid, did, due, sfld)
		for _, f := range strings.Split(flds, "\x1f") {
			fmt.Fprintf(&b, "  | %s\n", f)
		}
	}
	return []byte(b.String())
}

// TestAPKGForeignNotes reads a collection whose notes use an ordinary Basic
// note type (as from any Anki deck): front and back become questions.
func TestAPKGForeignNotes(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := writeAPKG(&buf, fixtureLessons(), time.Now()); err != nil {
		t.Fatal(err)
	}
	zr, _ := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	coll := filepath.Join(dir, "collection.anki2")
	if err := extract(zr.File[0], coll); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", coll)
	if err != nil {
		t.Fatal(err)
	}
	basic := map[string]any{"42": map[string]any{"id": 42, "name": "Basic", "type": 0, "flds": []map[string]any{{"name": "Front"}, {"name": "Back"}}}}
	js, _ := json.Marshal(basic)
	mustExec(t, db, `UPDATE col SET models = ?`, string(js))
	mustExec(t, db, `DELETE FROM notes`)
	mustExec(t, db, `INSERT INTO notes VALUES (1, 'g1', 42, 0, 0, '', ?, '', 0, 0, '')`, "What is <i>H2O</i>?\x1fwater")
	mustExec(t, db, `INSERT INTO notes VALUES (2, 'g2', 42, 0, 0, '', ?, '', 0, 0, '')`, "NaCl?\x1fsalt")
	db.Close()
	path := filepath.Join(dir, "chem.apkg")
	f, _ := os.Create(path)
	zw := zip.NewWriter(f)
	w, _ := zw.Create("collection.anki2")
	b, _ := os.ReadFile(coll)
	w.Write(b)
	zw.Close()
	f.Close()
	pk, err := ReadPath(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, pk)
	qs := allQuestions(pk.Lessons)
	if len(qs) != 2 || qs[0].Prompt != "What is H2O?" {
		t.Fatalf("questions %+v", qs)
	}
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

func TestAPKGRefusals(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, entries map[string]string) string {
		p := filepath.Join(dir, name)
		f, _ := os.Create(p)
		zw := zip.NewWriter(f)
		keys := make([]string, 0, len(entries))
		for k := range entries {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			w, _ := zw.Create(k)
			w.Write([]byte(entries[k]))
		}
		zw.Close()
		f.Close()
		return p
	}
	cases := []struct {
		name string
		path string
		want string
	}{
		{"not a zip", func() string { p := filepath.Join(dir, "x.apkg"); os.WriteFile(p, []byte("hello"), 0o600); return p }(), "not an Anki package"},
		{"new format only", write("new.apkg", map[string]string{"collection.anki21b": "zstd", "media": "{}"}), "Support older Anki versions"},
		{"no collection", write("empty.apkg", map[string]string{"media": "{}"}), "no collection.anki2"},
		{"not sqlite", write("junk.apkg", map[string]string{"collection.anki2": "not a database at all, just text"}), "not a readable Anki collection"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadPath(tc.path, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
}

// TestReadPathDispatch imports each format from disk into a real store, and
// importing the same file again changes nothing.
func TestReadPathDispatch(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"geo.gift":    "$CATEGORY: Geography\n\nCapital of France? {=Paris ~Lyon}\n",
		"italy.aiken": "Capital of Italy?\nA. Rome\nB. Milan\nANSWER: A\n",
		"spain.txt":   "Capital of Spain?\nA. Madrid\nB. Seville\nANSWER: A\n",
		"notes.txt":   capitals,
		"peru.csv":    "Capital of Peru?,Lima\nCapital of Chile?,Santiago\n",
		"kenya.tsv":   "Capital of Kenya?\tNairobi\nCapital of Ghana?\tAccra\n",
		"quiz.html":   "<p>no</p>",
		"empty.gift":  "",
	}
	for n, c := range files {
		os.WriteFile(filepath.Join(dir, n), []byte(c), 0o600)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "tidbit.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tax, _ := assets.LoadTaxonomy()
	if err := st.SyncTaxonomy(ctx, tax); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"geo.gift": 1, "italy.aiken": 1, "spain.txt": 1, "notes.txt": 4, "peru.csv": 2, "kenya.tsv": 2}
	for n, nq := range want {
		t.Run(n, func(t *testing.T) {
			pk, err := ReadPath(filepath.Join(dir, n), Options{Skill: "active-listening"})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(allQuestions(pk.Lessons)); got != nq {
				t.Fatalf("%d questions, want %d", got, nq)
			}
			res, err := content.Import(ctx, st, pk)
			if err != nil {
				t.Fatal(err)
			}
			if res.Added != len(pk.Lessons) {
				t.Errorf("first import: %+v", res)
			}
			l, err := st.Lesson(ctx, pk.Lessons[0].ID)
			if err != nil || l.Skills[0] != "active-listening" || len(l.Questions) == 0 {
				t.Fatalf("stored lesson %+v %v", l, err)
			}
			pk2, _ := ReadPath(filepath.Join(dir, n), Options{Skill: "active-listening"})
			res, err = content.Import(ctx, st, pk2)
			if err != nil || res.Added != 0 || res.Updated != 0 {
				t.Errorf("second import changed something: %+v %v", res, err)
			}
		})
	}
	// What was imported exports again: the stored lessons, as GIFT, read back.
	stored, err := LoadLessons(ctx, st, "geo")
	if err != nil || len(stored) != 1 || stored[0].Title != "Geography" {
		t.Fatalf("LoadLessons: %+v %v", stored, err)
	}
	var buf bytes.Buffer
	if err := WriteGIFT(&buf, stored); err != nil {
		t.Fatal(err)
	}
	back, err := ReadGIFT("again.gift", buf.Bytes(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameQuestions(t, stored[0].Questions, back.Lessons[0].Questions, true)
	if _, err := LoadLessons(ctx, st, "no-such-pack"); err == nil {
		t.Error("LoadLessons of an unknown pack: no error")
	}
	for _, p := range []string{"a.gift", "b.AIKEN", "c.txt", "d.csv", "e.tsv", "f.apkg"} {
		if !Handles(p) {
			t.Errorf("Handles(%q) = false", p)
		}
	}
	for _, p := range []string{"pack", "pack.zip", "backup.json"} {
		if Handles(p) {
			t.Errorf("Handles(%q) = true", p)
		}
	}
	for _, bad := range []struct{ file, want string }{
		{"quiz.html", "unknown quiz format"},
		{"empty.gift", "nothing Tidbit can ask"},
		{"missing.gift", "no such file"},
	} {
		if _, err := ReadPath(filepath.Join(dir, bad.file), Options{}); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: err %v, want %q", bad.file, err, bad.want)
		}
	}
	if _, err := ReadPath(filepath.Join(dir, "geo.gift"), Options{Skill: "no-such-skill"}); err == nil || !strings.Contains(err.Error(), "not in the taxonomy") {
		t.Errorf("unknown skill: %v", err)
	}
}

func TestSizeLimit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.gift")
	f, _ := os.Create(p)
	f.Truncate(DefaultMaxBytes + 1) // sparse: refused before reading
	f.Close()
	_, err := ReadPath(p, Options{})
	if err == nil || !strings.Contains(err.Error(), "the limit is") {
		t.Fatalf("err %v", err)
	}
	if _, err := ReadGIFT("x.gift", []byte("Q? {=a ~b}"), Options{MaxBytes: 4}); err == nil {
		t.Fatal("no error over MaxBytes")
	}
}

func FuzzAnkiText(f *testing.F) {
	f.Add("notes.tsv", capitals)
	f.Add("notes.csv", "front,back\n\"a, b\",\"say \"\"hi\"\"\"\n")
	f.Add("notes.txt", "#separator:Semicolon\n#html:false\nx < y;<b>kept</b>\nz;w\n")
	f.Add("notes.tsv", "The {{c1::Seine::river}} runs through {{c2::Paris}}.\textra\nOther\tcard\n")
	f.Fuzz(func(t *testing.T, name, in string) {
		pk, err := ReadAnkiText(name, []byte(in), Options{})
		if err != nil {
			problemsOf(t, err)
			return
		}
		checkInvariants(t, pk)
	})
}
