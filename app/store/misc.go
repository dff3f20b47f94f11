package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Profile is what the learner tells Tidbit about themselves.
type Profile struct {
	Name           string         `json:"name"`
	Role           string         `json:"role"`
	Seniority      string         `json:"seniority"`
	Goals          []string       `json:"goals"`
	Notes          string         `json:"notes"`
	SelfRatings    map[string]int `json:"self_ratings"`
	MinutesPerWeek int            `json:"minutes_per_week"`
	UpdatedAt      time.Time      `json:"updated_at"`
}

// Profile returns the stored profile, or an empty one with defaults.
func (s *Store) Profile(ctx context.Context) (Profile, error) {
	p := Profile{Goals: []string{}, SelfRatings: map[string]int{}, MinutesPerWeek: 30}
	var goals, ratings string
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT name, role, seniority, goals, notes, self_ratings, minutes_per_week, updated_at
		FROM profile WHERE id = 1`).Scan(&p.Name, &p.Role, &p.Seniority, &goals, &p.Notes, &ratings, &p.MinutesPerWeek, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(goals), &p.Goals); err != nil {
		return p, fmt.Errorf("stored profile goals: %w", err)
	}
	if err := json.Unmarshal([]byte(ratings), &p.SelfRatings); err != nil {
		return p, fmt.Errorf("stored profile ratings: %w", err)
	}
	p.UpdatedAt = fromMS(at)
	return p, nil
}

// SaveProfile replaces the profile.
func (s *Store) SaveProfile(ctx context.Context, p Profile) error {
	if p.Goals == nil {
		p.Goals = []string{}
	}
	if p.SelfRatings == nil {
		p.SelfRatings = map[string]int{}
	}
	goals, _ := json.Marshal(p.Goals)
	ratings, _ := json.Marshal(p.SelfRatings)
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO profile(id, name, role, seniority, goals, notes, self_ratings, minutes_per_week, updated_at)
			VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET name = excluded.name, role = excluded.role, seniority = excluded.seniority,
			  goals = excluded.goals, notes = excluded.notes, self_ratings = excluded.self_ratings,
			  minutes_per_week = excluded.minutes_per_week, updated_at = excluded.updated_at`,
			p.Name, p.Role, p.Seniority, string(goals), p.Notes, string(ratings), p.MinutesPerWeek, ms(s.now()))
		return err
	})
}

// Setting reads a JSON setting into v; it reports whether the key was set.
func (s *Store) Setting(ctx context.Context, key string, v any) (bool, error) {
	var raw string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return true, fmt.Errorf("setting %s: %w", key, err)
	}
	return true, nil
}

// SetSetting stores v as JSON under key.
func (s *Store) SetSetting(ctx context.Context, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("setting %s: %w", key, err)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value, updated_at) VALUES (?, ?, ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, string(b), ms(s.now()))
		return err
	})
}

// Moment is one entry of the log of moments: offered or withheld, and why.
type Moment struct {
	ID      int64
	At      time.Time
	Kind    string
	Reason  string
	Item    string
	Outcome string // offered, done, dismissed, snoozed, ignored, held, withheld
	Detail  string // JSON
}

// LogMoment appends a moment and returns its id.
func (s *Store) LogMoment(ctx context.Context, m Moment) (int64, error) {
	if m.Detail == "" {
		m.Detail = "{}"
	}
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `INSERT INTO moments(at, kind, reason, item, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)`,
			ms(m.At), m.Kind, m.Reason, m.Item, m.Outcome, m.Detail)
		if err != nil {
			return fmt.Errorf("logging moment: %w", err)
		}
		id, err = r.LastInsertId()
		return err
	})
	return id, err
}

// SetMomentOutcome records what became of an offered moment.
func (s *Store) SetMomentOutcome(ctx context.Context, id int64, outcome string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE moments SET outcome = ? WHERE id = ?`, outcome, id)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return fmt.Errorf("moment %d: %w", id, ErrNotFound)
		}
		return nil
	})
}

// Moments returns the moments logged in [from, to), oldest first.
func (s *Store) Moments(ctx context.Context, from, to time.Time) ([]Moment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, kind, reason, item, outcome, detail FROM moments
		WHERE at >= ? AND at < ? ORDER BY at, id`, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Moment
	for rows.Next() {
		var m Moment
		var at int64
		if err := rows.Scan(&m.ID, &at, &m.Kind, &m.Reason, &m.Item, &m.Outcome, &m.Detail); err != nil {
			return nil, err
		}
		m.At = fromMS(at)
		out = append(out, m)
	}
	return out, rows.Err()
}

