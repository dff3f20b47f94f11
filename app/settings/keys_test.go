package settings

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestEveryJSONFieldIsDescribed(t *testing.T) {
	if len(Fields) != len(fieldIndex) {
		t.Fatalf("%d fields described, %d in the struct", len(Fields), len(fieldIndex))
	}
	for _, f := range Fields {
		if _, ok := fieldIndex[f.Key]; !ok || f.Label == "" || f.Help == "" {
			t.Errorf("field %+v: not in Settings or undocumented", f)
		}
		if i := fieldIndex[f.Key]; reflect.TypeOf(Settings{}).Field(i).Type.Kind() == reflect.Int && f.Min < 1 {
			t.Errorf("%s: a number needs a range starting at 1 or more (0 means the default)", f.Key)
		}
	}
	for _, k := range FormKeys {
		if _, ok := Lookup(k); !ok {
			t.Errorf("form key %q is no setting", k)
		}
	}
}

// assignments are KEY=VALUE arguments with what they should do; they seed
// FuzzSetting.
var assignments = []struct {
	name, arg string
	want      string // the stored text after Set, or the error it must mention
	ok        bool
}{
	{"list", "calendars=work.ics, https://example.com/a.ics", "work.ics,https://example.com/a.ics", true},
	{"list one a line", "calendars=a.ics\nhttps://x/?a=1,2", "a.ics\nhttps://x/?a=1,2", true},
	{"empty list", "addresses=", "", true},
	{"switch on", "all_day_busy=on", "true", true},
	{"switch no", "no_ai=No", "false", true},
	{"bad switch", "no_ai=maybe", `no_ai: "maybe": want true or false`, false},
	{"optional switch", "start_at_login=false", "false", true},
	{"optional switch back to default", "start_at_login=", "", true},
	{"number", "max_per_day= 6 ", "6", true},
	{"number empty is default", "weekly_goal=", "", true},
	{"number too big", "max_per_day=500", "max_per_day: 500 is out of range: want 1-50", false},
	{"zero refused", "spacing_min=0", "want 1-480", false},
	{"not a number", "pause_after_s=1m", `pause_after_s: "1m" is not a whole number`, false},
	{"text", "work_start=08:30", "08:30", true},
	{"value with equals", "model_host=http://h:1/?a=b", "http://h:1/?a=b", true},
	{"theme lower-cased", "theme=Dark", "dark", true},
	{"unknown key", "colour=red", `unknown setting "colour"`, false},
	{"no equals", "theme", `"theme": want KEY=VALUE`, false},
	{"no key", "=dark", "the key before = is missing", false},
	{"bad utf-8", "model=\xff", "not valid UTF-8", false},
}

func TestSetGetReset(t *testing.T) {
	for _, tc := range assignments {
		t.Run(tc.name, func(t *testing.T) {
			var s Settings
			k, v, err := ParseAssignment(tc.arg)
			if err == nil {
				err = s.Set(k, v)
			}
			if !tc.ok {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("error %v, want %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := s.Get(k); got != tc.want {
				t.Fatalf("stored %q, want %q", got, tc.want)
			}
			if err := s.Reset(k); err != nil {
				t.Fatal(err)
			}
			if b, _ := json.Marshal(s); string(b) != "{}" {
				t.Fatalf("after reset: %s", b)
			}
		})
	}
	var s Settings
	if err := s.Reset("nope"); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("reset of an unknown key: %v", err)
	}
}

func TestEffective(t *testing.T) {
	on := true
	cases := []struct {
		name string
		s    Settings
		key  string
		want string
	}{
		{"default number", Settings{}, "max_per_day", "4"},
		{"default days", Settings{}, "work_days", "mon,tue,wed,thu,fri"},
		{"default theme", Settings{}, "theme", "system"},
		{"login before onboarding", Settings{}, "start_at_login", "false"},
		{"login after onboarding", Settings{Onboarded: true}, "start_at_login", "true"},
		{"login set", Settings{StartAtLogin: &on}, "start_at_login", "true"},
		{"host unset", Settings{}, "model_host", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := tc.s.Effective(tc.key); err != nil || got != tc.want {
				t.Fatalf("%q %v, want %q", got, err, tc.want)
			}
		})
	}
}

