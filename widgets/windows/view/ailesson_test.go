package view

import (
	"strings"
	"testing"

	"github.com/tidbit-learn/tidbit/app/store"
)

// TestLibraryMarksAIWritten: a lesson the local model wrote says so in
// its row, and a search for it finds it.
func TestLibraryMarksAIWritten(t *testing.T) {
	rows := NewLibrary([]store.LessonSummary{
		{ID: "authored", Title: "Listening", Minutes: 3},
		{ID: "ai-listening-0123456789ab", Title: "Listening without planning a reply", Minutes: 3, AIWritten: true},
	}, nil)
	cases := []struct {
		name, id string
		ai       bool
	}{{"authored", "authored", false}, {"AI-written", "ai-listening-0123456789ab", true}}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if rows[i].ID != tc.id || strings.Contains(rows[i].Meta, "AI-written") != tc.ai {
				t.Errorf("row %+v, want AI-written %v", rows[i], tc.ai)
			}
		})
	}
	if got := Filter(rows, "ai-written"); len(got) != 1 || got[0].ID != "ai-listening-0123456789ab" {
		t.Errorf("search for AI-written: %+v", got)
	}
}
