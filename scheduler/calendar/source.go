package calendar

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Source yields raw calendars. Tests and the scheduler inject their own.
type Source interface {
	Name() string
	Fetch(ctx context.Context) ([]RawCalendar, error)
}

// RangeSource is a Source that can ask its server for a time range only (CalDAV).
type RangeSource interface {
	Source
	FetchRange(ctx context.Context, from, to time.Time) ([]RawCalendar, error)
}

// StaticSource serves calendars held in memory.
type StaticSource struct {
	Label     string
	Calendars []RawCalendar
}

// Name is the label given.
func (s StaticSource) Name() string { return s.Label }

// Fetch returns the calendars held.
func (s StaticSource) Fetch(ctx context.Context) ([]RawCalendar, error) {
	return s.Calendars, ctx.Err()
}

// FileSource reads one local .ics file.
type FileSource struct {
	Path     string
	MaxBytes int64 // default 20 MiB
}

// Name is the path.
func (s FileSource) Name() string { return s.Path }

// Fetch reads the file, refusing files over MaxBytes.
func (s FileSource) Fetch(ctx context.Context) ([]RawCalendar, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	limit := s.MaxBytes
	if limit <= 0 {
		limit = defaultMaxFileBytes
	}
	f, err := os.Open(s.Path)
	if err != nil {
		return nil, fmt.Errorf("reading calendar %s: %w", s.Path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading calendar %s: %w", s.Path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("reading calendar %s: larger than %d bytes: %w", s.Path, limit, ErrTooLarge)
	}
	return []RawCalendar{{Source: s.Path, Data: data}}, nil
}

// HTTPSource is an .ics subscription URL (webcal:// is read as https://). It sends
// If-None-Match / If-Modified-Since, caps the body, refuses HTML and keeps the last
// good copy in CacheDir, which it returns (with a warning) when a refresh fails.
type HTTPSource struct {
	URL          string
	CacheDir     string        // "" disables the cache
	Client       *http.Client  // nil: a client with Timeout and the redirect rules below
	Timeout      time.Duration // default 30 s
	MaxBytes     int64         // default 20 MiB
	MaxRedirects int           // default 5
	UserAgent    string
	Now          func() time.Time // for cache timestamps; nil: time.Now
}

// Name is the URL with its query and user info hidden (private feeds carry tokens there).
func (s *HTTPSource) Name() string { return redactURL(s.URL) }

// redactURL hides the secret token part of private subscription URLs in messages.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = "…"
	}
	if len(u.Path) > 40 {
		u.Path = u.Path[:20] + "…" + u.Path[len(u.Path)-12:]
	}
	return u.String()
}

