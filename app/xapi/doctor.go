package xapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/tidbit-learn/tidbit/app/doctor"
	"github.com/tidbit-learn/tidbit/app/store"
)

// CheckName is the name of the doctor line.
const CheckName = "xAPI (learning record store)"

// Check is the `tidbit doctor` line for xAPI over a store that is open
// when the check is built; see CheckResult.
func Check(st *store.Store, client *http.Client) doctor.Check {
	return doctor.Check{Name: CheckName, Run: func(ctx context.Context) doctor.Result { return CheckResult(ctx, st, client) }}
}

// CheckResult says whether an LRS is configured, how many statements wait
// in the outbox, the last error, and whether the LRS answers (GET about,
// which needs no credentials, so none are sent). st may be nil when the
// database could not be opened. client nil means a default client; ctx
// bounds the probe.
func CheckResult(ctx context.Context, st *store.Store, client *http.Client) doctor.Result {
	if st == nil {
		return doctor.Result{Status: doctor.Warn, Detail: "not checked: the database is not available"}
	}
	pending, lastErr, err := st.OutboxStatus(ctx)
	if err != nil {
		return doctor.Result{Status: doctor.Warn, Detail: "cannot read the outbox: " + err.Error()}
	}
	cfg, ok, err := Load(ctx, st)
	if err != nil {
		return doctor.Result{Status: doctor.Fail, Detail: err.Error() + waiting(pending),
			Fix: "set it up again with `tidbit xapi set` (an https endpoint, user, password, e-mail), or `tidbit xapi off`"}
	}
	if !ok {
		if pending > 0 {
			return doctor.Result{Status: doctor.Warn, Detail: fmt.Sprintf("no LRS configured, but the outbox holds %d unsent statement(s) from before", pending),
				Fix: "set up the LRS again with `tidbit xapi set` to send them"}
		}
		return doctor.Result{Status: doctor.OK, Detail: "no LRS configured: nothing is recorded or sent"}
	}
	r := doctor.Result{Status: doctor.OK, Detail: cfg.Endpoint + waiting(pending)}
	if lastErr != "" {
		r.Status, r.Detail = doctor.Warn, r.Detail+"; last error: "+lastErr
		r.Fix = fixFor(lastErr)
	}
	if err := probe(ctx, client, cfg); err != nil {
		r.Status = doctor.Warn
		r.Detail += "; " + err.Error()
		if r.Fix == "" {
			r.Fix = "check the endpoint of setting " + SettingKey + " and that the LRS is running; statements wait in the outbox meanwhile"
		}
	}
	return r
}

func waiting(n int) string {
	switch n {
	case 0:
		return "; outbox empty"
	case 1:
		return "; 1 statement waits in the outbox"
	}
	return fmt.Sprintf("; %d statements wait in the outbox", n)
}

func fixFor(lastErr string) string {
	switch {
	case strings.Contains(lastErr, "credentials"):
		return "check the username and password of setting " + SettingKey
	case strings.Contains(lastErr, "refused statement"):
		return "the LRS rejects a statement as invalid; it is retried rarely and blocks nothing else"
	}
	return "statements wait in the outbox and are retried with backoff"
}

// probe asks the LRS's about resource, which answers without credentials.
func probe(ctx context.Context, client *http.Client, cfg Config) error {
	if client == nil {
		client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.Endpoint+"about", nil)
	if err != nil {
		return err
	}
	req.Header.Set("X-Experience-API-Version", Version)
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach the LRS: %v", unwrapURLError(err))
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the LRS answered HTTP %d to %sabout", resp.StatusCode, cfg.Endpoint)
	}
	return nil
}
