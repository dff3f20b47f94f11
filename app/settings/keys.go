package settings

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Field describes one setting by its JSON name: what `tidbit settings`
// prints and takes, and what the Settings window labels.
type Field struct {
	Key   string // the JSON name, e.g. "max_per_day"
	Label string // a short name for people
	Help  string
	// Min and Max bound a number typed by the user (Set); zero is never
	// typed because it means "the default": `reset` restores that.
	Min, Max int
}

// Fields lists every setting in the order `tidbit settings` prints them.
var Fields = []Field{
	{Key: "calendars", Label: "Calendars", Help: ".ics paths, https:// or webcal:// subscriptions, caldav+https:// accounts; comma-separated"},
	{Key: "addresses", Label: "Your addresses", Help: "your e-mail addresses: events you declined do not block time"},
	{Key: "all_day_busy", Label: "All-day events block time", Help: "true: holidays and all-day markers count as busy"},
	{Key: "work_start", Label: "Working hours start", Help: "HH:MM"},
	{Key: "work_end", Label: "Working hours end", Help: "HH:MM, after the start (24:00 for midnight)"},
	{Key: "work_days", Label: "Working days", Help: "mon,tue,wed,thu,fri,sat,sun"},
	{Key: "quiet", Label: "Quiet hours", Help: "no pop-ups in these ranges, e.g. 12:00-13:00"},
	{Key: "max_per_day", Label: "Pop-ups a day", Help: "at most this many a day; also today's goal", Min: 1, Max: 50},
	{Key: "max_minutes", Label: "Minutes a day", Help: "at most this many minutes of pop-ups a day", Min: 1, Max: 240},
	{Key: "spacing_min", Label: "Minutes between pop-ups", Help: "at least this long between two pop-ups", Min: 1, Max: 480},
	{Key: "pause_after_s", Label: "Pause after (seconds)", Help: "idle this long is a natural pause for a pop-up (45-120)", Min: 45, Max: 120},
	{Key: "break_after_m", Label: "Break after (minutes)", Help: "away this long is a break: no pop-up is waiting when you return", Min: 1, Max: 240},
	{Key: "weekly_goal", Label: "Weekly goal", Help: "items a week", Min: 1, Max: 500},
	{Key: "popup_hide_min", Label: "Pop-up hides after (minutes)", Help: "an untouched pop-up hides and its item waits", Min: 1, Max: 60},
	{Key: "no_idle_moments", Label: "No pop-ups on idle alone", Help: "true: pop-ups only around calendar events"},
	{Key: "notify_offers", Label: "Offer as notifications", Help: "true: offers are desktop notifications with Start and Later instead of a pop-up window"},
	{Key: "model_host", Label: "Model server", Help: "host:port or URL of an Ollama server; empty: $OLLAMA_HOST, else 127.0.0.1:11434"},
	{Key: "model", Label: "Model", Help: "the model to use; empty: the default"},
	{Key: "allow_remote", Label: "Allow a remote model server", Help: "true sends lesson text and answers to a model server on another computer"},
	{Key: "no_ai", Label: "Never use the model", Help: "true: authored questions only, nothing is sent to a model"},
	{Key: "ai_lessons", Label: "Write new micro-lessons for gaps (AI)", Help: "opt-in: the model drafts lessons for skills the library does not cover"},
	{Key: "debug_log", Label: "Local debug log", Help: "true: prompts and model answers are logged to a file on this computer"},
	{Key: "start_at_login", Label: "Start at login", Help: "empty: on once onboarding is done"},
	{Key: "theme", Label: "Theme", Help: "system, light or dark"},
	{Key: "onboarded", Label: "Onboarding done", Help: "true once the welcome steps were finished or skipped"},
	{Key: "no_tray_notice_shown", Label: "No-tray notice shown", Help: "true once the \"no tray\" window was shown"},
}

// fieldIndex maps a JSON name to the struct field's index.
var fieldIndex = func() map[string]int {
	m := map[string]int{}
	t := reflect.TypeOf(Settings{})
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			m[name] = i
		}
	}
	return m
}()

