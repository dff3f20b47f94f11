package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// fixture is a representative row of a table. The migration test inserts
// it (with plain SQL, since the store's methods speak the newest schema)
// into a database at every older version where the table exists, and
// checks that it survives every later migration. A migration that changes
// a table's shape must keep its fixture valid at every version where the
// table exists (or split it by version).
type fixture struct {
	table  string
	insert string
	check  string // a count(*) query that must return 1 after the upgrade
}

var fixtures = []fixture{
	{"categories", `INSERT INTO categories(id, name) VALUES ('communication', 'Communication')`,
		`SELECT count(*) FROM categories WHERE id = 'communication' AND name = 'Communication'`},
	{"skills", `INSERT INTO skills(id, name, category_id, kind) VALUES ('active-listening', 'Active listening', 'communication', 'soft')`,
		`SELECT count(*) FROM skills WHERE id = 'active-listening' AND kind = 'soft'`},
	{"roles", `INSERT INTO roles(id, name) VALUES ('people-manager', 'People manager')`,
		`SELECT count(*) FROM roles WHERE id = 'people-manager'`},
	{"role_skills", `INSERT INTO role_skills(role_id, skill_id, target_level) VALUES ('people-manager', 'active-listening', 4)`,
		`SELECT count(*) FROM role_skills WHERE role_id = 'people-manager' AND target_level = 4`},
	{"packs", `INSERT INTO packs(id, title, version, source, content_hash, imported_at) VALUES ('p', 'Pack', '1', 'src', 'ph', 1)`,
		`SELECT count(*) FROM packs WHERE id = 'p' AND content_hash = 'ph'`},
	{"lessons", `INSERT INTO lessons(id, pack_id, title, kind, level, minutes, body, source_file, content_hash, updated_at)
		VALUES ('l1', 'p', 'Listening', 'lesson', 2, 3, 'Body', 'l1.md', 'lh', 1),
		       ('l2', 'p', 'Listening 2', 'scenario', 3, 2, 'Body', 'l2.md', 'lh2', 1)`,
		`SELECT count(*) = 2 FROM lessons WHERE id IN ('l1', 'l2')`},
	{"lesson_skills", `INSERT INTO lesson_skills(lesson_id, skill_id, ord) VALUES ('l1', 'active-listening', 0)`,
		`SELECT count(*) FROM lesson_skills WHERE lesson_id = 'l1'`},
	{"lesson_prereqs", `INSERT INTO lesson_prereqs(lesson_id, prereq_id) VALUES ('l2', 'l1')`,
		`SELECT count(*) FROM lesson_prereqs WHERE lesson_id = 'l2' AND prereq_id = 'l1'`},
	{"lesson_progress", `INSERT INTO lesson_progress(lesson_id, completed, last_completed) VALUES ('l2', 3, 40)`,
		`SELECT count(*) FROM lesson_progress WHERE lesson_id = 'l2' AND completed = 3`},
	{"skill_progress", `INSERT INTO skill_progress(skill_id, answered, correct, last_answered) VALUES ('fixture-skill', 4, 3, 40)`,
		`SELECT count(*) FROM skill_progress WHERE skill_id = 'fixture-skill' AND correct = 3`},
	{"questions", `INSERT INTO questions(id, lesson_id, ord, type, prompt, options, content_hash, updated_at)
		VALUES ('l1/q1', 'l1', 0, 'truefalse', 'Silence helps?', '[{"text":"True","correct":true,"why":"It does."}]', 'qh', 1)`,
		`SELECT count(*) FROM questions WHERE id = 'l1/q1' AND type = 'truefalse'`},
	{"moments", `INSERT INTO moments(id, at, kind, reason, outcome) VALUES (7, 5, 'learn-now', 'asked', 'done')`,
		`SELECT count(*) FROM moments WHERE id = 7 AND outcome = 'done'`},
	{"attempts", `INSERT INTO attempts(id, lesson_id, kind, started_at, source, moment_id) VALUES ('a1', 'l1', 'quiz', 10, 'cli', 7)`,
		`SELECT count(*) FROM attempts WHERE id = 'a1' AND moment_id = 7`},
	{"attempt_results", `INSERT INTO attempt_results(attempt_id, finished_at, outcome, seconds, correct, answered)
		VALUES ('a1', 20, 'completed', 95, 1, 1)`,
		`SELECT count(*) FROM attempt_results WHERE attempt_id = 'a1' AND seconds = 95`},
	{"answers", `INSERT INTO answers(id, attempt_id, question_id, question_hash, chosen, correct, rating, answered_at, duration_ms)
		VALUES ('u1', 'a1', 'l1/q1', 'qh', '[0]', 1, 3, 15, 2500)`,
		`SELECT count(*) FROM answers WHERE id = 'u1' AND chosen = '[0]' AND rating = 3`},
	{"srs_state", `INSERT INTO srs_state(question_id, state, due, stability, difficulty, updated_at)
		VALUES ('l1/q1', 'review', 99, 2.5, 5.0, 15)`,
		`SELECT count(*) FROM srs_state WHERE question_id = 'l1/q1' AND stability = 2.5`},
	{"settings", `INSERT INTO settings(key, value, updated_at) VALUES ('quiet.hours', '["22:00","07:00"]', 1)`,
		`SELECT count(*) FROM settings WHERE key = 'quiet.hours'`},
	{"profile", `INSERT INTO profile(id, name, role, updated_at) VALUES (1, 'Ada', 'people-manager', 1)`,
		`SELECT count(*) FROM profile WHERE name = 'Ada'`},
	{"model_cache", `INSERT INTO model_cache(key, kind, model, value, created_at) VALUES ('ck', 'explain', 'm', 'v', 1)`,
		`SELECT count(*) FROM model_cache WHERE key = 'ck'`},
	{"outbox", `INSERT INTO outbox(id, kind, payload, created_at, next_try_at) VALUES ('s1', 'xapi', '{}', 1, 1)`,
		`SELECT count(*) FROM outbox WHERE id = 's1' AND sent_at IS NULL`},
	{"reflections", `INSERT INTO reflections(id, attempt_id, lesson_id, text, answered_at) VALUES ('r1', 'a1', 'l1', 'I would pause.', 30)`,
		`SELECT count(*) FROM reflections WHERE id = 'r1'`},
	{"assignments", `INSERT INTO assignments(id, from_name, note, due, created_at, imported_from, done_at)
		VALUES ('as1', 'Sam', 'Before the offsite', 100, 5, 'sam.yaml', NULL)`,
		`SELECT count(*) FROM assignments WHERE id = 'as1' AND from_name = 'Sam' AND done_at IS NULL`},
	{"assignment_items", `INSERT INTO assignment_items(assignment_id, ord, lesson_id, skill_id, lessons, target_level)
		VALUES ('as1', 0, 'l1', NULL, 0, NULL), ('as1', 1, NULL, 'active-listening', 2, 3)`,
		`SELECT count(*) = 2 FROM assignment_items WHERE assignment_id = 'as1'`},
	{"ai_questions", `INSERT INTO ai_questions(question_id, lesson_id, lesson_hash, model, model_digest, prompt_version, generated_at,
		  skill_id, difficulty, saved_at) VALUES ('l1/q1', 'l1', 'lh', 'llama3.2:1b', 'sha256:d', 'quiz-v1', 5, 'active-listening', 2, 6)`,
		`SELECT count(*) FROM ai_questions WHERE question_id = 'l1/q1' AND model_digest = 'sha256:d' AND difficulty = 2`},
	{"ai_lessons", `INSERT INTO ai_lessons(lesson_id, skill_id, level, model, model_digest, prompt_version, generated_at, saved_at)
		VALUES ('l1', 'active-listening', 2, 'llama3.2:1b', 'sha256:d', 'personal-v1', 5, 6)`,
		`SELECT count(*) FROM ai_lessons WHERE lesson_id = 'l1' AND level = 2 AND prompt_version = 'personal-v1'`},
}

