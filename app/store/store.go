// Package store is Tidbit's SQLite store: the learner's profile, the skill
// taxonomy, imported lessons and questions, the append-only log of attempts
// and answers, spaced-repetition state, the log of moments, settings, a cache
// for model outputs and an outbox for statements to send later.
//
// Two processes share one file (the tray daemon and the window process), so
// the store runs SQLite in WAL mode with a busy timeout and opens every write
// transaction with BEGIN IMMEDIATE (go-sqlite3's _txlock=immediate): writers
// queue for the lock up front instead of failing with SQLITE_BUSY when a
// read transaction tries to upgrade. synchronous=FULL makes every commit
// durable when the call returns, so an answer survives a kill or a power cut
// right after it was recorded.
//
// Schema changes are embedded, numbered migrations applied in one
// transaction; PRAGMA user_version holds the schema version. A file written
// by a newer Tidbit is refused before anything is written to it, and a file
// that fails SQLite's integrity check is reported and never modified.
package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrNewerSchema means the file was written by a newer Tidbit.
var ErrNewerSchema = errors.New("database was written by a newer version of Tidbit")

// ErrCorrupt means SQLite reports the file as damaged.
var ErrCorrupt = errors.New("database is damaged")

// Store is a handle on one SQLite file. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
	now  func() time.Time
}

// Options tune Open.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// SkipCheck skips the quick integrity check at open. Only for callers
	// that run their own (doctor runs the full one) or benchmarks.
	SkipCheck bool
	// ReadOnly opens the file without migrating or writing anything.
	ReadOnly bool
}

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) { return readMigrations(migrationFiles, "migrations") }

// readMigrations reads and orders the migrations in dir; their numbers must
// run 1, 2, 3... without gaps or repeats.
func readMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and '_'", e.Name())
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected number %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the schema this build writes.
func SchemaVersion() int {
	ms, err := loadMigrations()
	if err != nil {
		panic(err) // embedded at build time; TestMigrationsAreNumbered guards it
	}
	return len(ms)
}

const sqliteHeader = "SQLite format 3\x00"

// Open opens (creating if needed) the store at file and brings its schema up
// to date. The file is created with mode 0600; SQLite gives the -wal and -shm
// files the same mode.
func Open(ctx context.Context, file string, opts Options) (*Store, error) {
	return openUpTo(ctx, file, opts, -1)
}

// openUpTo is Open, migrating only up to version target (-1: all). Tests use
// it to build databases of every earlier schema.
func openUpTo(ctx context.Context, file string, opts Options, target int) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := checkHeader(file, opts.ReadOnly, SchemaVersion()); err != nil {
		return nil, err
	}
	mode := "rwc"
	if opts.ReadOnly {
		mode = "ro"
	}
	// The statement cache saves re-preparing the same SQL in loops (a
	// 1,000-lesson import runs ~20,000 statements: 1.0 s without, 0.6 s with).
	// journal_mode is deliberately not in the DSN: go-sqlite3 applies DSN
	// pragmas on every new connection, and the integrity checks below must
	// run before Tidbit writes anything to an unknown file. Recursive
	// triggers make INSERT OR REPLACE fire the append-only logs' DELETE
	// triggers; without them REPLACE would silently overwrite an answer.
	db, err := sql.Open("sqlite3", dsnFor(file, mode))
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", file, err)
	}
	s := &Store{db: db, path: file, now: opts.Now}
	if err := s.init(ctx, opts, target); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// busyTimeout is how long a statement waits for the other process's lock.
const busyTimeout = 10 * time.Second

func dsnFor(file, mode string) string {
	return "file:" + escapePath(file) + "?mode=" + mode +
		"&_busy_timeout=" + strconv.Itoa(int(busyTimeout/time.Millisecond)) + "&_foreign_keys=on&_txlock=immediate&_synchronous=FULL&_stmt_cache_size=64&_recursive_triggers=on"
}

func escapePath(p string) string {
	// A '?' or '#' in a folder name would otherwise start the URI query.
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return r.Replace(p)
}

