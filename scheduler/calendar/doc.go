// Package calendar reads calendars (.ics files, .ics subscription URLs and CalDAV
// collections) and turns them into busy intervals and free gaps inside working hours.
//
// Parsing produces github.com/emersion/go-ical components with line numbers; expansion
// of recurring events uses github.com/teambition/rrule-go, with what those libraries
// leave to the caller handled here: Windows and case-insensitive time-zone names, the
// file's own VTIMEZONE, X-WR-TIMEZONE, comma-separated EXDATE/RDATE, date-only EXDATE on
// timed series, RECURRENCE-ID overrides with SEQUENCE, floating times and caps against
// hostile rules. The package imports nothing from app/; callers inject a Source, the
// user's location and addresses through Options.
package calendar

//go:generate go run ./internal/gentz -o zones_gen.go