// schemaOf returns the schema's SQL text, object by object.
func schemaOf(t *testing.T, s *Store) map[string]string {
	t.Helper()
	rows, err := s.db.Query(`SELECT type || ' ' || name, COALESCE(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, sql string
		if err := rows.Scan(&name, &sql); err != nil {
			t.Fatal(err)
		}
		out[name] = sql
	}
	return out
}

// TestMigrationsFromEveryVersion builds a database at every schema version
// this build knows (0 is an empty file; the newest checks that opening an
// up-to-date file keeps it as it is), fills the tables that exist at that
// version, and opens it normally: it must reach the newest schema with
// every row still there and the same schema as a fresh database.
func TestMigrationsFromEveryVersion(t *testing.T) {
	ctx := context.Background()
	fresh, _ := openTest(t)
	want := schemaOf(t, fresh)
	for k := 0; k <= SchemaVersion(); k++ {
		t.Run(fmt.Sprintf("from-%04d", k), func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "tidbit.db")
			old, err := openUpTo(ctx, file, Options{Now: fixedNow}, k)
			if err != nil {
				t.Fatalf("building schema %d: %v", k, err)
			}
			if v, err := old.Version(ctx); err != nil || v != k {
				t.Fatalf("built version %d (%v), want %d", v, err, k)
			}
			var inserted []fixture
			for _, f := range fixtures {
				if count(t, old, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, f.table) == 0 {
					continue // not at this version
				}
				if _, err := old.db.ExecContext(ctx, f.insert); err != nil {
					t.Fatalf("schema %d: inserting into %s: %v", k, f.table, err)
				}
				inserted = append(inserted, f)
			}
			if err := old.Close(); err != nil {
				t.Fatal(err)
			}
			if k > 0 && len(inserted) == 0 {
				t.Fatalf("no fixture fits schema %d", k)
			}

			s, err := Open(ctx, file, Options{Now: fixedNow})
			if err != nil {
				t.Fatalf("opening schema %d: %v", k, err)
			}
			defer s.Close()
			if v, err := s.Version(ctx); err != nil || v != SchemaVersion() {
				t.Fatalf("after open: user_version %d (%v), want %d", v, err, SchemaVersion())
			}
			for _, f := range inserted {
				if n := count(t, s, f.check); n != 1 {
					t.Errorf("%s: the row inserted at schema %d is gone after migrating (%s returned %d)", f.table, k, f.check, n)
				}
			}
			got := schemaOf(t, s)
			for name, sql := range want {
				if got[name] != sql {
					t.Errorf("%s differs from a fresh database's:\n got: %s\nwant: %s", name, got[name], sql)
				}
			}
			for name := range got {
				if _, ok := want[name]; !ok {
					t.Errorf("%s exists after migrating but not in a fresh database", name)
				}
			}
			if problems, err := s.Check(ctx); err != nil || len(problems) > 0 {
				t.Errorf("Check after migrating: %v %v", problems, err)
			}
		})
	}
	// The test proves something only if every table has a fixture.
	tables := map[string]bool{}
	for _, f := range fixtures {
		tables[f.table] = true
	}
	for name := range want {
		if table, ok := strings.CutPrefix(name, "table "); ok && !tables[table] {
			t.Errorf("table %s has no migration fixture", table)
		}
	}
}

// TestMigrationsAreNumbered checks the embedded migrations: named
// NNNN_words.sql, numbered 1, 2, 3... and not empty.
func TestMigrationsAreNumbered(t *testing.T) {
	ms, err := loadMigrations()
	if err != nil {
		t.Fatalf("embedded migrations: %v", err)
	}
	if len(ms) == 0 || len(ms) != SchemaVersion() {
		t.Fatalf("%d migrations, SchemaVersion %d", len(ms), SchemaVersion())
	}
	name := regexp.MustCompile(`^[0-9]{4}_[a-z0-9_]+\.sql$`)
	for i, m := range ms {
		if m.version != i+1 {
			t.Errorf("%s has number %d at position %d", m.name, m.version, i+1)
		}
		if !name.MatchString(m.name) {
			t.Errorf("%s: want a name like 0002_add_thing.sql", m.name)
		}
		if strings.TrimSpace(m.sql) == "" {
			t.Errorf("%s is empty", m.name)
		}
	}
}

func TestReadMigrationsRejectsBadSets(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	cases := []struct {
		name    string
		files   fstest.MapFS
		want    []int  // versions, when it succeeds
		wantErr string // part of the error, when it fails
	}{
		{"in order", fstest.MapFS{"m/0001_a.sql": file("A"), "m/0002_b.sql": file("B")}, []int{1, 2}, ""},
		{"sorted by number, not name", fstest.MapFS{"m/10_j.sql": file("J"), "m/9_i.sql": file("I"), "m/1_a.sql": file("A"),
			"m/2_b.sql": file("B"), "m/3_c.sql": file("C"), "m/4_d.sql": file("D"), "m/5_e.sql": file("E"), "m/6_f.sql": file("F"),
			"m/7_g.sql": file("G"), "m/8_h.sql": file("H")}, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, ""},
		{"gap", fstest.MapFS{"m/0001_a.sql": file("A"), "m/0003_c.sql": file("C")}, nil, "0003_c.sql: expected number 2"},
		{"repeat", fstest.MapFS{"m/0001_a.sql": file("A"), "m/0001_b.sql": file("B")}, nil, "expected number 2"},
		{"starts at 2", fstest.MapFS{"m/0002_b.sql": file("B")}, nil, "0002_b.sql: expected number 1"},
		{"no number", fstest.MapFS{"m/init.sql": file("A")}, nil, "init.sql: name must start with a number"},
		{"no underscore", fstest.MapFS{"m/0001.sql": file("A")}, nil, "0001.sql: name must start with a number"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := readMigrations(tc.files, "m")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.version)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("versions %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] || ms[i].sql == "" {
					t.Fatalf("versions %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// TestMigrateToleratesConcurrentUpgrade covers the window between reading
// user_version and taking the write lock: another process may have
// migrated further in between.
func TestMigrateToleratesConcurrentUpgrade(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	// This process read version 0 and wants to migrate to 0 < target; the
	// file is already at the newest version.
	if err := s.migrate(ctx, ms, 0, len(ms)); err != nil {
		t.Fatalf("migrating a file another process already migrated: %v", err)
	}
	if v, _ := s.Version(ctx); v != len(ms) {
		t.Fatalf("version %d, want %d", v, len(ms))
	}
	// And a file that a newer Tidbit upgraded in that window is refused.
	if _, err := s.db.ExecContext(ctx, "PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	if err := s.migrate(ctx, ms, 0, len(ms)); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("migrate after a newer Tidbit upgraded the file: %v, want ErrNewerSchema", err)
	}
}
