package store

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// BackupFormat names Tidbit's JSON backup; Restore refuses anything else.
const BackupFormat = "tidbit-backup"

// Backup is a full copy of the store as JSON-friendly rows. It is generic
// over tables and columns so that every table a later migration adds is
// covered without touching this code (TestBackupCoversEveryTable guards it).
type Backup struct {
	Format    string                      `json:"format"`
	Schema    int                         `json:"schema"`
	CreatedAt time.Time                   `json:"created_at"`
	Tables    map[string][]map[string]any `json:"tables"`
}

// backupTables lists every table in foreign-key order, with how a restore
// treats a row whose key already exists: logs keep what is there (they are
// append-only and keyed by UUID, so the same row is the same fact); the
// rest take the backup's version.
var backupTables = []struct {
	name       string
	appendOnly bool
	derived    bool // rebuilt by triggers from other tables: not exported, not restored
}{
	{name: "categories", appendOnly: false}, {name: "skills", appendOnly: false}, {name: "roles", appendOnly: false}, {name: "role_skills", appendOnly: false},
	{name: "packs", appendOnly: false}, {name: "lessons", appendOnly: false}, {name: "lesson_skills", appendOnly: false}, {name: "lesson_prereqs", appendOnly: false}, {name: "questions", appendOnly: false},
	{name: "ai_questions", appendOnly: false}, {name: "ai_lessons", appendOnly: false},
	{name: "moments", appendOnly: true}, {name: "attempts", appendOnly: true}, {name: "attempt_results", appendOnly: true}, {name: "answers", appendOnly: true}, {name: "reflections", appendOnly: true},
	{name: "lesson_progress", derived: true},
	{name: "skill_progress", derived: true},
	{name: "srs_state", appendOnly: false}, {name: "settings", appendOnly: false}, {name: "profile", appendOnly: false}, {name: "model_cache", appendOnly: false}, {name: "outbox", appendOnly: true},
	{name: "assignments", appendOnly: false}, {name: "assignment_items", appendOnly: false},
}

// Export reads the whole store in one read transaction (a consistent
// snapshot even while the other process writes).
func (s *Store) Export(ctx context.Context) (*Backup, error) {
	tx, done, err := s.readSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return nil, err
	}
	b := &Backup{Format: BackupFormat, Schema: v, CreatedAt: s.now().UTC(), Tables: map[string][]map[string]any{}}
	for _, t := range backupTables {
		if t.derived {
			continue
		}
		_, pk, err := tableColumns(ctx, tx, t.name)
		if err != nil {
			return nil, err
		}
		// Ordered by key, not rowid: two stores holding the same facts
		// export the same bytes whatever order they were written in.
		rows, err := tx.QueryContext(ctx, "SELECT * FROM "+t.name+" ORDER BY "+strings.Join(pk, ", "))
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", t.name, err)
		}
		cols, _ := rows.Columns()
		out := []map[string]any{}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			row := make(map[string]any, len(cols))
			for i, c := range cols {
				if bs, ok := vals[i].([]byte); ok {
					vals[i] = string(bs) // the schema has no BLOB columns
				}
				row[c] = vals[i]
			}
			out = append(out, row)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		b.Tables[t.name] = out
	}
	return b, nil
}

// IsBackup reports whether data looks like a Tidbit JSON backup.
func IsBackup(data []byte) bool {
	d := bytes.TrimSpace(data)
	return len(d) > 0 && d[0] == '{' && bytes.Contains(d[:min(len(d), 200)], []byte(`"format"`))
}

// ReadBackup parses a backup, naming the line of a syntax error.
func ReadBackup(name string, data []byte) (*Backup, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	var b Backup
	if err := dec.Decode(&b); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, fmt.Errorf("%s:%d: %v", name, lineAt(data, se.Offset), se)
		case errors.As(err, &te):
			return nil, fmt.Errorf("%s:%d: %s must be %v", name, lineAt(data, te.Offset), te.Field, te.Type)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, fmt.Errorf("%s:%d: the file ends in the middle of the JSON", name, lineAt(data, int64(len(data))))
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	// Decode stops after the first value; anything but space after it
	// (a second backup pasted on, say) would otherwise be ignored.
	if rest := bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, fmt.Errorf("%s:%d: unexpected data after the backup", name, lineAt(data, int64(len(data)-len(rest))))
	}
	if b.Format != BackupFormat {
		return nil, fmt.Errorf("%s:1: format is %q, want %q", name, b.Format, BackupFormat)
	}
	return &b, nil
}

func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// RestoreResult counts what a restore wrote.
type RestoreResult struct {
	Rows map[string]int // rows read per table
}

