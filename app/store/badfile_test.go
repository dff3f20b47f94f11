package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNewerSchemaRefused: a file written by a newer Tidbit is refused
// before anything is written to it, in every open mode.
func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"default", Options{}},
		{"skip check", Options{SkipCheck: true}},
		{"read only", Options{ReadOnly: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, file := openTest(t)
			seedContent(t, s, 2, 2)
			if _, err := s.db.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion()+1)); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			before := stateOf(t, file)
			if before.WAL || before.SHM {
				t.Fatalf("closing left -wal %v / -shm %v behind", before.WAL, before.SHM)
			}
			s2, err := Open(ctx, file, tc.opts)
			if err == nil {
				s2.Close()
				t.Fatal("Open accepted a file from a newer schema")
			}
			if !errors.Is(err, ErrNewerSchema) {
				t.Fatalf("error %v, want ErrNewerSchema", err)
			}
			if !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), "upgrade Tidbit") {
				t.Errorf("error %q should name the file and say to upgrade", err)
			}
			if after := stateOf(t, file); after != before {
				t.Fatalf("the file changed:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}

// TestNotADatabaseRefused: files that are not SQLite databases are reported
// as damaged and left as they are.
func TestNotADatabaseRefused(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 8192)
	for i := range random {
		random[i] = byte(rnd.UintN(256))
	}
	headerThenJunk := append([]byte(sqliteHeader), random[:4080]...)
	cases := []struct {
		name string
		data []byte
	}{
		{"random bytes", random},
		{"text file", []byte("These are my notes.\nNot a database.\n")},
		{"one byte", []byte{0}},
		{"json backup", []byte(`{"format":"tidbit-backup","schema":1,"tables":{}}`)},
		{"sqlite header then junk", headerThenJunk},
	}
	for _, tc := range cases {
		for _, opts := range []Options{{}, {SkipCheck: true}, {ReadOnly: true}} {
			t.Run(tc.name, func(t *testing.T) {
				file := filepath.Join(t.TempDir(), "tidbit.db")
				if err := os.WriteFile(file, tc.data, 0o600); err != nil {
					t.Fatal(err)
				}
				before := stateOf(t, file)
				s, err := Open(context.Background(), file, opts)
				if err == nil {
					s.Close()
					t.Fatalf("Open(%+v) accepted %s", opts, tc.name)
				}
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("error %v, want ErrCorrupt", err)
				}
				if !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), "untouched") {
					t.Errorf("error %q should name the file and say it was left untouched", err)
				}
				if after := stateOf(t, file); after != before {
					t.Fatalf("the file changed:\nbefore %+v\nafter  %+v", before, after)
				}
			})
		}
	}
}

// damagePage overwrites the middle of a leaf page of table's b-tree with
// junk, reading the b-tree from the file itself. The file must be
// checkpointed (no -wal).
func damagePage(t *testing.T, file string, rootPage int) (page int) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pageSize := int(binary.BigEndian.Uint16(data[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	at := func(p int) []byte { return data[(p-1)*pageSize : p*pageSize] }
	// Walk down the left-most children until a leaf table page (0x0d).
	page = rootPage
	for {
		pg := at(page)
		switch pg[0] {
		case 0x0d:
			goto leaf
		case 0x05: // interior table page: cell pointers after a 12-byte header
			ncells := int(binary.BigEndian.Uint16(pg[3:5]))
			if ncells == 0 {
				t.Fatalf("interior page %d has no cells", page)
			}
			// Pick the middle child so the damage is not at the edge of the table.
			cellOff := int(binary.BigEndian.Uint16(pg[12+2*(ncells/2):]))
			page = int(binary.BigEndian.Uint32(pg[cellOff:]))
		default:
			t.Fatalf("page %d: b-tree page type %#x, want a table page", page, pg[0])
		}
	}
leaf:
	if page == rootPage {
		t.Fatalf("table fits in its root page %d; add rows", rootPage)
	}
	pg := at(page)
	mid := pageSize / 2
	for i := mid - 100; i < mid+100; i++ {
		pg[i] = 0xff
	}
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return page
}

// fillAnswers adds n answers to lesson-0/q0, enough rows to span many
// pages (each is ~150 bytes), in one transaction.
func fillAnswers(t *testing.T, s *Store, n int) {
	t.Helper()
	tx, err := s.db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`INSERT INTO attempts(id, lesson_id, kind, started_at) VALUES ('fill', 'lesson-0', 'quiz', 0)`); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := tx.Exec(`INSERT INTO answers(id, attempt_id, question_id, question_hash, chosen, correct, answered_at)
			VALUES (?, 'fill', 'lesson-0/q0', 'qh-lesson-0-0', '[0]', 1, ?)`, "answer-"+strconv.Itoa(i)+"-"+strings.Repeat("x", 60), i); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedPageDetected damages a b-tree page of a real Tidbit database:
// Open refuses it naming the integrity check and leaves it untouched, and
// Check lists the problems.
func TestDamagedPageDetected(t *testing.T) {
	ctx := context.Background()
	s, file := openTest(t)
	seedContent(t, s, 1, 1)
	fillAnswers(t, s, 2000)
	var root int
	if err := s.db.QueryRow(`SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'answers'`).Scan(&root); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if exists(file + "-wal") {
		t.Fatal("the WAL is still there after closing")
	}
	page := damagePage(t, file, root)
	t.Logf("damaged page %d of the answers table (root %d)", page, root)
	before := stateOf(t, file)

	for _, opts := range []Options{{}, {ReadOnly: true}} {
		s2, err := Open(ctx, file, opts)
		if err == nil {
			s2.Close()
			t.Fatalf("Open(%+v) accepted a damaged database", opts)
		}
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("Open(%+v): %v, want ErrCorrupt", opts, err)
		}
		if !strings.Contains(err.Error(), "integrity check") || !strings.Contains(err.Error(), file) {
			t.Errorf("Open(%+v): %q should name the file and the integrity check", opts, err)
		}
		t.Logf("Open(%+v): %v", opts, err)
		after := stateOf(t, file)
		if opts.ReadOnly {
			// A read-only connection cannot remove the -wal and -shm files
			// SQLite creates for a WAL-mode file; the database itself must
			// still be as it was.
			after.WAL, after.SHM = before.WAL, before.SHM
			os.Remove(file + "-wal")
			os.Remove(file + "-shm")
		}
		if after != before {
			t.Fatalf("Open(%+v) changed the file:\nbefore %+v\nafter  %+v", opts, before, after)
		}
	}

	// With the check skipped (as `tidbit learn` does), Open succeeds and
	// Check, as doctor runs it, lists what is wrong.
	s3, err := Open(ctx, file, Options{SkipCheck: true})
	if err != nil {
		t.Fatalf("Open with SkipCheck: %v", err)
	}
	defer s3.Close()
	problems, err := s3.Check(ctx)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if len(problems) == 0 {
		t.Fatal("Check found no problems in a damaged database")
	}
	t.Logf("Check: %d problems, first: %s", len(problems), problems[0])
	s3.Close()
	if after := stateOf(t, file); after != before {
		t.Fatalf("Check changed the file:\nbefore %+v\nafter  %+v", before, after)
	}
}
