package xapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/tidbit-learn/tidbit/app/store"
)

// Defaults of a Sender.
const (
	DefaultBatchSize = 25
	DefaultTimeout   = 20 * time.Second
	defaultBatches   = 40 // per Flush: a backlog drains over several flushes
	maxBody          = 64 << 10
)

// Backoff bounds. A transient failure (the LRS down, slow or overloaded)
// retries soon and then less often; a statement the LRS refuses as invalid
// retries rarely, since only a fixed LRS or a new Tidbit can change that;
// refused credentials wait for the learner to fix them.
var (
	transientBackoff = backoff{base: 30 * time.Second, limit: 6 * time.Hour}
	invalidBackoff   = backoff{base: 6 * time.Hour, limit: 7 * 24 * time.Hour}
	authBackoff      = backoff{base: 15 * time.Minute, limit: 6 * time.Hour}
)

type backoff struct{ base, limit time.Duration }

// after is the wait before try tries+1: base·2^tries up to limit, with
// "equal jitter" (between half and all of it) so that many clients that
// failed together do not come back together.
func (b backoff) after(tries int, rnd float64) time.Duration {
	d := b.base
	for i := 0; i < tries && d < b.limit; i++ {
		d *= 2
	}
	d = min(d, b.limit)
	return d/2 + time.Duration(float64(d/2)*rnd)
}

// Sender delivers the outbox to the configured LRS. It is safe for
// concurrent use; Flush calls are serialised.
type Sender struct {
	Store *store.Store
	// Client makes the requests; nil means a client that follows no
	// redirects (a redirect could carry the credentials elsewhere).
	Client    *http.Client
	Now       func() time.Time // nil: time.Now
	Rand      func() float64   // jitter in [0, 1); nil: math/rand/v2
	BatchSize int              // statements per request; 0: DefaultBatchSize
	Timeout   time.Duration    // per request; 0: DefaultTimeout

	mu   sync.Mutex
	hold time.Time // after a failure that concerns the whole LRS, no request before this
}

// FlushResult says what one Flush did.
type FlushResult struct {
	Sent     int       // statements the LRS acknowledged (or already had)
	Refused  int       // statements the LRS refused as invalid, kept for a later retry
	HeldTill time.Time // set when the LRS is unavailable and nothing is tried before then
}

// Flush sends what is due, batch by batch, until the outbox has nothing
// due or the LRS fails as a whole (then it returns the reason; the items
// stay in the outbox with the reason and their next try). With no LRS
// configured it sends nothing and returns no error.
func (s *Sender) Flush(ctx context.Context) (FlushResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var res FlushResult
	cfg, ok, err := Load(ctx, s.Store)
	if err != nil || !ok {
		return res, err
	}
	if now := s.now(); now.Before(s.hold) {
		res.HeldTill = s.hold
		return res, nil
	}
	for range defaultBatches {
		items, err := s.Store.Pending(ctx, OutboxKind, s.now(), s.batchSize())
		if err != nil {
			return res, fmt.Errorf("reading the xAPI outbox: %w", err)
		}
		if len(items) == 0 {
			return res, nil
		}
		if err := s.deliver(ctx, cfg, items, &res); err != nil {
			res.HeldTill = s.hold
			return res, err
		}
	}
	return res, nil
}

// deliver sends items; a 400 (or 413, or a 409 on a batch) splits the batch
// in halves until the refused statements are alone, so one bad statement
// never holds back the others. A non-nil error stops the flush.
func (s *Sender) deliver(ctx context.Context, cfg Config, items []store.OutboxItem, res *FlushResult) error {
	status, msg, err := s.post(ctx, cfg, items)
	now := s.now()
	ids := make([]string, len(items))
	tries := 0
	for i, it := range items {
		ids[i] = it.ID
		tries = max(tries, it.Tries)
	}
	fail := func(reason string, b backoff) error {
		reason = redact(reason, cfg.Password)
		next := now.Add(b.after(tries, s.rand()))
		if err := s.Store.MarkFailed(ctx, ids, reason, next); err != nil {
			return fmt.Errorf("recording an xAPI failure (%s): %w", reason, err)
		}
		s.hold = next
		return errors.New(reason)
	}
	switch {
	case err != nil:
		return fail(err.Error(), transientBackoff)
	case status == http.StatusOK || status == http.StatusNoContent || (status == http.StatusConflict && len(items) == 1):
		// 409 for one statement: the LRS already has a statement with this
		// id. Ids are derived from the record, so it is this one.
		if err := s.Store.MarkSent(ctx, ids, now); err != nil {
			return fmt.Errorf("marking xAPI statements sent: %w", err)
		}
		res.Sent += len(ids)
		return nil
	case status == http.StatusBadRequest || status == http.StatusRequestEntityTooLarge || status == http.StatusConflict:
		if len(items) == 1 {
			reason := redact(fmt.Sprintf("the LRS refused statement %s (HTTP %d): %s", ids[0], status, msg), cfg.Password)
			next := now.Add(invalidBackoff.after(tries, s.rand()))
			if err := s.Store.MarkFailed(ctx, ids, reason, next); err != nil {
				return fmt.Errorf("recording an xAPI failure (%s): %w", reason, err)
			}
			res.Refused++
			return nil
		}
		half := len(items) / 2
		if err := s.deliver(ctx, cfg, items[:half], res); err != nil {
			return err
		}
		return s.deliver(ctx, cfg, items[half:], res)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return fail(fmt.Sprintf("the LRS refused the credentials (HTTP %d): check the LRS credentials (username and password of setting %s)%s",
			status, SettingKey, suffix(msg)), authBackoff)
	case status == http.StatusTooManyRequests || status >= 500:
		return fail(fmt.Sprintf("the LRS is unavailable (HTTP %d)%s", status, suffix(msg)), transientBackoff)
	case status >= 300 && status < 400:
		return fail(fmt.Sprintf("the LRS redirects (HTTP %d): put the final address in the endpoint of setting %s", status, SettingKey),
			authBackoff)
	default:
		return fail(fmt.Sprintf("the LRS answered HTTP %d at %sstatements: check the endpoint of setting %s%s",
			status, cfg.Endpoint, SettingKey, suffix(msg)), authBackoff)
	}
}

