package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/instance"
	"github.com/tidbit-learn/tidbit/app/ipc"
	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/app/settings"
)

// settingsCLI runs the CLI in this process on the data folder home, with
// HOME (and so the autostart folder) inside it.
func settingsCLI(t *testing.T, home string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	vars := map[string]string{"TIDBIT_HOME": home, "HOME": home}
	env := paths.Env{Getenv: func(k string) string { return vars[k] }, HomeDir: func() (string, error) { return home, nil }, GOOS: "linux"}
	code := Main(append([]string{"--data-dir", home}, args...), Deps{In: strings.NewReader(""), Out: &out, Err: &errb, Env: env,
		Now: time.Now, Loc: time.UTC, Version: "test"})
	return code, out.String(), errb.String()
}

func storedSettings(t *testing.T, home string) settings.Settings {
	t.Helper()
	s, err := settings.Load(context.Background(), openDB(t, home))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSettingsCommand(t *testing.T) {
	home := t.TempDir()
	entry := filepath.Join(home, ".config", "autostart", "tidbit.desktop")
	cwd, _ := os.Getwd()
	steps := []struct {
		name    string
		args    []string
		code    int
		out     []string // in stdout
		errs    []string // in stderr
		check   func(t *testing.T, s settings.Settings)
		autorun bool // the autostart entry exists after the step
	}{
		{"defaults", []string{"settings"}, 0,
			[]string{"max_per_day", "4", "(default)", "Pop-ups a day", "work_days", "mon, tue, wed, thu, fri", "calendars", "(none)",
				"start_at_login", "false", "tidbit settings set KEY=VALUE"}, nil, nil, false},
		{"set several", []string{"settings", "set", "max_per_day=6", "calendars=~/a.ics, caldav+https://me:pw@dav.example/", "quiet=12:00-13:00", "theme=dark"}, 0,
			[]string{"max_per_day = 6", "calendars = " + filepath.Join(home, "a.ics") + ", caldav+https://me:***@dav.example/", "theme = dark"}, nil,
			func(t *testing.T, s settings.Settings) {
				if s.MaxPerDay != 6 || len(s.Calendars) != 2 || s.Calendars[0] != filepath.Join(home, "a.ics") ||
					s.Calendars[1] != "caldav+https://me:pw@dav.example/" || s.Theme != "dark" || len(s.Quiet) != 1 {
					t.Fatalf("%+v", s)
				}
			}, false},
		{"a relative file is made absolute", []string{"settings", "set", "calendars=rel.ics"}, 0, []string{"calendars = " + filepath.Join(cwd, "rel.ics")}, nil, nil, false},
		{"the password is not shown", []string{"settings", "set", "calendars=caldav+https://me:pw@dav.example/"}, 0, nil, nil, nil, false},
		{"a bad value saves nothing", []string{"settings", "set", "weekly_goal=12", "max_per_day=lots"}, ExitUsage, nil,
			[]string{`max_per_day: "lots" is not a whole number`},
			func(t *testing.T, s settings.Settings) {
				if s.WeeklyGoal != 0 || s.MaxPerDay != 6 {
					t.Fatalf("saved part of a refused change: %+v", s)
				}
			}, false},
		{"an invalid whole saves nothing", []string{"settings", "set", "work_start=18:00", "work_end=08:00", "pause_after_s=120", "break_after_m=2"}, ExitUsage, nil,
			[]string{"nothing saved", "work_end: the end (08:00) must be after the start (18:00)", "break_after_m: 2 min must be longer than the pause (120 s)"},
			func(t *testing.T, s settings.Settings) {
				if s.WorkStart != "" || s.PauseAfterS != 0 {
					t.Fatalf("saved: %+v", s)
				}
			}, false},
		{"unknown key", []string{"settings", "set", "colour=red"}, ExitUsage, nil, []string{`unknown setting "colour"`}, nil, false},
		{"no equals", []string{"settings", "set", "theme"}, ExitUsage, nil, []string{`"theme": want KEY=VALUE`}, nil, false},
		{"set needs an argument", []string{"settings", "set"}, ExitUsage, nil, []string{"requires at least 1 arg"}, nil, false},
		{"remote model refused", []string{"settings", "set", "model_host=10.0.0.5"}, ExitUsage, nil, []string{"model_host: 10.0.0.5 is another computer"}, nil, false},
		{"remote model allowed", []string{"settings", "set", "model_host=10.0.0.5", "allow_remote=true"}, 0, []string{"allow_remote = true"}, nil, nil, false},
		{"start at login on", []string{"settings", "set", "start_at_login=on"}, 0, []string{"start_at_login = true"}, nil,
			func(t *testing.T, s settings.Settings) {
				if s.StartAtLogin == nil || !*s.StartAtLogin {
					t.Fatalf("%+v", s)
				}
			}, true},
		{"json", []string{"settings", "--json"}, 0, []string{`"max_per_day": 6`, `"start_at_login": true`, `"weekly_goal": 10`}, nil, nil, true},
		{"reset", []string{"settings", "reset", "max_per_day", "start_at_login"}, 0, []string{"max_per_day = 4", "start_at_login = false"}, nil,
			func(t *testing.T, s settings.Settings) {
				if s.MaxPerDay != 0 || s.StartAtLogin != nil {
					t.Fatalf("%+v", s)
				}
			}, false},
		{"reset unknown", []string{"settings", "reset", "colour"}, ExitUsage, nil, []string{`unknown setting "colour"`}, nil, false},
		{"onboarded turns login on", []string{"settings", "set", "onboarded=true"}, 0, nil, nil, nil, true},
		{"unknown subcommand", []string{"settings", "sett"}, ExitUsage, nil, []string{"unknown command"}, nil, true},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			code, out, errs := settingsCLI(t, home, st.args...)
			if code != st.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, st.code, out, errs)
			}
			for _, w := range st.out {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range st.errs {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
			if st.check != nil {
				st.check(t, storedSettings(t, home))
			}
			_, err := os.Stat(entry)
			if got := err == nil; got != st.autorun {
				t.Errorf("autostart entry there: %v, want %v", got, st.autorun)
			}
		})
	}
	if _, out, _ := settingsCLI(t, home, "settings"); strings.Contains(out, ":pw@") || !strings.Contains(out, "me:***@dav.example") {
		t.Errorf("settings shows the CalDAV password:\n%s", out)
	}
	// --json is every setting, typed.
	_, out, _ := settingsCLI(t, home, "settings", "--json")
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil || len(m) != len(settings.Fields) {
		t.Fatalf("--json: %v %d keys\n%s", err, len(m), out)
	}
	if b, _ := os.ReadFile(entry); !strings.Contains(string(b), "Exec=\"") {
		t.Fatalf("autostart entry:\n%s", b)
	}
}

