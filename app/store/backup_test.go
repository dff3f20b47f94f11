package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// viaJSON sends a backup through its file form, as export and import do.
func viaJSON(t testing.TB, b *Backup) *Backup {
	t.Helper()
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	out, err := ReadBackup("backup.json", data)
	if err != nil {
		t.Fatalf("ReadBackup of an export: %v", err)
	}
	return out
}

func export(t testing.TB, s *Store) *Backup {
	t.Helper()
	b, err := s.Export(context.Background())
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	return b
}

// sameTables compares two exports' contents (not their created_at).
func sameTables(t testing.TB, what string, got, want *Backup) {
	t.Helper()
	if got.Schema != want.Schema {
		t.Errorf("%s: schema %d, want %d", what, got.Schema, want.Schema)
	}
	for name, rows := range want.Tables {
		if !reflect.DeepEqual(got.Tables[name], rows) {
			g, _ := json.Marshal(got.Tables[name])
			w, _ := json.Marshal(rows)
			t.Errorf("%s: table %s differs:\n got %s\nwant %s", what, name, g, w)
		}
	}
	for name := range got.Tables {
		if _, ok := want.Tables[name]; !ok {
			t.Errorf("%s: unexpected table %s", what, name)
		}
	}
}

func TestBackupRoundTrip(t *testing.T) {
	ctx := context.Background()
	src, _ := openTest(t)
	seedEverything(t, src)
	b := export(t, src)
	for _, bt := range backupTables {
		if rows, ok := b.Tables[bt.name]; ok && len(rows) == 0 {
			t.Errorf("the test data leaves table %s empty: the round trip would prove nothing for it", bt.name)
		}
	}

	dst, _ := openTest(t)
	res, err := dst.Restore(ctx, "backup.json", viaJSON(t, b))
	if err != nil {
		t.Fatalf("Restore into a fresh store: %v", err)
	}
	if res.Rows["answers"] != 2 || res.Rows["lessons"] != 4 {
		t.Errorf("restore counted %v", res.Rows)
	}
	once := export(t, dst)
	sameTables(t, "fresh store after restore", once, b)

	// The store works on the restored data as on the original.
	for _, s := range []*Store{src, dst} {
		if got, err := s.AnswersOf(ctx, "att-1"); err != nil || len(got) != 2 || got[0].Rating != 3 || got[0].Duration != 4200*time.Millisecond {
			t.Errorf("%s: AnswersOf after restore: %+v %v", s.Path(), got, err)
		}
	}
	srcStats, err := src.Stats(ctx, t0.Add(time.Hour), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	dstStats, err := dst.Stats(ctx, t0.Add(time.Hour), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(srcStats, dstStats) {
		t.Errorf("stats differ after restore:\n src %+v\n dst %+v", srcStats, dstStats)
	}
	srcLib, _ := src.Library(ctx)
	dstLib, _ := dst.Library(ctx)
	if !reflect.DeepEqual(srcLib, dstLib) || len(dstLib) != 4 {
		t.Errorf("library differs after restore:\n src %+v\n dst %+v", srcLib, dstLib)
	}

	// Restoring again, or restoring a store's backup into itself, changes
	// nothing.
	if _, err := dst.Restore(ctx, "backup.json", viaJSON(t, b)); err != nil {
		t.Fatalf("second Restore: %v", err)
	}
	sameTables(t, "after restoring twice", export(t, dst), once)
	if _, err := src.Restore(ctx, "backup.json", viaJSON(t, b)); err != nil {
		t.Fatalf("Restore into the store it came from: %v", err)
	}
	sameTables(t, "the source after restoring its own backup", export(t, src), b)
}

// TestBackupMergesLogs: restoring an old backup into a store that has
// moved on keeps the newer answers, and adds the backup's missing ones.
func TestBackupMergesLogs(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	seedEverything(t, s)
	old := viaJSON(t, export(t, s))
	if err := s.StartAttempt(ctx, Attempt{ID: "att-new", LessonID: "lesson-2", Kind: "quiz", StartedAt: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordAnswer(ctx, Answer{ID: "ans-new", AttemptID: "att-new", QuestionID: "lesson-2/q0", QuestionHash: "qh-lesson-2-0",
		Chosen: []int{0}, Correct: true, AnsweredAt: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Restore(ctx, "old.json", old); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM answers`); n != 3 {
		t.Errorf("%d answers after restoring an older backup, want 3 (2 in the backup + 1 newer)", n)
	}
}

// TestBackupCoversEveryTable: a table that a migration adds must be in
// backupTables, or backups would silently leave it out.
func TestBackupCoversEveryTable(t *testing.T) {
	s, _ := openTest(t)
	rows, err := s.db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	listed := map[string]bool{}
	for _, bt := range backupTables {
		if listed[bt.name] {
			t.Errorf("%s is listed twice in backupTables", bt.name)
		}
		listed[bt.name] = true
	}
	inSchema := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		inSchema[name] = true
		if !listed[name] {
			t.Errorf("table %s is not in backupTables: backups would leave it out", name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for name := range listed {
		if !inSchema[name] {
			t.Errorf("backupTables lists %s, which the schema lacks", name)
		}
	}
	if len(inSchema) < 10 {
		t.Fatalf("only %d tables found", len(inSchema))
	}
}

// TestRestoreRefusesBadBackups: every refused backup names what is wrong
// (table and row for a bad row) and changes nothing in the store.
func TestRestoreRefusesBadBackups(t *testing.T) {
	ctx := context.Background()
	// The backup comes from a store with more in it than the target, so
	// that rows before the bad one would be new to the target: a partial
	// restore would show.
	src, _ := openTest(t)
	seedEverything(t, src)
	for i := range 3 {
		id := fmt.Sprintf("extra-%d", i)
		if err := src.StartAttempt(ctx, Attempt{ID: id, LessonID: "lesson-2", Kind: "quiz", StartedAt: t0.Add(time.Duration(i) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := src.RecordAnswer(ctx, Answer{ID: id, AttemptID: id, QuestionID: "lesson-2/q1", QuestionHash: "qh", AnsweredAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	good := export(t, src)
	data, _ := json.Marshal(good)

	cases := []struct {
		name    string
		edit    func(b *Backup)
		want    []string
		isNewer bool
	}{
		{"lesson level 9", func(b *Backup) { b.Tables["lessons"][1]["level"] = 9 },
			[]string{"table lessons, row 2", "CHECK constraint failed"}, false},
		{"unknown column", func(b *Backup) { b.Tables["answers"][0]["colour"] = "red" },
			[]string{"table answers, row 1", `unknown column "colour"`}, false},
		{"missing key column", func(b *Backup) { delete(b.Tables["skills"][1], "id") },
			[]string{"table skills, row 2", `missing key column "id"`}, false},
		{"answer to an attempt nobody made", func(b *Backup) { b.Tables["answers"][2]["attempt_id"] = "no-such-attempt" },
			[]string{"table answers, row 3", "FOREIGN KEY constraint failed"}, false},
		{"text where a number belongs", func(b *Backup) { b.Tables["lessons"][0]["minutes"] = "three" },
			[]string{"table lessons, row 1", "CHECK constraint failed"}, false},
		{"null in a required column", func(b *Backup) { b.Tables["questions"][0]["prompt"] = nil },
			[]string{"table questions, row 1", "NOT NULL constraint failed"}, false},
		{"unknown table", func(b *Backup) { b.Tables["secrets"] = []map[string]any{{"id": 1}} },
			[]string{`unknown table "secrets"`}, false},
		{"newer schema", func(b *Backup) { b.Schema = SchemaVersion() + 1 },
			[]string{"backup has schema", "knows up to"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dst, _ := openTest(t)
			seedEverything(t, dst)
			before := export(t, dst)
			b, err := ReadBackup("bad.json", data)
			if err != nil {
				t.Fatal(err)
			}
			tc.edit(b)
			_, err = dst.Restore(ctx, "bad.json", b)
			if err == nil {
				t.Fatal("Restore accepted a bad backup")
			}
			for _, w := range append([]string{"bad.json"}, tc.want...) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if errors.Is(err, ErrNewerSchema) != tc.isNewer {
				t.Errorf("errors.Is(err, ErrNewerSchema) = %v, want %v", !tc.isNewer, tc.isNewer)
			}
			sameTables(t, "after a refused restore", export(t, dst), before)
		})
	}
}

var readBackupCases = []struct {
	name    string
	data    string
	wantErr string // "" means the backup is read
}{
	{"minimal", `{"format": "tidbit-backup", "schema": 1, "created_at": "2026-03-04T09:30:00Z", "tables": {}}`, ""},
	{"rows", "{\n\"format\": \"tidbit-backup\",\n\"schema\": 1,\n\"tables\": {\"settings\": [{\"key\": \"a\", \"value\": \"1\", \"updated_at\": 5}]}\n}", ""},
	{"syntax error on line 3", "{\n\"format\": \"tidbit-backup\",\n\"schema\": 1,,\n\"tables\": {}\n}", "b.json:3:"},
	{"missing comma on line 4", "{\n\"format\": \"tidbit-backup\",\n\"schema\": 1,\n\"tables\": {\"a\": [] \"b\": []}\n}", "b.json:4:"},
	{"cut short", "{\n\"format\": \"tidbit-backup\",\n\"tables\": {\"a\": [", "b.json:3: the file ends in the middle"},
	{"schema is text", "{\n\"format\": \"tidbit-backup\",\n\n\"schema\": \"one\"}", "b.json:4: schema must be int"},
	{"row is not an object", "{\"format\": \"tidbit-backup\",\n\"tables\": {\"answers\": [\n1]}}", "b.json:3:"},
	{"wrong format", `{"format": "something-else", "schema": 1}`, `b.json:1: format is "something-else"`},
	{"unknown field", `{"format": "tidbit-backup", "extra": 1}`, `unknown field "extra"`},
	{"not json", "format = tidbit-backup\n", "b.json:1:"},
	{"empty", "", "b.json"},
	{"trailing junk", "{\"format\": \"tidbit-backup\", \"schema\": 1}\n{\"format\": \"tidbit-backup\"}", "b.json:2: unexpected data after the backup"},
}

func TestReadBackupNamesTheLine(t *testing.T) {
	for _, tc := range readBackupCases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := ReadBackup("b.json", []byte(tc.data))
			if tc.wantErr == "" {
				if err != nil || b.Format != BackupFormat {
					t.Fatalf("ReadBackup: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func FuzzReadBackup(f *testing.F) {
	for _, tc := range readBackupCases {
		f.Add([]byte(tc.data))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ReadBackup("f.json", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.json") {
				t.Fatalf("error %q does not start with the file name", err)
			}
			return
		}
		if b.Format != BackupFormat {
			t.Fatalf("accepted format %q", b.Format)
		}
		// What was accepted must survive being written out and read back.
		out, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("writing an accepted backup: %v", err)
		}
		b2, err := ReadBackup("f.json", out)
		if err != nil {
			t.Fatalf("reading back %s: %v", out, err)
		}
		if b2.Schema != b.Schema || len(b2.Tables) != len(b.Tables) || !b2.CreatedAt.Equal(b.CreatedAt) {
			t.Fatalf("round trip changed the backup: %+v -> %+v", b, b2)
		}
	})
}

// TestExportDoesNotBlockWriters: an export is a read. It must see one
// snapshot, and the other process must go on recording answers while it
// runs (a long export of a big store must not make them time out).
func TestExportDoesNotBlockWriters(t *testing.T) {
	ctx := context.Background()
	s, file := openTest(t)
	seedEverything(t, s)
	other, err := Open(ctx, file, Options{}) // its own connections, as the other process has
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	snap, done, err := s.readSnapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	before := 0
	if err := snap.QueryRowContext(ctx, `SELECT count(*) FROM answers`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	// The write must not wait for the snapshot to end.
	wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	start := time.Now()
	if err := other.RecordAnswer(wctx, Answer{ID: "during-export", AttemptID: "att-1", QuestionID: "lesson-0/q0", QuestionHash: "h",
		AnsweredAt: t0}); err != nil {
		t.Fatalf("recording an answer while an export reads: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("the write waited %v for the export", d)
	}
	after := 0
	if err := snap.QueryRowContext(ctx, `SELECT count(*) FROM answers`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Fatalf("the snapshot saw the count change from %d to %d", before, after)
	}
	done()
	if n := count(t, s, `SELECT count(*) FROM answers WHERE id = 'during-export'`); n != 1 {
		t.Fatal("the answer written during the export is missing")
	}
}
