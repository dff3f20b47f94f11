package view

import (
	"fmt"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/store"
)

// A large imported library (10,000 lessons): the search runs on every
// keystroke, on the UI thread.
func BenchmarkFilter(b *testing.B) {
	tax := taxonomy(b)
	ls := make([]store.LessonSummary, 10000)
	for i := range ls {
		sk := tax.Skills[i%len(tax.Skills)]
		ls[i] = store.LessonSummary{ID: fmt.Sprintf("l-%d", i), Title: fmt.Sprintf("Lesson %d about %s", i, sk.Name),
			Skills: []string{sk.ID}, Category: sk.Category, Kind: "lesson", Minutes: 3}
	}
	rows := NewLibrary(ls, tax)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if len(Filter(rows, "active listen")) == 0 {
			b.Fatal("no match")
		}
	}
}

// Two years of daily activity and 90 skills.
func BenchmarkNewProgress(b *testing.B) {
	var days []store.DayActivity
	for d := range 730 {
		days = append(days, store.DayActivity{Day: now.AddDate(0, 0, -d), Completed: 1 + d%4, Seconds: 300})
	}
	tax := taxonomy(b)
	var skills []store.SkillStat
	for _, s := range tax.Skills {
		skills = append(skills, store.SkillStat{Skill: s.ID, Name: s.Name, Category: s.Category, Answered: 10, Correct: 6})
	}
	in := ProgressInput{Now: now, Loc: time.UTC, Days: days, Skills: skills, Taxonomy: tax, DailyGoal: 4, WeeklyGoal: 10, MinutesGoal: 30}
	b.ReportAllocs()
	for b.Loop() {
		NewProgress(in)
	}
}
