package store

import (
	"context"
	"fmt"
	"time"
)

// DayActivity is what the learner completed on one day of their calendar.
type DayActivity struct {
	Day       time.Time // midnight in the location asked for
	Completed int       // completed activities (lessons, quizzes, reviews)
	Seconds   int       // time spent on them
}

// DailyActivity returns, for every day in [from, to) with at least one
// completed activity, how many were completed and the seconds spent, with
// days in loc, oldest first. Like Stats it groups finish times into
// quarter hours in SQLite (every UTC offset in use is a multiple of 15
// minutes), so Go converts a few buckets a day rather than every record.
func (s *Store) DailyActivity(ctx context.Context, from, to time.Time, loc *time.Location) ([]DayActivity, error) {
	if loc == nil {
		loc = time.Local
	}
	const bucket = 15 * 60 * 1000
	rows, err := s.db.QueryContext(ctx, `SELECT finished_at / ? AS b, count(*), sum(seconds) FROM attempt_results
		WHERE outcome = 'completed' AND finished_at >= ? AND finished_at < ? GROUP BY b ORDER BY b`,
		bucket, ms(from), ms(to))
	if err != nil {
		return nil, fmt.Errorf("reading daily activity: %w", err)
	}
	defer rows.Close()
	out := []DayActivity{}
	for rows.Next() {
		var b int64
		var n, secs int
		if err := rows.Scan(&b, &n, &secs); err != nil {
			return nil, fmt.Errorf("reading daily activity: %w", err)
		}
		t := fromMS(b * bucket).In(loc)
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
		if k := len(out) - 1; k >= 0 && out[k].Day.Equal(day) {
			out[k].Completed += n
			out[k].Seconds += secs
			continue
		}
		out = append(out, DayActivity{Day: day, Completed: n, Seconds: secs})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading daily activity: %w", err)
	}
	return out, nil
}