// checkHeader refuses a file that exists, is not empty and is not SQLite,
// before SQLite gets a chance to touch it. It also creates a missing file
// with mode 0600 so that SQLite does not create it with the umask's mode.
// A file whose header already carries a schema newer than known is refused
// here too: once SQLite opens a WAL-mode file it creates -wal and -shm
// files (and leaves them behind on a read-only connection).
func checkHeader(file string, readOnly bool, known int) error {
	f, err := os.Open(file)
	if errors.Is(err, os.ErrNotExist) {
		if readOnly {
			return fmt.Errorf("opening %s: %w", file, err)
		}
		nf, err := os.OpenFile(file, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil && !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("creating %s: %w", file, err)
		}
		if nf != nil {
			return nf.Close()
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("opening %s: %w", file, err)
	}
	defer f.Close()
	if !readOnly {
		// SQLite silently falls back to read-only on a file it may not
		// write, and the first recorded answer would fail instead.
		w, err := os.OpenFile(file, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("cannot open %s for writing (%v): check its permissions or pass --data-dir", file, err)
		}
		w.Close()
	}
	buf := make([]byte, 100) // the database header
	n, err := io.ReadFull(f, buf)
	if n == 0 && (err == io.EOF) {
		return nil // an empty file is a valid, empty SQLite database
	}
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return fmt.Errorf("reading %s: %w", file, err) // a folder, an I/O error...
	}
	if n < len(sqliteHeader) || string(buf[:len(sqliteHeader)]) != sqliteHeader {
		return fmt.Errorf("%s is not a Tidbit database (it does not start with the SQLite header): %w; "+
			"it was left untouched: move it aside or restore a backup", file, ErrCorrupt)
	}
	// user_version is the big-endian 32-bit integer at offset 60. A newer
	// value may also sit in an uncheckpointed WAL; init checks that case.
	// Only trusted when the header is sane (fixed payload fractions 64, 32,
	// 32); SQLite reports a damaged header itself.
	if n == len(buf) && buf[21] == 64 && buf[22] == 32 && buf[23] == 32 {
		if v := int(binary.BigEndian.Uint32(buf[60:64])); v > known {
			return fmt.Errorf("%s has schema %d, this Tidbit knows up to %d: %w; upgrade Tidbit (the file was not changed)",
				file, v, known, ErrNewerSchema)
		}
	}
	return nil
}

func (s *Store) init(ctx context.Context, opts Options, target int) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	check := opts
	if !opts.ReadOnly && hasWAL(s.path) {
		// A WAL with transactions in it (a crash, or the other process is
		// running): when the last read-write connection closes, SQLite
		// copies the WAL into the file. A file about to be refused must not
		// be written to, so it is checked through a read-only handle first;
		// read-only connections never checkpoint.
		ro, err := sql.Open("sqlite3", dsnFor(s.path, "ro"))
		if err != nil {
			return fmt.Errorf("opening %s: %w", s.path, err)
		}
		_, err = (&Store{db: ro, path: s.path}).preflight(ctx, opts, len(ms))
		ro.Close()
		if err != nil {
			return err
		}
		check.SkipCheck = true // just done
	}
	have, err := s.preflight(ctx, check, len(ms))
	if err != nil || opts.ReadOnly {
		return err
	}
	jm, err := s.switchToWAL(ctx)
	if err != nil {
		return s.wrapOpenErr(err)
	}
	if !strings.EqualFold(jm, "wal") {
		return fmt.Errorf("%s: cannot switch to WAL mode (got %q); is the folder on a network file system?", s.path, jm)
	}
	if target < 0 {
		target = len(ms)
	}
	if err := s.migrate(ctx, ms, have, target); err != nil {
		var se sqlite3.Error
		if errors.As(err, &se) {
			return s.wrapOpenErr(err)
		}
		return err
	}
	return nil
}