func TestProblemsByField(t *testing.T) {
	cases := []struct {
		name string
		s    Settings
		want map[string]string // key: part of its message
	}{
		{"valid", Settings{}, nil},
		{"bad start", Settings{WorkStart: "9am"}, map[string]string{"work_start": `"9am" is not a time of day`}},
		{"end before start", Settings{WorkStart: "18:00", WorkEnd: "09:00"}, map[string]string{"work_end": "must be after the start"}},
		{"bad day and quiet", Settings{WorkDays: []string{"monday"}, Quiet: []string{"noon"}},
			map[string]string{"work_days": `"monday" is not a day`, "quiet": `time range "noon"`}},
		{"pause", Settings{PauseAfterS: 10}, map[string]string{"pause_after_s": "want 45-120"}},
		{"break not after pause", Settings{PauseAfterS: 120, BreakAfterM: 2}, map[string]string{"break_after_m": "longer than the pause"}},
		{"negative", Settings{MaxPerDay: -1, WeeklyGoal: -2}, map[string]string{"max_per_day": "negative", "weekly_goal": "negative"}},
		{"hide", Settings{PopupHideMin: 61}, map[string]string{"popup_hide_min": "want 1-60"}},
		{"theme", Settings{Theme: "pink"}, map[string]string{"theme": `"pink"`}},
		{"empty calendar", Settings{Calendars: []string{" "}}, map[string]string{"calendars": "empty source"}},
		{"remote host refused", Settings{ModelHost: "10.1.2.3:11434"}, map[string]string{"model_host": "allow a remote model server"}},
		{"remote host allowed", Settings{ModelHost: "10.1.2.3:11434", AllowRemote: true}, nil},
		{"local host", Settings{ModelHost: "localhost"}, nil},
		{"bad host", Settings{ModelHost: "http://"}, map[string]string{"model_host": "not a host:port or URL"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ps := tc.s.Problems()
			if (len(ps) == 0) != (tc.s.Validate() == nil) {
				t.Fatalf("Problems %v disagree with Validate %v", ps, tc.s.Validate())
			}
			got := ByKey(ps)
			if len(got) != len(tc.want) {
				t.Fatalf("problems %v, want keys of %v", ps, tc.want)
			}
			for k, part := range tc.want {
				if len(got[k]) == 0 || !strings.Contains(strings.Join(got[k], "; "), part) {
					t.Errorf("%s: %v, want %q", k, got[k], part)
				}
			}
		})
	}
}

func TestForm(t *testing.T) {
	cases := []struct {
		name  string
		base  Settings
		edit  map[string]string
		check func(t *testing.T, s Settings)
		probs map[string]string
	}{
		{"untouched defaults stay defaults", Settings{}, nil, func(t *testing.T, s Settings) {
			if b, _ := json.Marshal(s); string(b) != "{}" {
				t.Fatalf("saved %s", b)
			}
		}, nil},
		{"bookkeeping kept", Settings{Onboarded: true, NoTrayNoticeShown: true}, map[string]string{"max_per_day": "6"}, func(t *testing.T, s Settings) {
			if !s.Onboarded || !s.NoTrayNoticeShown || s.MaxPerDay != 6 || s.StartAtLogin != nil {
				t.Fatalf("%+v", s)
			}
		}, nil},
		{"login turned off", Settings{Onboarded: true}, map[string]string{"start_at_login": "false"}, func(t *testing.T, s Settings) {
			if s.StartAtLogin == nil || *s.StartAtLogin || s.StartsAtLogin() {
				t.Fatalf("%+v", s)
			}
		}, nil},
		{"lists", Settings{}, map[string]string{"calendars": "a.ics\nhttps://x/c?a,b", "quiet": "12:00-13:00, 17:00-17:30", "work_days": "mon, tue"},
			func(t *testing.T, s Settings) {
				if len(s.Calendars) != 2 || s.Calendars[1] != "https://x/c?a,b" || len(s.Quiet) != 2 || len(s.WorkDays) != 2 {
					t.Fatalf("%+v", s)
				}
			}, nil},
		{"every problem at once", Settings{}, map[string]string{"max_per_day": "lots", "work_start": "9", "theme": "pink", "pause_after_s": "200"}, nil,
			map[string]string{"max_per_day": "not a whole number", "work_start": "not a time of day", "theme": "pink", "pause_after_s": "want 45-120"}},
		{"no working day", Settings{}, map[string]string{"work_days": ""}, nil, map[string]string{"work_days": "at least one"}},
		{"typing and cross-field", Settings{}, map[string]string{"work_start": "18:00", "work_end": "08:00", "break_after_m": "x"}, nil,
			map[string]string{"work_end": "after the start", "break_after_m": "not a whole number"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := NewForm(tc.base)
			for k, v := range tc.edit {
				f.Text[k] = v
			}
			s, ps := f.Settings()
			got := ByKey(ps)
			if len(got) != len(tc.probs) {
				t.Fatalf("problems %v, want %v", ps, tc.probs)
			}
			for k, part := range tc.probs {
				if !strings.Contains(strings.Join(got[k], "; "), part) {
					t.Errorf("%s: %v, want %q", k, got[k], part)
				}
			}
			if tc.check != nil {
				tc.check(t, s)
			}
		})
	}
}

