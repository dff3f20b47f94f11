package presence

import (
	"testing"
	"time"
)

var hidCases = []struct {
	name    string
	in      string
	want    time.Duration
	wantErr bool
}{
	{"ioreg", "+-o IOHIDSystem  <class IOHIDSystem>\n  | {\n  |   \"HIDIdleTime\" = 1234567890\n  | }\n", 1234567890, false},
	{"missing", "+-o IOHIDSystem\n", 0, true},
	{"no equals", `"HIDIdleTime" 5`, 0, true},
	{"negative", `"HIDIdleTime" = -5`, 0, true},
	{"huge", `"HIDIdleTime" = 99999999999999999999999`, 0, true},
}

func TestParseHIDIdleTime(t *testing.T) {
	for _, tc := range hidCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseHIDIdleTime([]byte(tc.in))
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("ParseHIDIdleTime = %v, %v; want %v, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func FuzzParseHIDIdleTime(f *testing.F) {
	for _, tc := range hidCases {
		f.Add([]byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		d, err := ParseHIDIdleTime(in)
		if err == nil && d < 0 {
			t.Fatalf("negative idle %v", d)
		}
	})
}