// Lookup returns the field with the JSON name key.
func Lookup(key string) (Field, bool) {
	for _, f := range Fields {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

// ErrUnknownKey is wrapped by Set, Get and Reset for a name that is no setting.
var ErrUnknownKey = errors.New("unknown setting")

func (s *Settings) field(key string) (reflect.Value, Field, error) {
	f, ok := Lookup(key)
	i, ok2 := fieldIndex[key]
	if !ok || !ok2 {
		return reflect.Value{}, Field{}, fmt.Errorf("%w %q", ErrUnknownKey, key)
	}
	return reflect.ValueOf(s).Elem().Field(i), f, nil
}

// Get is the stored text of key: "" for a field left at its default, lists
// comma-separated (one a line when an item holds a comma), switches true or
// false. Set reads it back to the same value.
func (s Settings) Get(key string) (string, error) {
	v, _, err := s.field(key)
	if err != nil {
		return "", err
	}
	return text(v), nil
}

// Effective is the text of key as it acts: defaults filled in, and
// start_at_login as StartsAtLogin decides. model_host and model stay ""
// when unset (the model server's own default applies).
func (s Settings) Effective(key string) (string, error) {
	if key == "start_at_login" {
		if _, ok := Lookup(key); ok {
			return strconv.FormatBool(s.StartsAtLogin()), nil
		}
	}
	return s.Filled().Get(key)
}

func text(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Slice:
		items := v.Interface().([]string)
		sep := ","
		for _, it := range items {
			if strings.Contains(it, ",") {
				sep = "\n" // as SplitList reads it back
			}
		}
		return strings.Join(items, sep)
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Pointer:
		if v.IsNil() {
			return ""
		}
		return strconv.FormatBool(v.Elem().Bool())
	case reflect.Int:
		if v.Int() == 0 {
			return ""
		}
		return strconv.FormatInt(v.Int(), 10)
	default:
		return v.String()
	}
}

// ParseBool reads a switch: true/false, on/off, yes/no, 1/0.
func ParseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "on", "yes", "1":
		return true, nil
	case "false", "off", "no", "0":
		return false, nil
	}
	return false, fmt.Errorf("%q: want true or false", v)
}

// SplitList reads a list: comma-separated on one line, or one item a line
// when v holds a newline (a calendar URL may hold a comma). Blank items
// are dropped.
func SplitList(v string) []string {
	sep := ","
	if strings.Contains(v, "\n") {
		sep = "\n"
	}
	var out []string
	for _, p := range strings.Split(v, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Set parses value into key as typed by a person. It checks the value's
// form (a number in the field's range, a switch, a list), not how it fits
// the other settings: Validate does that. A number field set to "" is
// left at its default.
func (s *Settings) Set(key, value string) error {
	v, f, err := s.field(key)
	if err != nil {
		return err
	}
	if !utf8.ValidString(value) {
		return fmt.Errorf("%s: not valid UTF-8 text", key)
	}
	value = strings.TrimSpace(value)
	switch v.Kind() {
	case reflect.Slice:
		v.Set(reflect.ValueOf(SplitList(value)))
	case reflect.Bool:
		b, err := ParseBool(value)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		v.SetBool(b)
	case reflect.Pointer:
		if value == "" {
			v.SetZero()
			return nil
		}
		b, err := ParseBool(value)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		v.Set(reflect.ValueOf(&b))
	case reflect.Int:
		if value == "" {
			v.SetInt(0)
			return nil
		}
		n, err := strconv.Atoi(value)
		if err != nil {
			return fmt.Errorf("%s: %q is not a whole number", key, value)
		}
		if n < f.Min || n > f.Max {
			return fmt.Errorf("%s: %d is out of range: want %d-%d", key, n, f.Min, f.Max)
		}
		v.SetInt(int64(n))
	default:
		if key == "theme" {
			value = strings.ToLower(value)
		}
		v.SetString(value)
	}
	return nil
}

// Reset puts key back to its default.
func (s *Settings) Reset(key string) error {
	v, _, err := s.field(key)
	if err != nil {
		return err
	}
	v.SetZero()
	return nil
}

// ParseAssignment splits one KEY=VALUE argument and checks that KEY is a
// setting. VALUE may be empty (a list or number back to its default) and
// may itself hold "=".
func ParseAssignment(arg string) (key, value string, err error) {
	k, v, ok := strings.Cut(arg, "=")
	k = strings.TrimSpace(k)
	if !ok {
		return "", "", fmt.Errorf("%q: want KEY=VALUE", arg)
	}
	if k == "" {
		return "", "", fmt.Errorf("%q: the key before = is missing", arg)
	}
	if _, ok := Lookup(k); !ok {
		return "", "", fmt.Errorf("%w %q (run `tidbit settings` for the names)", ErrUnknownKey, k)
	}
	return k, v, nil
}

// EffectiveValues are the settings as they act, by JSON name and typed
// (lists, numbers, switches): what `tidbit settings --json` prints. Unset
// model_host and model are "" (the model server's defaults apply).
func (s Settings) EffectiveValues() map[string]any {
	f := s.Filled()
	v := reflect.ValueOf(f)
	out := make(map[string]any, len(Fields))
	for _, fd := range Fields {
		x := v.Field(fieldIndex[fd.Key])
		switch {
		case fd.Key == "start_at_login":
			out[fd.Key] = s.StartsAtLogin()
		case x.Kind() == reflect.Slice && x.IsNil():
			out[fd.Key] = []string{}
		default:
			out[fd.Key] = x.Interface()
		}
	}
	return out
}
