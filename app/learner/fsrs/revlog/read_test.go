package revlog

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// readCases are the table of TestRead and the seeds of FuzzRead.
var readCases = []struct {
	name    string
	in      string
	lim     Limits
	want    []Row
	wantErr string
}{
	{name: "all columns",
		in: Header + "\n1,1704110400000,3,0,5200\n1,1704196800000,1,2,800\n",
		want: []Row{
			{CardID: "1", Time: 1704110400000, Rating: 3, State: 0, Duration: 5200, Line: 2},
			{CardID: "1", Time: 1704196800000, Rating: 1, State: 2, Duration: 800, Line: 3},
		}},
	{name: "required columns only, other order, extra column, CRLF, BOM",
		in:   "\ufeffreview_rating,note,card_id,review_time\r\n4,x,abc,1704110400000\r\n",
		want: []Row{{CardID: "abc", Time: 1704110400000, Rating: 4, State: StateUnknown, Line: 2}}},
	{name: "manual entry, spaces, empty duration, blank line",
		in:   Header + "\n\n 7 , 1704110400000 , 0 , 5 , \n",
		want: []Row{{CardID: "7", Time: 1704110400000, Rating: 0, State: 5, Line: 3}}},
	{name: "quoted card id with a comma",
		in:   Header + "\n\"a,b\",1704110400000,2,1,10\n",
		want: []Row{{CardID: "a,b", Time: 1704110400000, Rating: 2, State: 1, Duration: 10, Line: 2}}},
	{name: "header only", in: Header + "\n", want: nil},
	{name: "empty file", in: "", wantErr: "f.csv: empty file"},
	{name: "missing column", in: "card_id,review_time\n1,2\n", wantErr: "f.csv:1: no review_rating column"},
	{name: "duplicate column", in: "card_id,review_time,review_rating,card_id\n", wantErr: "f.csv:1: column card_id appears twice"},
	{name: "bad rating", in: Header + "\n1,1704110400000,5,2,0\n", wantErr: `f.csv:2: review_rating "5": want 1-4`},
	{name: "text rating", in: Header + "\n1,1704110400000,good,2,0\n", wantErr: `f.csv:2: review_rating "good"`},
	{name: "bad state", in: Header + "\n1,1704110400000,3,0,1\n1,1704110400001,3,9,1\n", wantErr: `f.csv:3: review_state "9"`},
	{name: "empty state", in: Header + "\n1,1704110400000,3,,1\n", wantErr: `f.csv:2: review_state ""`},
	{name: "float time", in: Header + "\n1,1.7e12,3,0,1\n", wantErr: `f.csv:2: review_time "1.7e12" is not an integer`},
	{name: "negative duration", in: Header + "\n1,1704110400000,3,0,-5\n", wantErr: `f.csv:2: review_duration "-5"`},
	{name: "empty card id", in: Header + "\n,1704110400000,3,0,1\n", wantErr: "f.csv:2: card_id is empty"},
	{name: "long card id", in: Header + "\n" + strings.Repeat("x", MaxCardIDLen+1) + ",1704110400000,3,0,1\n", wantErr: "f.csv:2: card_id is 257 bytes long"},
	{name: "short row", in: Header + "\n1,1704110400000,3\n", wantErr: "f.csv:2: wrong number of fields"},
	{name: "bad quote", in: Header + "\n\"1,1704110400000,3,0,1\n", wantErr: "f.csv:2:"},
	{name: "row limit", in: Header + "\n1,1704110400000,3,0,1\n1,1704110400001,3,1,1\n", lim: Limits{MaxRows: 1},
		wantErr: "f.csv:3: more than the limit of 1 rows"},
	{name: "byte limit", in: Header + "\n1,1704110400000,3,0,1\n", lim: Limits{MaxBytes: 40},
		wantErr: "f.csv: larger than the limit of 40 bytes"},
}

func TestRead(t *testing.T) {
	for _, tc := range readCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Read(strings.NewReader(tc.in), "f.csv", tc.lim)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	rows := []Row{
		{CardID: "1", Time: 1704110400000, Rating: 3, State: 0, Duration: 5200},
		{CardID: `odd,"id"`, Time: 1704196800000, Rating: 0, State: 5},
	}
	var buf bytes.Buffer
	if err := Write(&buf, rows); err != nil {
		t.Fatal(err)
	}
	got, err := Read(&buf, "round", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i].Line = 0
	}
	if !reflect.DeepEqual(got, rows) {
		t.Errorf("got  %+v\nwant %+v", got, rows)
	}
	if err := Write(&buf, []Row{{CardID: "1", State: StateUnknown}}); err == nil || !strings.Contains(err.Error(), "state -1") {
		t.Errorf("writing a row without a state: error %v", err)
	}
}

// FuzzRead: Read never panics, and whatever it accepts Build accepts and
// Write writes back to the same rows.
func FuzzRead(f *testing.F) {
	for _, tc := range readCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := Read(strings.NewReader(in), "fuzz", Limits{MaxBytes: 1 << 16, MaxRows: 1000})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz") && !strings.Contains(err.Error(), "reading fuzz") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		ds, err := Build(rows, DefaultOptions())
		if err != nil {
			t.Fatalf("Build refused rows Read accepted: %v", err)
		}
		if ds.Stats.Kept > len(rows) || ds.Stats.Scored > ds.Stats.Kept {
			t.Fatalf("stats %+v for %d rows", ds.Stats, len(rows))
		}
		hasState := len(rows) == 0 || rows[0].State != StateUnknown
		if !hasState {
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, rows); err != nil {
			t.Fatal(err)
		}
		back, err := Read(&buf, "again", Limits{})
		if err != nil {
			t.Fatalf("reading written rows: %v\n%s", err, buf.String())
		}
		if len(back) != len(rows) {
			t.Fatalf("%d rows written, %d read back", len(rows), len(back))
		}
		for i := range back {
			a, b := back[i], rows[i]
			a.Line, b.Line = 0, 0
			if a != b {
				t.Fatalf("row %d: wrote %+v, read %+v", i, b, a)
			}
		}
	})
}

func TestFromAnkiTypes(t *testing.T) {
	rows := []Row{{State: 0}, {State: 1}, {State: 2}, {State: 3}, {State: 4}, {State: 5}, {State: StateUnknown}}
	if err := FromAnkiTypes(rows); err != nil {
		t.Fatal(err)
	}
	want := []int{StateLearning, StateReview, StateRelearning, StateFiltered, StateManual, StateManual, StateUnknown}
	for i, r := range rows {
		if r.State != want[i] {
			t.Errorf("Anki type %d became %d, want %d", i, r.State, want[i])
		}
	}
	if err := FromAnkiTypes([]Row{{State: 6, Line: 4}}); err == nil || !strings.Contains(err.Error(), "line 4: Anki revlog type 6") {
		t.Errorf("error %v", err)
	}
}
