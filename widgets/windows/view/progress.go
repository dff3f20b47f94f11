package view

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

// Chart spans.
const (
	CalendarWeeks = 12 // the streak calendar's columns
	MinuteWeeks   = 8  // bars of minutes per week
)

// ProgressInput is what the Progress window is computed from.
type ProgressInput struct {
	Now time.Time
	Loc *time.Location // days and weeks; nil: Now's location
	// Days are completed items per day, from at least CalendarFrom(Now).
	Days  []store.DayActivity
	Stats store.Stats
	// Skills are the learner's records; Mastery estimates each (nil: the
	// records' share of right answers).
	Skills  []store.SkillStat
	Mastery learner.Mastery
	// Profile gives target levels drawn as marks; nil: no marks.
	Profile  *learner.Profile
	Taxonomy *assets.Taxonomy // category names; nil: ids
	// DailyGoal and WeeklyGoal are items (app/settings); MinutesGoal is the
	// profile's minutes a week. Zero means no goal.
	DailyGoal, WeeklyGoal, MinutesGoal int
}

// Progress is the Progress window's content.
type Progress struct {
	Empty    bool   // nothing completed yet: the window shows a hint
	Streak   string // "3-day streak"
	Today    Goal
	Week     Goal
	Calendar []Week // oldest first; the last is this week
	Minutes  Bars
	Skills   []SkillBar
}

// Goal is progress towards a count.
type Goal struct {
	Done, Target int
	Fraction     float64 // Done/Target, 0-1
	Label        string  // "2 of 4 done today"
}

// Week is one column of the streak calendar, Monday first.
type Week struct {
	Month string // "Nov" on the first week of a month, else ""
	Days  [7]Day
}

// Day is one square of the streak calendar.
type Day struct {
	Date   time.Time
	Count  int
	Level  int  // 0 none, 1-4 towards (4: at least) the daily goal
	Future bool // after today: drawn empty
	Label  string
}

// Bars is a bar chart with an optional goal line.
type Bars struct {
	Bars []Bar
	// Goal is the goal line as a fraction of the scale; 0: none.
	Goal      float64
	GoalLabel string
}

// Bar is one bar.
type Bar struct {
	Label    string  // under the bar: "3 Nov"
	Value    float64 // minutes
	Fraction float64 // of the chart's height, 0-1
	Text     string  // over the bar: "12"
}

// SkillBar is one skill's mastery.
type SkillBar struct {
	Skill, Name, Category string
	Mastery               float64 // 0-1
	Target                float64 // 0-1; 0: no target
	Text                  string  // "72% · 14 answers"
}

// CalendarFrom is the Monday the streak calendar starts on: CalendarWeeks
// weeks back, counting this one.
func CalendarFrom(now time.Time, loc *time.Location) time.Time {
	return weekStart(now, loc).AddDate(0, 0, -7*(CalendarWeeks-1))
}