// CacheGet returns a cached model output that has not expired.
func (s *Store) CacheGet(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM model_cache WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)`,
		key, ms(s.now())).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}

// CachePut stores a model output; ttl 0 keeps it until replaced.
func (s *Store) CachePut(ctx context.Context, key, kind, model, value string, ttl time.Duration) error {
	now := s.now()
	var exp any
	if ttl > 0 {
		exp = ms(now.Add(ttl))
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO model_cache(key, kind, model, value, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT(key) DO UPDATE SET kind = excluded.kind, model = excluded.model, value = excluded.value,
			  created_at = excluded.created_at, expires_at = excluded.expires_at`, key, kind, model, value, ms(now), exp)
		return err
	})
}

// OutboxItem is a statement waiting to be sent.
type OutboxItem struct {
	ID        string
	Kind      string
	Payload   string
	CreatedAt time.Time
	Tries     int
	NextTryAt time.Time
	LastError string
}

// Enqueue adds a statement to the outbox; the same id twice is one item.
func (s *Store) Enqueue(ctx context.Context, it OutboxItem) error {
	return s.tx(ctx, func(tx *sql.Tx) error { return EnqueueTx(ctx, tx, it, s.now()) })
}

// EnqueueTx adds a statement inside a caller's transaction, so that a
// statement and the progress it describes commit together.
func EnqueueTx(ctx context.Context, tx *sql.Tx, it OutboxItem, now time.Time) error {
	if it.ID == "" || it.Kind == "" {
		return fmt.Errorf("queueing a statement: id and kind are required (id %q, kind %q)", it.ID, it.Kind)
	}
	if it.CreatedAt.IsZero() {
		it.CreatedAt = now
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox(id, kind, payload, created_at, next_try_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT(id) DO NOTHING`, it.ID, it.Kind, it.Payload, ms(it.CreatedAt), ms(it.CreatedAt))
	if err != nil {
		return fmt.Errorf("queueing statement %s: %w", it.ID, err)
	}
	return nil
}

// Pending returns up to limit unsent items that are due for a try.
func (s *Store) Pending(ctx context.Context, kind string, now time.Time, limit int) ([]OutboxItem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, payload, created_at, tries, next_try_at, last_error FROM outbox
		WHERE kind = ? AND sent_at IS NULL AND next_try_at <= ? ORDER BY created_at, id LIMIT ?`, kind, ms(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutboxItem
	for rows.Next() {
		var it OutboxItem
		var c, n int64
		if err := rows.Scan(&it.ID, &it.Kind, &it.Payload, &c, &it.Tries, &n, &it.LastError); err != nil {
			return nil, err
		}
		it.CreatedAt, it.NextTryAt = fromMS(c), fromMS(n)
		out = append(out, it)
	}
	return out, rows.Err()
}

// MarkSent marks items as delivered.
func (s *Store) MarkSent(ctx context.Context, ids []string, at time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET sent_at = ? WHERE id = ?`, ms(at), id); err != nil {
				return err
			}
		}
		return nil
	})
}

// MarkFailed records a failed try and when to try again.
func (s *Store) MarkFailed(ctx context.Context, ids []string, reason string, next time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET tries = tries + 1, last_error = ?, next_try_at = ? WHERE id = ?`,
				reason, ms(next), id); err != nil {
				return err
			}
		}
		return nil
	})
}

// OutboxStatus counts unsent items and gives the newest error.
func (s *Store) OutboxStatus(ctx context.Context) (pending int, lastError string, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT count(*), COALESCE((SELECT last_error FROM outbox WHERE sent_at IS NULL AND last_error != ''
		ORDER BY next_try_at DESC LIMIT 1), '') FROM outbox WHERE sent_at IS NULL`).Scan(&pending, &lastError)
	return
}
