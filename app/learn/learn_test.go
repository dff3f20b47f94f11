package learn

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/core/coretest"
	"github.com/tidbit-learn/tidbit/app/store"
)

func TestBasicPickerRespectsPrerequisites(t *testing.T) {
	a := coretest.Open(t)
	ctx := context.Background()
	lib, _ := a.Store.Library(ctx)
	p := BasicPicker{Store: a.Store, Taxonomy: a.Taxonomy}
	seen := map[string]bool{}
	prev := ""
	// Complete lessons one by one as picked; every pick must be new and have
	// its prerequisites done, until all are done.
	for i := 0; i < len(lib); i++ {
		pick, err := p.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if seen[pick.LessonID] || pick.LessonID == prev {
			t.Fatalf("pick %d: %s again", i, pick.LessonID)
		}
		l, _ := a.Store.Lesson(ctx, pick.LessonID)
		for _, pre := range l.Prerequisites {
			if !seen[pre] {
				t.Fatalf("%s picked before its prerequisite %s", l.ID, pre)
			}
		}
		if pick.Reason == "" {
			t.Fatal("a pick without a reason")
		}
		seen[pick.LessonID] = true
		prev = pick.LessonID
		id := fmt.Sprintf("a%d", i)
		now := time.Now()
		a.Store.StartAttempt(ctx, store.Attempt{ID: id, LessonID: l.ID, Kind: "lesson", StartedAt: now})
		a.Store.FinishAttempt(ctx, store.AttemptResult{AttemptID: id, FinishedAt: now, Outcome: "completed"})
	}
	pick, err := p.Next(ctx)
	if err != nil || pick.LessonID == prev || !strings.Contains(pick.Reason, "refresher") {
		t.Fatalf("after all done: %+v %v", pick, err)
	}
}