// TestCommandsTellTheTray: commands that change what the running tray
// shows ask it to read again (`refresh` on tray.sock); others do not; no
// tray running is no error.
func TestCommandsTellTheTray(t *testing.T) {
	home := t.TempDir()
	if code, _, errb := settingsCLI(t, home, "settings", "set", "max_per_day=5"); code != 0 {
		t.Fatalf("without a tray: exit %d: %s", code, errb)
	}
	got := make(chan string, 4)
	srv, err := instance.Listen(ipc.TraySocket(home), func(line string) error { got <- line; return nil })
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, tc := range []struct {
		name    string
		args    []string
		refresh bool
	}{
		{"settings set", []string{"settings", "set", "max_per_day=6"}, true},
		{"settings reset", []string{"settings", "reset", "max_per_day"}, true},
		{"a refused setting", []string{"settings", "set", "max_per_day=lots"}, true},
		{"profile", []string{"profile", "--notes", "wants to present better"}, true},
		{"showing the settings", []string{"settings"}, false},
		{"stats", []string{"stats"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			settingsCLI(t, home, tc.args...)
			select {
			case line := <-got:
				if !tc.refresh || line != "refresh" {
					t.Fatalf("the tray got %q (want a refresh: %v)", line, tc.refresh)
				}
			case <-time.After(300 * time.Millisecond):
				if tc.refresh {
					t.Fatal("the tray was not told")
				}
			}
		})
	}
}