func TestNewFormShowsEffectiveValues(t *testing.T) {
	f := NewForm(Settings{Calendars: []string{"a.ics", "b.ics"}, Quiet: []string{"12:00-13:00", "17:00-18:00"}})
	want := map[string]string{"calendars": "a.ics\nb.ics", "quiet": "12:00-13:00, 17:00-18:00", "work_days": "mon, tue, wed, thu, fri",
		"max_per_day": "4", "theme": "system", "start_at_login": "false", "model_host": ""}
	for k, v := range want {
		if f.Text[k] != v {
			t.Errorf("%s = %q, want %q", k, f.Text[k], v)
		}
	}
}

// FuzzSetting: a KEY=VALUE argument never panics, an accepted value reads
// back as it stores, and Problems agrees with Validate on the result.
func FuzzSetting(f *testing.F) {
	for _, tc := range assignments {
		f.Add(tc.arg)
	}
	f.Add("work_start=18:00")
	f.Add("break_after_m=1")
	f.Fuzz(func(t *testing.T, arg string) {
		k, v, err := ParseAssignment(arg)
		if err != nil {
			return
		}
		var s Settings
		if err := s.Set(k, v); err != nil {
			if !strings.Contains(err.Error(), k) {
				t.Fatalf("error %q does not name the key %q", err, k)
			}
			return
		}
		got, err := s.Get(k)
		if err != nil {
			t.Fatal(err)
		}
		var again Settings
		if err := again.Set(k, got); err != nil {
			t.Fatalf("stored text %q does not read back: %v", got, err)
		}
		if g2, _ := again.Get(k); g2 != got {
			t.Fatalf("round trip %q -> %q", got, g2)
		}
		if (len(s.Problems()) == 0) != (s.Validate() == nil) {
			t.Fatalf("Problems %v disagree with Validate %v", s.Problems(), s.Validate())
		}
	})
}

func TestEffectiveValues(t *testing.T) {
	v := Settings{Onboarded: true, MaxPerDay: 7}.EffectiveValues()
	if len(v) != len(Fields) || v["max_per_day"] != 7 || v["weekly_goal"] != 10 || v["start_at_login"] != true ||
		len(v["calendars"].([]string)) != 0 || v["theme"] != "system" || len(v["work_days"].([]string)) != 5 {
		t.Fatalf("%v", v)
	}
	if b, err := json.Marshal(v); err != nil || !strings.Contains(string(b), `"calendars":[]`) {
		t.Fatalf("%s %v", b, err)
	}
}

func TestCalendarSources(t *testing.T) {
	cases := []struct {
		name, in, want, shown string
	}{
		{"home", "~/cal/work.ics", "/home/u/cal/work.ics", "/home/u/cal/work.ics"},
		{"relative", "work.ics", "/cwd/work.ics", "/cwd/work.ics"},
		{"absolute", "/data/a.ics", "/data/a.ics", "/data/a.ics"},
		{"url", "https://example.com/a.ics?k=1", "https://example.com/a.ics?k=1", "https://example.com/a.ics?k=1"},
		{"password hidden", "caldav+https://me:s3cret@dav.example/", "caldav+https://me:s3cret@dav.example/", "caldav+https://me:***@dav.example/"},
		{"user only", "caldav+https://me@dav.example/", "caldav+https://me@dav.example/", "caldav+https://me@dav.example/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := CalendarSource(tc.in, "/home/u", "/cwd")
			if got != tc.want {
				t.Fatalf("source %q, want %q", got, tc.want)
			}
			if s := ShowSource(got); s != tc.shown {
				t.Fatalf("shown %q, want %q", s, tc.shown)
			}
			if IsRelativeFile(got) {
				t.Fatalf("tidied source %q is still relative", got)
			}
		})
	}
	for src, want := range map[string]bool{"work.ics": true, "~/work.ics": true, "/a/work.ics": false, "https://x/a.ics": false, " ": false} {
		if IsRelativeFile(src) != want {
			t.Errorf("IsRelativeFile(%q) = %v", src, !want)
		}
	}
}