// post sends one batch and returns the status and the LRS's message.
func (s *Sender) post(ctx context.Context, cfg Config, items []store.OutboxItem) (int, string, error) {
	if _, err := CheckEndpoint(cfg.Endpoint); err != nil {
		return 0, "", err
	}
	var body bytes.Buffer
	body.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			body.WriteByte(',')
		}
		body.WriteString(it.Payload)
	}
	body.WriteByte(']')
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.Endpoint+"statements", &body)
	if err != nil {
		return 0, "", fmt.Errorf("the LRS endpoint %s: %w", cfg.Endpoint, err)
	}
	req.Header.Set("X-Experience-API-Version", Version)
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(cfg.Username, cfg.Password)
	resp, err := s.client().Do(req)
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return 0, "", fmt.Errorf("the LRS at %s did not answer within %v", req.URL.Host, timeout)
		}
		return 0, "", fmt.Errorf("cannot reach the LRS at %s: %w", req.URL.Host, unwrapURLError(err))
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody)) // a cut-off body still has a useful start
	if resp.StatusCode/100 == 2 {
		return resp.StatusCode, "", nil
	}
	return resp.StatusCode, LRSMessage(b), nil
}

func unwrapURLError(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}

func (s *Sender) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sender) rand() float64 {
	if s.Rand != nil {
		return min(max(s.Rand(), 0), 1)
	}
	return rand.Float64()
}

func (s *Sender) batchSize() int {
	if s.BatchSize > 0 {
		return s.BatchSize
	}
	return DefaultBatchSize
}

func suffix(msg string) string {
	if msg == "" {
		return ""
	}
	return ": " + msg
}

// redact removes the password from a text that may echo a request.
func redact(s, password string) string {
	if password == "" {
		return s
	}
	return strings.ReplaceAll(s, password, "***")
}

// maxMessage bounds an LRS message kept as the outbox's last error.
const maxMessage = 300

// LRSMessage extracts a short, printable reason from an LRS error body:
// the "message" and "warnings" of a JSON body (Learning Locker, ADL's LRS
// and others answer so), or else the text itself, on one line, without
// control characters, at most 300 characters.
func LRSMessage(body []byte) string {
	var parts []string
	var j struct {
		Message  any `json:"message"`
		Error    any `json:"error"`
		Warnings any `json:"warnings"`
		Errors   any `json:"errors"`
	}
	if json.Unmarshal(body, &j) == nil {
		for _, v := range []any{j.Message, j.Error, j.Warnings, j.Errors} {
			parts = appendText(parts, v)
		}
	}
	text := strings.Join(parts, "; ")
	if text == "" {
		text = string(body)
	}
	return clean(text)
}

// appendText collects the strings in a JSON value (string, list or object
// of strings, nested); anything else is ignored.
func appendText(parts []string, v any) []string {
	switch v := v.(type) {
	case string:
		if strings.TrimSpace(v) != "" {
			parts = append(parts, v)
		}
	case []any:
		for _, e := range v {
			parts = appendText(parts, e)
		}
	case map[string]any:
		for _, k := range []string{"message", "msg", "detail"} {
			parts = appendText(parts, v[k])
		}
	}
	return parts
}

// clean makes s one printable line of at most maxMessage runes.
func clean(s string) string {
	fields := strings.FieldsFunc(strings.ToValidUTF8(s, "\uFFFD"), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	})
	var b strings.Builder
	n := 0
	for _, f := range fields {
		for i, r := range []rune(" " + f) {
			if i == 0 && b.Len() == 0 || !unicode.IsPrint(r) {
				continue
			}
			if n == maxMessage-1 {
				b.WriteRune('…')
				return b.String()
			}
			b.WriteRune(r)
			n++
		}
	}
	return b.String()
}
