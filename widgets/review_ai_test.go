package widgets

import (
	"reflect"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestReviewCardReport: an AI-written question in a review says so and,
// with OnReport, is reported (R, before or after the answer shows, or the
// button) instead of graded; without OnReport there is no report action.
func TestReviewCardReport(t *testing.T) {
	cases := []struct {
		name     string
		report   bool
		keys     []fyne.KeyName
		tap      bool // tap the report button first
		reported []string
		grades   []int
		summary  string
		golden   string // of the first prompt
	}{
		{"R before the answer", true, []fyne.KeyName{fyne.KeyR, fyne.KeySpace, fyne.Key3}, false,
			[]string{"q4"}, []int{Good}, "Good 1 · Reported 1", "review/ai_prompt.xml"},
		{"R after the answer", true, []fyne.KeyName{fyne.KeySpace, fyne.KeyR, fyne.KeySpace, fyne.Key2}, false,
			[]string{"q4"}, []int{Hard}, "Hard 1 · Reported 1", ""},
		{"the button", true, []fyne.KeyName{fyne.KeySpace, fyne.Key4}, true,
			[]string{"q4"}, []int{Easy}, "Easy 1 · Reported 1", ""},
		{"no report action", false, []fyne.KeyName{fyne.KeyR, fyne.KeySpace, fyne.Key1, fyne.KeySpace, fyne.Key4}, false,
			nil, []int{Again, Easy}, "Again 1 · Easy 1", "review/ai_prompt_no_report.xml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var reported []string
			var grades []int
			act := ReviewActions{OnGrade: func(_ string, g int) { grades = append(grades, g) }}
			if tc.report {
				act.OnReport = func(id string) { reported = append(reported, id) }
			}
			c := NewReviewCard([]Question{qAI, qTrue}, act)
			w := window(t, c, c)
			if tc.golden != "" {
				test.AssertRendersToMarkup(t, tc.golden, w.Canvas())
			}
			if (c.Report != nil) != tc.report {
				t.Fatalf("report button %v, want %v", c.Report != nil, tc.report)
			}
			if tc.tap {
				test.Tap(c.Report)
			}
			for _, k := range tc.keys {
				press(w, k)
			}
			if !c.done || !reflect.DeepEqual(reported, tc.reported) || !reflect.DeepEqual(grades, tc.grades) || c.summary() != tc.summary {
				t.Fatalf("done %v, reported %v, grades %v, summary %q", c.done, reported, grades, c.summary())
			}
			if c.Report != nil {
				t.Fatal("a report button on the last card")
			}
		})
	}
}