type cacheMeta struct {
	URL          string    `json:"url"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Fetched      time.Time `json:"fetched"`
}

func (s *HTTPSource) cachePaths() (data, meta string) {
	sum := sha256.Sum256([]byte(s.URL))
	base := filepath.Join(s.CacheDir, "sub-"+hex.EncodeToString(sum[:8]))
	return base + ".ics", base + ".json"
}

func (s *HTTPSource) readCache() ([]byte, cacheMeta, bool) {
	if s.CacheDir == "" {
		return nil, cacheMeta{}, false
	}
	dp, mp := s.cachePaths()
	data, err := os.ReadFile(dp)
	if err != nil {
		return nil, cacheMeta{}, false
	}
	var m cacheMeta
	if raw, err := os.ReadFile(mp); err == nil {
		_ = json.Unmarshal(raw, &m)
	}
	if m.URL != "" && m.URL != s.URL {
		return nil, cacheMeta{}, false
	}
	return data, m, true
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func (s *HTTPSource) writeCache(data []byte, m cacheMeta) error {
	if s.CacheDir == "" {
		return nil
	}
	if err := os.MkdirAll(s.CacheDir, 0o700); err != nil {
		return err
	}
	dp, mp := s.cachePaths()
	if err := writeFileAtomic(dp, data); err != nil {
		return err
	}
	raw, _ := json.Marshal(m)
	return writeFileAtomic(mp, raw)
}

// ErrRedirectLoop is wrapped by errors about redirects that come back to a URL already visited.
var ErrRedirectLoop = errors.New("redirect loop")

func (s *HTTPSource) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	maxRedirects := s.MaxRedirects
	if maxRedirects <= 0 {
		maxRedirects = 5
	}
	return &http.Client{
		Timeout: timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			for _, v := range via {
				if v.URL.String() == req.URL.String() {
					return fmt.Errorf("%w: %s comes back to %s", ErrRedirectLoop, redactURL(via[len(via)-1].URL.String()), redactURL(req.URL.String()))
				}
			}
			if len(via) > maxRedirects {
				return fmt.Errorf("more than %d redirects", maxRedirects)
			}
			if via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect from https to %s refused", req.URL.Scheme)
			}
			return nil
		},
	}
}

// Fetch downloads the calendar, or returns the cached copy with a Warning when that
// fails; it fails only when there is no cached copy either.
func (s *HTTPSource) Fetch(ctx context.Context) ([]RawCalendar, error) {
	data, err := s.refresh(ctx)
	if err == nil {
		return []RawCalendar{{Source: s.Name(), Data: data}}, nil
	}
	if cached, m, ok := s.readCache(); ok {
		when := "an earlier fetch"
		if !m.Fetched.IsZero() {
			when = m.Fetched.Format(time.RFC3339)
		}
		return []RawCalendar{{Source: s.Name(), Data: cached,
			Warning: fmt.Sprintf("calendar %s: refresh failed (%v); using the copy from %s", s.Name(), err, when)}}, nil
	}
	return nil, err
}

func (s *HTTPSource) refresh(ctx context.Context) ([]byte, error) {
	name := s.Name()
	raw := strings.TrimSpace(s.URL)
	if strings.HasPrefix(strings.ToLower(raw), "webcal://") {
		raw = "https://" + raw[len("webcal://"):]
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("calendar %s: not an http(s) or webcal URL", name)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("calendar %s: %w", name, err)
	}
	req.Header.Set("Accept", "text/calendar, */*;q=0.5")
	if s.UserAgent != "" {
		req.Header.Set("User-Agent", s.UserAgent)
	}
	cached, meta, haveCache := s.readCache()
	if haveCache {
		if meta.ETag != "" {
			req.Header.Set("If-None-Match", meta.ETag)
		}
		if meta.LastModified != "" {
			req.Header.Set("If-Modified-Since", meta.LastModified)
		}
	}
	resp, err := s.client().Do(req)
	if err != nil {
		return nil, fmt.Errorf("calendar %s: %w", name, scrubURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified && haveCache {
		return cached, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, fmt.Errorf("calendar %s: server answered %s", name, resp.Status)
	}
	limit := s.MaxBytes
	if limit <= 0 {
		limit = defaultMaxFileBytes
	}
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("calendar %s: body of %d bytes is larger than %d: %w", name, resp.ContentLength, limit, ErrTooLarge)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("calendar %s: reading body: %w", name, scrubURLError(err))
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("calendar %s: body is larger than %d bytes: %w", name, limit, ErrTooLarge)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "text/html" || looksLikeHTML(body) {
		return nil, fmt.Errorf("calendar %s: the server sent a web page (HTML), not a calendar; check that the URL is the .ics subscription link and needs no login", name)
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n")
	if !bytes.HasPrefix(bytes.ToUpper(trimmed[:min(len(trimmed), 15)]), []byte("BEGIN:VCALENDAR")) {
		return nil, fmt.Errorf("calendar %s: the answer is not an iCalendar file (it does not start with BEGIN:VCALENDAR)", name)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	// A cache that cannot be written costs only the fallback; the data itself is good.
	_ = s.writeCache(body, cacheMeta{URL: s.URL, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"), Fetched: now()})
	return body, nil
}

// scrubURLError drops the URL (which may hold a private token) from net/http errors.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if errors.Is(ue.Err, context.DeadlineExceeded) || ue.Timeout() {
			return fmt.Errorf("timed out: %w", ue.Err)
		}
		return ue.Err
	}
	return err
}

// PasswordEnv names the environment variable a CalDAV password may come
// from.
const PasswordEnv = "TIDBIT_CALDAV_PASSWORD"

// SourceOptions are what SourceFor needs besides the source itself.
type SourceOptions struct {
	// CacheDir keeps subscriptions' and CalDAV accounts' last answers;
	// "" keeps none.
	CacheDir string
	// Getenv reads the environment (PasswordEnv); nil reads nothing.
	Getenv func(string) string
}

// SourceFor turns what a user types as a calendar source into a Source:
//   - a path to an .ics file;
//   - an http://, https:// or webcal:// subscription URL (cached in cacheDir);
//   - caldav+https://user:password@host/path (or caldav+http://) for a CalDAV
//     account; the password may instead come from the TIDBIT_CALDAV_PASSWORD
//     environment variable (read through o.Getenv), which keeps it out of
//     shell history. With a CacheDir the account's last good answer is kept
//     there (see LastGood).
func SourceFor(spec string, o SourceOptions) (Source, error) {
	cacheDir := o.CacheDir
	spec = strings.TrimSpace(spec)
	lower := strings.ToLower(spec)
	switch {
	case strings.HasPrefix(lower, "caldav+http://"), strings.HasPrefix(lower, "caldav+https://"):
		u, err := url.Parse(spec[len("caldav+"):])
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("calendar source %q: not a CalDAV URL", redactURL(spec[len("caldav+"):]))
		}
		src := &CalDAVSource{}
		if u.User != nil {
			src.Username = u.User.Username()
			src.Password, _ = u.User.Password()
			u.User = nil
		}
		if o.Getenv != nil && src.Password == "" {
			src.Password = o.Getenv(PasswordEnv)
		}
		src.Endpoint = u.String()
		if cacheDir == "" {
			return src, nil
		}
		return &LastGood{Source: src, Dir: cacheDir}, nil
	case strings.HasPrefix(lower, "http://"), strings.HasPrefix(lower, "https://"), strings.HasPrefix(lower, "webcal://"):
		return &HTTPSource{URL: spec, CacheDir: cacheDir}, nil
	case spec == "":
		return nil, fmt.Errorf("calendar source: empty")
	default:
		return FileSource{Path: spec}, nil
	}
}
