package kt

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func seq(line int, skills string, correct string) Sequence {
	s := Sequence{Line: line}
	if skills == "" {
		return s
	}
	ks := strings.Split(skills, ",")
	for i, k := range ks {
		s.Answers = append(s.Answers, Answer{Skill: k, Correct: correct[i] == '1'})
	}
	return s
}

type readCase struct {
	name    string
	in      string
	opt     ReadOptions
	want    []Sequence
	dropped int
	errLine int    // >0: an error is expected at this line
	errHas  string // and its message contains this
}

var readCases = []readCase{
	{name: "two students", in: "3\n1,2,1\n1,0,1\n2\n5,5\n0,0\n",
		want: []Sequence{seq(1, "1,2,1", "101"), seq(4, "5,5", "00")}},
	{name: "no trailing newline", in: "1\n7\n1",
		want: []Sequence{seq(1, "7", "1")}},
	{name: "CRLF, spaces, trailing commas, blank separators", in: "\r\n2\r\n 3 , 4,\r\n1, 0,\r\n\r\n\r\n1\r\n9\r\n0\r\n\r\n",
		want: []Sequence{seq(2, "3,4", "10"), seq(7, "9", "0")}},
	{name: "integral floats from pandas", in: "2\n12.0,3\n1.0,0.0\n",
		want: []Sequence{seq(1, "12,3", "10")}},
	{name: "leading zeros are canonicalised", in: "1\n007\n1\n",
		want: []Sequence{seq(1, "7", "1")}},
	{name: "missing skills dropped by default", in: "4\n-1,3,,nan\n1,0,1,1\n1\n-1\n0\n",
		want: []Sequence{seq(1, "3", "0")}, dropped: 4},
	{name: "missing skills kept", in: "3\n-1,3,\n1,0,1\n", opt: ReadOptions{Missing: KeepMissing},
		want: []Sequence{seq(1, "-1,3,-1", "101")}},
	{name: "missing skill rejected", in: "1\n4\n1\n2\n3,-1\n1,1\n", opt: ReadOptions{Missing: RejectMissing},
		errLine: 5, errHas: `value 2: missing skill id "-1"`},
	{name: "empty file", in: "", want: nil},
	{name: "zero count", in: "0\n\n\n1\n2\n1\n", want: []Sequence{seq(4, "2", "1")}},
	{name: "count disagrees with skills", in: "1\n1,2\n1\n", errLine: 2, errHas: "count line 1 says 1 answers but the skills line has 2"},
	{name: "count disagrees with answers", in: "2\n1,2\n1\n", errLine: 3, errHas: "correctness line has 1"},
	{name: "non-numeric count", in: "two\n1,2\n1,1\n", errLine: 1, errHas: `answer count "two"`},
	{name: "negative count", in: "-2\n1,2\n1,1\n", errLine: 1, errHas: "non-negative"},
	{name: "non-numeric skill", in: "1\n2\n1\n2\nfractions,3\n1,1\n", errLine: 5, errHas: `value 1: skill id "fractions" is not an integer`},
	{name: "fractional skill", in: "1\n2.5\n1\n", errLine: 2, errHas: "not an integer"},
	{name: "bad correctness", in: "2\n1,2\n1,2\n", errLine: 3, errHas: `value 2: correctness "2" is not 0 or 1`},
	{name: "file ends after count", in: "1\n2\n1\n3\n", errLine: 4, errHas: "not followed by a skills line"},
	{name: "file ends after skills", in: "2\n1,2\n", errLine: 2, errHas: "not followed by a correctness line"},
	{name: "line too long", in: "1\n" + strings.Repeat("1", 100) + "\n1\n", opt: ReadOptions{MaxLineBytes: 50},
		errLine: 2, errHas: "longer than 50 bytes"},
}

