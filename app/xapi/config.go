package xapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"

	"github.com/tidbit-learn/tidbit/app/store"
)

// SettingKey is the store setting that holds the LRS configuration. The
// database file is created with permissions 0600, which is what keeps the
// password private; nothing else stores it.
const SettingKey = "xapi.lrs"

// DefaultIRIBase is the default base of activity ids. The ids only name
// lessons, questions and skills; nothing is ever fetched from them.
const DefaultIRIBase = "https://tidbit.app/xapi/"

// DefaultPassThreshold is the share of right answers that passes a quiz.
const DefaultPassThreshold = 0.8

// Config is the learner's (or employer's) LRS: where to send, as whom, and
// how to name things. Endpoint, Username, Password and one actor identity
// (ActorMbox, or AccountHomePage and AccountName) are required.
type Config struct {
	// Endpoint is the LRS's xAPI base, e.g. https://lrs.example.com/data/xAPI/;
	// statements go to Endpoint + "statements". Only https, or plain http to
	// a loopback address, is accepted: credentials never cross a network in
	// clear text.
	Endpoint string `json:"endpoint"`
	Username string `json:"username"`
	Password string `json:"password"`

	ActorName       string `json:"actor_name,omitempty"`
	ActorMbox       string `json:"actor_mbox,omitempty"` // mailto: is added when missing
	AccountHomePage string `json:"account_home_page,omitempty"`
	AccountName     string `json:"account_name,omitempty"`

	IRIBase       string  `json:"iri_base,omitempty"`       // default DefaultIRIBase
	Language      string  `json:"language,omitempty"`       // of lesson texts; default "en"
	PassThreshold float64 `json:"pass_threshold,omitempty"` // default DefaultPassThreshold
}

// String describes the configuration without the password.
func (c Config) String() string {
	pw := ""
	if c.Password != "" {
		pw = "***"
	}
	return fmt.Sprintf("xapi.Config{Endpoint:%q Username:%q Password:%q Actor:%q}", c.Endpoint, c.Username, pw, actorKey(c.actor()))
}

// GoString keeps %#v from printing the password.
func (c Config) GoString() string { return c.String() }

// LogValue keeps slog from printing the password.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// normalized fills the defaults.
func (c Config) normalized() Config {
	c.Endpoint = strings.TrimSpace(c.Endpoint)
	if c.Endpoint != "" && !strings.HasSuffix(c.Endpoint, "/") {
		c.Endpoint += "/"
	}
	if c.ActorMbox != "" && !strings.HasPrefix(c.ActorMbox, "mailto:") {
		c.ActorMbox = "mailto:" + c.ActorMbox
	}
	if c.IRIBase == "" {
		c.IRIBase = DefaultIRIBase
	}
	if !strings.HasSuffix(c.IRIBase, "/") {
		c.IRIBase += "/"
	}
	if c.Language == "" {
		c.Language = "en"
	}
	if c.PassThreshold == 0 {
		c.PassThreshold = DefaultPassThreshold
	}
	return c
}

func (c Config) actor() Agent {
	a := Agent{ObjectType: "Agent", Name: c.ActorName, Mbox: c.ActorMbox}
	if a.Mbox == "" && c.AccountHomePage != "" {
		a.Account = &Account{HomePage: c.AccountHomePage, Name: c.AccountName}
	}
	return a
}

// Validate checks the configuration as Load would use it.
func (c Config) Validate() error {
	c = c.normalized()
	var probs []string
	if _, err := CheckEndpoint(c.Endpoint); err != nil {
		probs = append(probs, err.Error())
	}
	if c.Username == "" || c.Password == "" {
		probs = append(probs, "username and password are required")
	}
	switch {
	case c.ActorMbox != "":
		if !strings.Contains(c.ActorMbox, "@") || strings.ContainsAny(c.ActorMbox, " \t\r\n") {
			probs = append(probs, fmt.Sprintf("actor_mbox %q is not an e-mail address", c.ActorMbox))
		}
	case c.AccountHomePage != "" || c.AccountName != "":
		if u, err := url.Parse(c.AccountHomePage); err != nil || !u.IsAbs() || c.AccountName == "" {
			probs = append(probs, "an account needs account_home_page (an absolute URL) and account_name")
		}
	default:
		probs = append(probs, "the learner needs an identity: actor_mbox, or account_home_page and account_name")
	}
	if u, err := url.Parse(c.IRIBase); err != nil || !u.IsAbs() {
		probs = append(probs, fmt.Sprintf("iri_base %q is not an absolute IRI", c.IRIBase))
	}
	if c.PassThreshold <= 0 || c.PassThreshold > 1 {
		probs = append(probs, fmt.Sprintf("pass_threshold %v is not in (0, 1]", c.PassThreshold))
	}
	if len(probs) > 0 {
		return fmt.Errorf("setting %s: %s", SettingKey, strings.Join(probs, "; "))
	}
	return nil
}

// CheckEndpoint parses an LRS endpoint and refuses what would leak the
// credentials: plain http to anything but a loopback address, and
// credentials or a query in the URL.
func CheckEndpoint(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("the LRS endpoint is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("the LRS endpoint %q is not a URL: %w", raw, err)
	}
	if u.User != nil {
		return nil, errors.New("the LRS endpoint contains credentials: put them in username and password instead")
	}
	if u.Host == "" {
		return nil, fmt.Errorf("the LRS endpoint %q has no host", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("the LRS endpoint %q must not have a query or fragment", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("refusing plain http to %s: the LRS password would cross the network unencrypted; use https (plain http only to 127.0.0.1, ::1 or localhost)", u.Host)
		}
	default:
		return nil, fmt.Errorf("the LRS endpoint %q must use https", raw)
	}
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Load reads the configuration; ok is false when none is set (then nothing
// is recorded or sent). A configuration that is set but invalid is an
// error naming the problem.
func Load(ctx context.Context, st *store.Store) (cfg Config, ok bool, err error) {
	set, err := st.Setting(ctx, SettingKey, &cfg)
	if err != nil {
		return Config{}, set, fmt.Errorf("reading the LRS settings: %w", err)
	}
	if !set || cfg == (Config{}) {
		return Config{}, false, nil
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, true, err
	}
	return cfg.normalized(), true, nil
}

// Save validates and stores the configuration.
func Save(ctx context.Context, st *store.Store, cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	return st.SetSetting(ctx, SettingKey, cfg)
}

// Disable removes the configuration: nothing more is recorded or sent.
// Statements already in the outbox stay there.
func Disable(ctx context.Context, st *store.Store) error {
	return st.SetSetting(ctx, SettingKey, Config{})
}