// Restore merges a backup into the store in one transaction: any error
// changes nothing. A backup from a newer schema is refused.
func (s *Store) Restore(ctx context.Context, name string, b *Backup) (RestoreResult, error) {
	res := RestoreResult{Rows: map[string]int{}}
	v, err := s.Version(ctx)
	if err != nil {
		return res, err
	}
	if b.Schema > v {
		return res, fmt.Errorf("%s: backup has schema %d, this Tidbit knows up to %d: %w", name, b.Schema, v, ErrNewerSchema)
	}
	known := map[string]bool{}
	for _, t := range backupTables {
		known[t.name] = !t.derived
	}
	for t := range b.Tables {
		if !known[t] {
			return res, fmt.Errorf("%s: unknown table %q", name, t)
		}
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		for _, t := range backupTables {
			rows := b.Tables[t.name]
			if t.derived {
				continue
			}
			if len(rows) == 0 {
				continue
			}
			cols, pk, err := tableColumns(ctx, tx, t.name)
			if err != nil {
				return err
			}
			for i, row := range rows {
				if err := restoreRow(ctx, tx, t.name, t.appendOnly, cols, pk, row); err != nil {
					return fmt.Errorf("%s: table %s, row %d: %w", name, t.name, i+1, err)
				}
			}
			res.Rows[t.name] = len(rows)
		}
		rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
		if err != nil {
			return err
		}
		defer rows.Close()
		if rows.Next() {
			var table, parent string
			var rowid, fk sql.NullInt64
			_ = rows.Scan(&table, &rowid, &parent, &fk)
			return fmt.Errorf("%s: a row of %s refers to a %s that the backup and the store lack", name, table, parent)
		}
		return nil
	})
	if err != nil {
		return RestoreResult{}, err
	}
	return res, nil
}

// querier is a transaction or a connection.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readSnapshot starts a read transaction on a connection of its own; done
// ends it. The DSN's _txlock=immediate makes every BeginTx take the write
// lock, which would stall the other process's writes for as long as the
// read lasts (and fail them after the busy timeout). A plain BEGIN takes
// no lock until the first read, and then only a WAL read mark: writers
// carry on, and the reader keeps seeing the snapshot of its first read.
func (s *Store) readSnapshot(ctx context.Context) (*sql.Conn, func(), error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := conn.ExecContext(ctx, "BEGIN DEFERRED"); err != nil {
		conn.Close()
		return nil, nil, err
	}
	ended := false
	done := func() {
		if ended {
			return
		}
		ended = true
		if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
			// Never hand a connection inside a transaction back to the pool.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}
	return conn, done, nil
}

func tableColumns(ctx context.Context, tx querier, table string) (map[string]bool, []string, error) {
	rows, err := tx.QueryContext(ctx, "SELECT name, pk FROM pragma_table_info(?) ORDER BY pk", table)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cols := map[string]bool{}
	var pk []string
	for rows.Next() {
		var name string
		var p int
		if err := rows.Scan(&name, &p); err != nil {
			return nil, nil, err
		}
		cols[name] = true
		if p > 0 {
			pk = append(pk, name)
		}
	}
	return cols, pk, rows.Err()
}

func restoreRow(ctx context.Context, tx *sql.Tx, table string, appendOnly bool, cols map[string]bool, pk []string, row map[string]any) error {
	names := make([]string, 0, len(row))
	for c := range row {
		if !cols[c] {
			return fmt.Errorf("unknown column %q", c)
		}
		names = append(names, c)
	}
	for _, k := range pk {
		if _, ok := row[k]; !ok {
			return fmt.Errorf("missing key column %q", k)
		}
	}
	// Sorted for a stable statement text (and statement cache hits).
	sort.Strings(names)
	args := make([]any, len(names))
	for i, c := range names {
		args[i] = jsonValue(row[c])
	}
	q := "INSERT INTO " + table + "(" + strings.Join(names, ", ") + ") VALUES (" +
		strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ") + ") ON CONFLICT(" + strings.Join(pk, ", ") + ") DO "
	var sets []string
	if !appendOnly {
		isPK := map[string]bool{}
		for _, k := range pk {
			isPK[k] = true
		}
		for _, c := range names {
			if !isPK[c] {
				sets = append(sets, c+" = excluded."+c)
			}
		}
	}
	if len(sets) == 0 {
		q += "NOTHING"
	} else {
		q += "UPDATE SET " + strings.Join(sets, ", ")
	}
	_, err := tx.ExecContext(ctx, q, args...)
	return err
}

func jsonValue(v any) any {
	if n, ok := v.(json.Number); ok {
		if i, err := n.Int64(); err == nil {
			return i
		}
		f, _ := n.Float64()
		return f
	}
	return v
}