func TestRead(t *testing.T) {
	for _, tc := range readCases {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := Read(strings.NewReader(tc.in), "data.txt", tc.opt)
			if tc.errLine > 0 {
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("got %v, want a *ParseError", err)
				}
				if pe.File != "data.txt" || pe.Line != tc.errLine || !strings.Contains(pe.Msg, tc.errHas) {
					t.Fatalf("got %q, want data.txt:%d containing %q", err, tc.errLine, tc.errHas)
				}
				if !strings.HasPrefix(err.Error(), "data.txt:") {
					t.Errorf("error %q does not start with file:line", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !reflect.DeepEqual(ds.Sequences, tc.want) {
				t.Errorf("sequences\n got %+v\nwant %+v", ds.Sequences, tc.want)
			}
			if ds.DroppedMissing != tc.dropped {
				t.Errorf("dropped %d, want %d", ds.DroppedMissing, tc.dropped)
			}
			n := 0
			for _, s := range tc.want {
				n += len(s.Answers)
			}
			if ds.Answers != n || ds.Name != "data.txt" {
				t.Errorf("answers %d name %q, want %d data.txt", ds.Answers, ds.Name, n)
			}
		})
	}
}

func TestParseMissingSkill(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want MissingSkill
		err  bool
	}{{"drop", DropMissing, false}, {"", DropMissing, false}, {"KEEP", KeepMissing, false}, {"error", RejectMissing, false}, {"ignore", 0, true}} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseMissingSkill(tc.in)
			if (err != nil) != tc.err || got != tc.want {
				t.Fatalf("ParseMissingSkill(%q) = %v, %v", tc.in, got, err)
			}
		})
	}
}

func TestReadFileErrorsNameThePath(t *testing.T) {
	_, err := ReadFile(filepath.Join(t.TempDir(), "absent.txt"), ReadOptions{})
	if err == nil || !strings.Contains(err.Error(), "absent.txt") {
		t.Fatalf("got %v, want an error naming absent.txt", err)
	}
	path := filepath.Join(t.TempDir(), "bad.txt")
	if err := os.WriteFile(path, []byte("1\nx\n1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(path, ReadOptions{}); err == nil || !strings.HasPrefix(err.Error(), path+":2:") {
		t.Fatalf("got %v, want prefix %s:2:", err, path)
	}
}

// TestGoldenVariants reads a file mixing the tolerated variants and checks
// that writing it back gives the canonical form in the golden file.
func TestGoldenVariants(t *testing.T) {
	ds, err := ReadFile(filepath.Join("testdata", "variants.txt"), ReadOptions{Missing: KeepMissing})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, ds.Sequences); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "variants.golden")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("canonical form differs from %s:\n%s", golden, buf.String())
	}
}

func TestWriteRejectsUnwritableSkill(t *testing.T) {
	for _, skill := range []string{"", "a,b", "a\nb"} {
		t.Run(skill, func(t *testing.T) {
			err := Write(&bytes.Buffer{}, []Sequence{{Answers: []Answer{{Skill: skill}}}})
			if err == nil || !strings.Contains(err.Error(), "sequence 1 answer 1") {
				t.Fatalf("got %v, want an error locating the answer", err)
			}
		})
	}
}

// FuzzRead checks that no input panics and that whatever parses survives a
// write/read round trip unchanged.
func FuzzRead(f *testing.F) {
	for _, tc := range readCases {
		f.Add(tc.in, int(tc.opt.Missing))
	}
	f.Fuzz(func(t *testing.T, in string, missing int) {
		opt := ReadOptions{Missing: MissingSkill(missing & 3), MaxLineBytes: 1 << 16}
		ds, err := Read(strings.NewReader(in), "fuzz.txt", opt)
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) && (pe.Line < 1 || pe.File != "fuzz.txt") {
				t.Fatalf("bad location in %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, ds.Sequences); err != nil {
			t.Fatalf("cannot write what was read: %v", err)
		}
		// Only KeepMissing can write the missing marker; anything else must
		// read back under the strictest policy.
		reOpt := ReadOptions{Missing: RejectMissing}
		if opt.Missing == KeepMissing {
			reOpt.Missing = KeepMissing
		}
		again, err := Read(&buf, "again.txt", reOpt)
		if err != nil {
			t.Fatalf("cannot read what was written: %v\n%s", err, buf.String())
		}
		if len(again.Sequences) != len(ds.Sequences) || again.Answers != ds.Answers {
			t.Fatalf("round trip changed the data: %d/%d sequences, %d/%d answers",
				len(again.Sequences), len(ds.Sequences), again.Answers, ds.Answers)
		}
		for i := range ds.Sequences {
			if !reflect.DeepEqual(again.Sequences[i].Answers, ds.Sequences[i].Answers) {
				t.Fatalf("sequence %d changed: %v -> %v", i, ds.Sequences[i].Answers, again.Sequences[i].Answers)
			}
		}
	})
}