func dayOf(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

func weekStart(t time.Time, loc *time.Location) time.Time {
	d := dayOf(t, loc)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// NewProgress computes the Progress window's content.
func NewProgress(in ProgressInput) Progress {
	loc := in.Loc
	if loc == nil {
		loc = in.Now.Location()
	}
	today := dayOf(in.Now, loc)
	byDay := map[string]store.DayActivity{}
	for _, d := range in.Days {
		byDay[dayOf(d.Day, loc).Format(time.DateOnly)] = d
	}
	var p Progress
	p.Empty = in.Stats.Sessions == 0 && len(in.Days) == 0 && len(in.Skills) == 0

	switch s := in.Stats.StreakDays; s {
	case 0:
		p.Streak = "No streak yet: one item today starts one"
	case 1:
		p.Streak = "1-day streak"
	default:
		p.Streak = fmt.Sprintf("%d-day streak", s)
	}
	p.Today = goal(in.Stats.TodayCompleted, in.DailyGoal, "today")

	start := CalendarFrom(in.Now, loc)
	for w := range CalendarWeeks {
		var wk Week
		for d := range 7 {
			date := start.AddDate(0, 0, 7*w+d)
			a := byDay[date.Format(time.DateOnly)]
			day := Day{Date: date, Count: a.Completed, Future: date.After(today)}
			day.Level = level(a.Completed, in.DailyGoal)
			switch {
			case day.Future:
				day.Label = date.Format("Mon 2 Jan")
			case a.Completed == 1:
				day.Label = date.Format("Mon 2 Jan") + ": 1 item"
			default:
				day.Label = fmt.Sprintf("%s: %d items", date.Format("Mon 2 Jan"), a.Completed)
			}
			wk.Days[d] = day
		}
		wk.Month = monthLabel(wk, w == 0)
		p.Calendar = append(p.Calendar, wk)
	}

	thisWeek := weekStart(in.Now, loc)
	weekDone := 0
	minutes := make([]float64, MinuteWeeks)
	for _, d := range in.Days {
		day := dayOf(d.Day, loc)
		if !day.Before(thisWeek) && !day.After(today) {
			weekDone += d.Completed
		}
		for i := range MinuteWeeks {
			ws := thisWeek.AddDate(0, 0, -7*(MinuteWeeks-1-i))
			if !day.Before(ws) && day.Before(ws.AddDate(0, 0, 7)) {
				minutes[i] += float64(d.Seconds) / 60
			}
		}
	}
	p.Week = goal(weekDone, in.WeeklyGoal, "this week")
	p.Minutes = minuteBars(minutes, thisWeek, float64(in.MinutesGoal))
	p.Skills = skillBars(in)
	return p
}

// monthLabel names the month that starts in wk, and the first column's
// month when the next label is at least two columns away (labels must not
// overlap).
func monthLabel(wk Week, first bool) string {
	for _, d := range wk.Days {
		if d.Date.Day() == 1 {
			return d.Date.Month().String()[:3]
		}
	}
	if first && wk.Days[0].Date.Day() <= 21 {
		return wk.Days[0].Date.Month().String()[:3]
	}
	return ""
}

func goal(done, target int, when string) Goal {
	g := Goal{Done: done, Target: target}
	if target <= 0 {
		g.Label = fmt.Sprintf("%d done %s", done, when)
		return g
	}
	g.Fraction = math.Min(1, float64(done)/float64(target))
	g.Label = fmt.Sprintf("%d of %d done %s", done, target, when)
	if done >= target {
		g.Label += ": goal reached"
	}
	return g
}

// level shades a calendar day: a quarter of the daily goal per step, so a
// full square means the goal was reached.
func level(n, goal int) int {
	if n <= 0 {
		return 0
	}
	if goal <= 0 {
		goal = 4
	}
	return max(1, min(4, (4*n+goal-1)/goal))
}

func minuteBars(minutes []float64, thisWeek time.Time, goalMin float64) Bars {
	scale := goalMin
	for _, m := range minutes {
		scale = math.Max(scale, m)
	}
	var b Bars
	for i, m := range minutes {
		ws := thisWeek.AddDate(0, 0, -7*(len(minutes)-1-i))
		bar := Bar{Label: ws.Format("2 Jan"), Value: m, Text: fmt.Sprintf("%.0f", m)}
		if scale > 0 {
			bar.Fraction = m / scale
		}
		b.Bars = append(b.Bars, bar)
	}
	if goalMin > 0 {
		b.Goal = goalMin / scale
		b.GoalLabel = fmt.Sprintf("line: your goal, %.0f min a week", goalMin)
	}
	return b
}

func skillBars(in ProgressInput) []SkillBar {
	out := make([]SkillBar, 0, len(in.Skills))
	for _, s := range in.Skills {
		if s.Answered <= 0 {
			continue
		}
		b := SkillBar{Skill: s.Skill, Name: s.Name, Category: s.Category}
		if b.Name == "" {
			b.Name = s.Skill
		}
		if in.Taxonomy != nil {
			if c, ok := in.Taxonomy.Category(s.Category); ok {
				b.Category = c.Name
			}
		}
		if in.Mastery != nil {
			b.Mastery = in.Mastery.Estimate(s.Skill).P
		} else {
			b.Mastery = float64(s.Correct) / float64(s.Answered)
		}
		if math.IsNaN(b.Mastery) {
			b.Mastery = 0
		}
		b.Mastery = math.Max(0, math.Min(1, b.Mastery))
		if t, ok := in.Profile.Target(s.Skill); ok {
			b.Target = learner.LevelP(t.Level)
		}
		answers := "answers"
		if s.Answered == 1 {
			answers = "answer"
		}
		b.Text = fmt.Sprintf("%.0f%% · %d %s", 100*b.Mastery, s.Answered, answers)
		if b.Target > 0 {
			b.Text += fmt.Sprintf(" · target %.0f%%", 100*b.Target)
		}
		out = append(out, b)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Category != out[j].Category {
			return out[i].Category < out[j].Category
		}
		return out[i].Name < out[j].Name
	})
	return out
}