// switchToWAL sets journal_mode=WAL and returns the mode in force. While
// another process creates the same new file, SQLite answers SQLITE_BUSY at
// once, without calling the busy handler; wait and retry as the busy
// timeout would (TestTwoProcessesMigrateFreshFile).
func (s *Store) switchToWAL(ctx context.Context) (string, error) {
	deadline := time.Now().Add(busyTimeout)
	for {
		var jm string
		err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&jm)
		var se sqlite3.Error
		if err == nil || !errors.As(err, &se) || se.Code != sqlite3.ErrBusy || time.Now().After(deadline) {
			return jm, err
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// preflight reads the schema version, refuses a newer one and, unless
// opts.SkipCheck, runs SQLite's quick check. It writes nothing.
func (s *Store) preflight(ctx context.Context, opts Options, known int) (int, error) {
	var have int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		return 0, s.wrapOpenErr(err)
	}
	if have > known {
		return 0, fmt.Errorf("%s has schema %d, this Tidbit knows up to %d: %w; upgrade Tidbit (the file was not changed)",
			s.path, have, known, ErrNewerSchema)
	}
	if !opts.SkipCheck && have > 0 {
		if problems, err := s.integrity(ctx, "quick_check"); err != nil {
			return 0, err
		} else if len(problems) > 0 {
			return 0, fmt.Errorf("%s failed SQLite's integrity check (%s): %w; it was left untouched: "+
				"restore a backup (`tidbit import BACKUP.json` into a new --data-dir) or move it aside",
				s.path, problems[0], ErrCorrupt)
		}
	}
	return have, nil
}

// hasWAL reports whether file has a non-empty -wal file next to it.
func hasWAL(file string) bool {
	fi, err := os.Stat(file + "-wal")
	return err == nil && fi.Size() > 0
}

func (s *Store) migrate(ctx context.Context, ms []migration, have, target int) error {
	if have >= target {
		return nil
	}
	// One transaction for all pending migrations: a crash half way leaves the
	// old schema, never a mix. BEGIN IMMEDIATE (the DSN's txlock) makes a
	// second process wait here instead of migrating twice; it then re-reads
	// the version inside the transaction.
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
			return err
		}
		// Another process may have migrated (or a newer Tidbit upgraded the
		// file) between the first read and this transaction.
		if have > len(ms) {
			return fmt.Errorf("%s has schema %d, this Tidbit knows up to %d: %w; upgrade Tidbit",
				s.path, have, len(ms), ErrNewerSchema)
		}
		if have >= target {
			return nil
		}
		for _, m := range ms[have:target] {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
		}
		rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
		if err != nil {
			return err
		}
		bad := rows.Next()
		rows.Close()
		if bad {
			return errors.New("migration left rows that break foreign keys")
		}
		_, err = tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", target))
		return err
	})
}

func (s *Store) wrapOpenErr(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrNotADB || se.Code == sqlite3.ErrCorrupt) {
		return fmt.Errorf("%s: %v: %w; it was left untouched: restore a backup or move it aside", s.path, err, ErrCorrupt)
	}
	if errors.As(err, &se) && (se.Code == sqlite3.ErrCantOpen || se.Code == sqlite3.ErrReadonly || se.Code == sqlite3.ErrPerm) {
		return fmt.Errorf("cannot open %s for writing (%v): check the folder's permissions or pass --data-dir", s.path, err)
	}
	return fmt.Errorf("opening %s: %w", s.path, err)
}

// integrity runs PRAGMA quick_check or integrity_check and returns the
// problems it lists (none means OK).
func (s *Store) integrity(ctx context.Context, pragma string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, "PRAGMA "+pragma)
	if err != nil {
		return nil, s.wrapOpenErr(err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, s.wrapOpenErr(err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrapOpenErr(err)
	}
	return problems, nil
}

// Check runs SQLite's full integrity check and the foreign-key check; it
// returns the problems found, or none.
func (s *Store) Check(ctx context.Context) ([]string, error) {
	problems, err := s.integrity(ctx, "integrity_check")
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		// The foreign-key check reads every table and would stop at the
		// first damaged page with a bare "malformed" error, hiding the list.
		return problems, nil
	}
	rows, err := s.db.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		var rowid, fkid sql.NullInt64
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return nil, err
		}
		problems = append(problems, fmt.Sprintf("%s row %d refers to a missing %s", table, rowid.Int64, parent))
	}
	return problems, rows.Err()
}

// Version reports the schema version of the open file.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Close closes the store. WAL content is checkpointed by SQLite when the
// last connection closes.
func (s *Store) Close() error { return s.db.Close() }

// tx runs fn in one write transaction (BEGIN IMMEDIATE) and commits it;
// any error rolls everything back.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("starting a transaction on %s: %w", s.path, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing to %s: %w", s.path, err)
	}
	return nil
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func nullMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMS(v.Int64)
}
