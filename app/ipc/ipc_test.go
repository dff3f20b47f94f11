package ipc

import (
	"reflect"
	"strings"
	"testing"
)

func TestMomentRoundTrip(t *testing.T) {
	for _, o := range []Outcome{Done, Later, Dismiss, NotForMe, Held} {
		m := MomentMsg{Moment: "before-meeting@2026-11-25T10:00:00Z", Outcome: o}
		got, err := ParseMoment(m.String())
		if err != nil || got != m {
			t.Errorf("%s: got %+v, %v", o, got, err)
		}
		if Verb(m.String()) != MomentVerb {
			t.Errorf("verb of %q", m.String())
		}
	}
}

func TestParseMomentErrors(t *testing.T) {
	tests := []struct{ name, line, want string }{
		{"empty", "", "want `moment ID OUTCOME`"},
		{"other verb", "open x done", "want `moment"},
		{"missing outcome", "moment x", "want `moment"},
		{"unknown outcome", "moment x maybe", `unknown outcome "maybe"`},
		{"extra field", "moment x done now", "want `moment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMoment(tt.line)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestOpenRoundTrip(t *testing.T) {
	m := OpenMsg{Args: []string{"lesson", "--lesson", "a b", "--why", `say "hi"`}}
	got, err := ParseOpen(m.String())
	if err != nil || !reflect.DeepEqual(got, m) {
		t.Fatalf("got %+v, %v", got, err)
	}
	for _, bad := range []string{"open", "open []", "open {}", `open ["x"`, "moment x done"} {
		if _, err := ParseOpen(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"moment a done", "moment a later", "open [\"lesson\"]", "open []", "", "moment"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if m, err := ParseMoment(s); err == nil {
			if again, err := ParseMoment(m.String()); err != nil || again != m {
				t.Fatalf("%q → %+v does not round-trip", s, m)
			}
		}
		if m, err := ParseOpen(s); err == nil {
			if len(m.Args) == 0 {
				t.Fatalf("%q: empty args accepted", s)
			}
			if again, err := ParseOpen(m.String()); err != nil || !reflect.DeepEqual(again, m) {
				t.Fatalf("%q → %+v does not round-trip", s, m)
			}
		}
	})
}
