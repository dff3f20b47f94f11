package calendar

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav"
	"github.com/emersion/go-webdav/caldav"
)

// CalDAVSource reads the event calendars of a CalDAV account: it discovers the
// current-user-principal, the calendar home set and the calendars, then asks each for
// the events in a time range. Servers such as Radicale return recurring events
// unexpanded; Expand expands them.
type CalDAVSource struct {
	Endpoint string // server URL, e.g. https://dav.example.org/ or a principal URL
	Username string
	Password string
	// Calendars limits reading to these calendar paths or display names; empty: all
	// calendars that hold events.
	Calendars []string
	Client    *http.Client // nil: a client with Timeout
	Timeout   time.Duration
	MaxBytes  int64 // per response; default 20 MiB
	// Window is used by Fetch (FetchRange takes its own): from now-Before to now+After.
	Before, After time.Duration
}

// Name is the endpoint without credentials.
func (s *CalDAVSource) Name() string { return redactURL(s.Endpoint) }

// Fetch reads the events from a week ago to two months ahead (see Before and After).
func (s *CalDAVSource) Fetch(ctx context.Context) ([]RawCalendar, error) {
	before, after := s.Before, s.After
	if before <= 0 {
		before = 7 * 24 * time.Hour
	}
	if after <= 0 {
		after = 60 * 24 * time.Hour
	}
	now := time.Now()
	return s.FetchRange(ctx, now.Add(-before), now.Add(after))
}

// cappedClient limits every response body, so a hostile server cannot fill memory.
type cappedClient struct {
	c     *http.Client
	limit int64
}

type cappedBody struct {
	r     io.Reader
	c     io.Closer
	limit int64
	n     int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.n > b.limit {
		return n, fmt.Errorf("CalDAV response larger than %d bytes: %w", b.limit, ErrTooLarge)
	}
	return n, err
}

func (b *cappedBody) Close() error { return b.c.Close() }

func (c cappedClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.c.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &cappedBody{r: resp.Body, c: resp.Body, limit: c.limit}
	return resp, nil
}

func (s *CalDAVSource) httpClient() webdav.HTTPClient {
	hc := s.Client
	if hc == nil {
		timeout := s.Timeout
		if timeout <= 0 {
			timeout = 30 * time.Second
		}
		hc = &http.Client{Timeout: timeout}
	}
	limit := s.MaxBytes
	if limit <= 0 {
		limit = defaultMaxFileBytes
	}
	var c webdav.HTTPClient = cappedClient{c: hc, limit: limit}
	if s.Username != "" || s.Password != "" {
		c = webdav.HTTPClientWithBasicAuth(c, s.Username, s.Password)
	}
	return c
}

// FetchRange returns one RawCalendar per calendar object with events in [from, to).
func (s *CalDAVSource) FetchRange(ctx context.Context, from, to time.Time) (raws []RawCalendar, err error) {
	name := s.Name()
	// go-webdav decodes responses with go-ical's decoder, which can panic on malformed
	// calendar data; a bad server must not take Tidbit down.
	defer func() {
		if r := recover(); r != nil {
			raws, err = nil, fmt.Errorf("CalDAV %s: unreadable calendar data from the server: %v", name, r)
		}
	}()
	client, err := caldav.NewClient(s.httpClient(), s.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("CalDAV %s: %w", name, err)
	}
	principal, err := client.FindCurrentUserPrincipal(ctx)
	if err != nil {
		return nil, fmt.Errorf("CalDAV %s: finding the current user principal: %w", name, err)
	}
	home, err := client.FindCalendarHomeSet(ctx, principal)
	if err != nil {
		return nil, fmt.Errorf("CalDAV %s: finding the calendar home set of %s: %w", name, principal, err)
	}
	cals, err := client.FindCalendars(ctx, home)
	if err != nil {
		return nil, fmt.Errorf("CalDAV %s: listing calendars in %s: %w", name, home, err)
	}
	query := &caldav.CalendarQuery{
		CompRequest: caldav.CalendarCompRequest{Name: "VCALENDAR", AllProps: true, AllComps: true},
		CompFilter: caldav.CompFilter{Name: "VCALENDAR", Comps: []caldav.CompFilter{{
			Name: "VEVENT", Start: from.UTC(), End: to.UTC(),
		}}},
	}
	matched := 0
	for _, cal := range cals {
		if !s.wanted(cal) {
			continue
		}
		matched++
		objs, err := client.QueryCalendar(ctx, cal.Path, query)
		if err != nil {
			return nil, fmt.Errorf("CalDAV %s: querying calendar %s: %w", name, cal.Path, err)
		}
		for _, o := range objs {
			if o.Data == nil {
				continue
			}
			var buf bytes.Buffer
			if err := Encode(&buf, o.Data.Component); err != nil {
				return nil, fmt.Errorf("CalDAV %s: %s: %w", name, o.Path, err)
			}
			raws = append(raws, RawCalendar{Source: o.Path, Data: buf.Bytes()})
		}
	}
	if len(s.Calendars) > 0 && matched == 0 {
		return nil, fmt.Errorf("CalDAV %s: none of the calendars %q found in %s", name, s.Calendars, home)
	}
	return raws, nil
}

func (s *CalDAVSource) wanted(cal caldav.Calendar) bool {
	if len(cal.SupportedComponentSet) > 0 {
		events := false
		for _, c := range cal.SupportedComponentSet {
			if strings.EqualFold(c, ical.CompEvent) {
				events = true
			}
		}
		if !events {
			return false
		}
	}
	if len(s.Calendars) == 0 {
		return true
	}
	for _, w := range s.Calendars {
		if w == cal.Path || strings.TrimSuffix(w, "/") == strings.TrimSuffix(cal.Path, "/") || strings.EqualFold(w, cal.Name) {
			return true
		}
	}
	return false
}
