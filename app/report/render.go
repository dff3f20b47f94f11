package report

import (
	"encoding/csv"
	"fmt"
	"html"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tidbit-learn/tidbit/app/assign"
)

// palette is Okabe and Ito's colour-blind-safe set, dark enough on white.
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"}

// Summary writes the text preview the CLI shows before saving.
func (r *Report) Summary(w io.Writer) error {
	var b strings.Builder
	who := r.Name
	if who == "" {
		who = "you"
	}
	fmt.Fprintf(&b, "Progress report for %s, %s\n", who, r.period())
	fmt.Fprintf(&b, "  Lessons      %d different, %d sessions, %s\n", r.Lessons, r.Sessions, minutes(r.Minutes))
	fmt.Fprintf(&b, "  Questions    %d answered, %s right\n", r.Answered, pct(r.Correct, r.Answered))
	fmt.Fprintf(&b, "  Streak       %s now, longest %s; active on %d of %d days\n", days(r.Streak), days(r.Longest), r.ActiveDays, len(r.Days))
	fmt.Fprintf(&b, "  Skills       %d practised", len(r.Skills))
	if g, ok := r.biggestGap(); ok {
		fmt.Fprintf(&b, "; furthest from target: %s %.0f%% (target %.0f%%)", g.Name, 100*g.Mastery, 100*g.TargetP)
	}
	b.WriteString("\n")
	done := 0
	for _, a := range r.Assignments {
		if a.Done {
			done++
		}
	}
	fmt.Fprintf(&b, "  Assignments  %d of %d done\n", done, len(r.Assignments))
	switch {
	case r.Reflective:
		fmt.Fprintf(&b, "  Reflections  %d included (your own words: read them before you share)\n", len(r.Reflections))
	case r.Hidden > 0:
		fmt.Fprintf(&b, "  Reflections  %d left out (--include-reflections adds them)\n", r.Hidden)
	default:
		b.WriteString("  Reflections  none in this period\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) biggestGap() (Goal, bool) {
	var best Goal
	found := false
	for _, g := range r.Goals {
		if gap := g.TargetP - g.Mastery; gap > 0 && g.Answered > 0 && (!found || gap > best.TargetP-best.Mastery) {
			best, found = g, true
		}
	}
	return best, found
}

func (r *Report) period() string {
	last := r.To.Add(-time.Millisecond).In(r.Loc)
	return r.From.In(r.Loc).Format("2 Jan 2006") + " – " + last.Format("2 Jan 2006")
}

func minutes(m float64) string {
	if m < 120 {
		return fmt.Sprintf("%.0f min", m)
	}
	return fmt.Sprintf("%.1f h", m/60)
}

func pct(n, d int) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(d))
}

func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// CSV writes the summary in long form, one figure a row, so that a
// spreadsheet can filter or pivot it: section, date, key, name, value,
// detail. Dates are YYYY-MM-DD in the learner's zone; mastery and targets
// are fractions 0-1.
func (r *Report) CSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	row := func(section, date, key, name, value, detail string) {
		cw.Write([]string{section, date, key, name, value, detail})
	}
	row("section", "date", "key", "name", "value", "detail")
	d := func(t time.Time) string { return t.In(r.Loc).Format(time.DateOnly) }
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }
	last := r.To.Add(-time.Millisecond)
	row("period", d(r.From), "from", "", d(r.From), "")
	row("period", d(last), "to", "", d(last), "inclusive")
	row("period", d(r.Generated), "generated", "", r.Generated.In(r.Loc).Format(time.RFC3339), "")
	row("summary", "", "learner", r.Name, r.Role, "")
	row("summary", "", "lessons", "distinct lessons completed", strconv.Itoa(r.Lessons), "")
	row("summary", "", "sessions", "activities completed", strconv.Itoa(r.Sessions), "")
	row("summary", "", "minutes", "minutes learning", strconv.FormatFloat(r.Minutes, 'f', 1, 64), "")
	row("summary", "", "answered", "questions answered", strconv.Itoa(r.Answered), "")
	row("summary", "", "correct", "questions right", strconv.Itoa(r.Correct), "")
	row("streak", d(r.Generated), "current", "current streak (days)", strconv.Itoa(r.Streak), "")
	row("streak", "", "longest", "longest streak in the period (days)", strconv.Itoa(r.Longest), "")
	row("streak", "", "active_days", "days with a completed activity", strconv.Itoa(r.ActiveDays), "of "+strconv.Itoa(len(r.Days)))
	for _, wk := range r.Weeks {
		row("week", d(wk.Start), "minutes", "week of "+wk.Start.Format("2 Jan"), strconv.FormatFloat(wk.Minutes, 'f', 1, 64),
			strconv.Itoa(wk.Sessions)+" sessions")
	}
	for _, s := range r.Skills {
		row("skill", d(last), s.ID, s.Name, f(s.Mastery), fmt.Sprintf("%d answered, %d right, %s", s.Answered, s.Correct, s.Category))
		for i, p := range s.Series {
			if p >= 0 {
				row("mastery", d(r.Weeks[i].Start), s.ID, s.Name, f(p), "at the end of the week")
			}
		}
	}
	for _, g := range r.Goals {
		val := f(g.Mastery)
		if g.Answered == 0 {
			val = "" // no evidence yet: the model's prior is not a measurement
		}
		row("goal", "", g.Skill, g.Name, val, fmt.Sprintf("target %s (level %.0f, %s)", f(g.TargetP), g.Level, g.Because))
	}
	for _, a := range r.Assignments {
		state := "open"
		date := ""
		switch {
		case a.Done:
			state, date = "done", d(a.DoneAt)
		case a.Dismissed:
			state = "set aside"
		case a.Overdue:
			state = "overdue"
		}
		row("assignment", date, a.ID, a.From, state, fmt.Sprintf("%d of %d items; due %s; %s", a.ItemsDone, len(a.Items), d(a.Due), a.Note))
	}
	for _, x := range r.Reflections {
		row("reflection", d(x.At), "", x.Lesson, x.Text, "")
	}
	cw.Flush()
	return cw.Error()
}

// HTML writes the report as one self-contained page.
func (r *Report) HTML(w io.Writer) error {
	return page.Execute(w, r.view())
}

type view struct {
	R           *Report
	Title       string
	Period      string
	Generated   string
	Tiles       []tile
	Minutes     template.HTML
	Mastery     template.HTML
	Calendar    template.HTML
	GoalsChart  template.HTML
	Skills      []skillRow
	Assignments []asgRow
	Reflections []reflRow
	Legend      []legend
}

type tile struct{ Value, Label string }

type skillRow struct {
	Name, Category, Answered, Right, Start, Now, Change string
	Up                                                  bool
}

type asgRow struct {
	From, Title, Note, Due, State, Items string
	Done, Overdue                        bool
}

type reflRow struct{ When, Lesson, Text string }

type legend struct{ Color, Name string }

func (r *Report) view() view {
	v := view{R: r, Period: r.period(), Generated: r.Generated.In(r.Loc).Format("2 Jan 2006 15:04 MST")}
	v.Title = "Learning progress"
	if r.Name != "" {
		v.Title += " — " + r.Name
	}
	done := 0
	for _, a := range r.Assignments {
		if a.Done {
			done++
		}
	}
	v.Tiles = []tile{
		{minutes(r.Minutes), "learning"},
		{strconv.Itoa(r.Lessons), "lessons"},
		{pct(r.Correct, r.Answered), fmt.Sprintf("of %d answers right", r.Answered)},
		{days(r.Streak), fmt.Sprintf("streak (longest %d)", r.Longest)},
		{fmt.Sprintf("%d/%d", done, len(r.Assignments)), "assignments done"},
	}
	v.Minutes = r.minutesChart()
	v.Mastery, v.Legend = r.masteryChart()
	v.Calendar = r.calendar()
	v.GoalsChart = r.goalsChart()
	for _, s := range r.Skills {
		row := skillRow{Name: s.Name, Category: s.Category, Answered: strconv.Itoa(s.Answered), Right: pct(s.Correct, s.Answered),
			Now: fmt.Sprintf("%.0f%%", 100*s.Mastery), Start: "new"}
		if s.Start >= 0 {
			row.Start = fmt.Sprintf("%.0f%%", 100*s.Start)
			ch := math.Round(100 * (s.Mastery - s.Start))
			row.Change = fmt.Sprintf("%+.0f", ch)
			row.Up = ch > 0
		}
		v.Skills = append(v.Skills, row)
	}
	for _, a := range r.Assignments {
		v.Assignments = append(v.Assignments, asgRow{From: a.From, Title: a.Title, Note: a.Note,
			Due: a.Due.In(r.Loc).Format("Mon 2 Jan 2006"), State: assign.StateWords(a, r.Generated, r.Loc),
			Items: itemWords(a), Done: a.Done, Overdue: a.Overdue})
	}
	for _, x := range r.Reflections {
		v.Reflections = append(v.Reflections, reflRow{When: x.At.Format("2 Jan 2006"), Lesson: x.Lesson, Text: x.Text})
	}
	return v
}

func itemWords(a assign.Status) string {
	parts := make([]string, 0, len(a.Items))
	for _, it := range a.Items {
		mark := "○ "
		if it.Done {
			mark = "✓ "
		}
		w := mark + it.Title
		if it.Kind == "skill" && !it.Done {
			w += fmt.Sprintf(" (%d of %d lessons)", min(len(it.DoneWith), it.Lessons), it.Lessons)
		}
		parts = append(parts, w)
	}
	return strings.Join(parts, " · ")
}

// Chart geometry: the page is 880 px wide inside its margins.
const (
	chartW  = 880
	chartH  = 220
	padL    = 44
	padR    = 12
	padT    = 14
	padB    = 30
	plotW   = chartW - padL - padR
	plotH   = chartH - padT - padB
	textCol = "#444"
	gridCol = "#e4e4e4"
)

func esc(s string) string { return html.EscapeString(s) }

func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// minutesChart draws minutes per week as bars.
func (r *Report) minutesChart() template.HTML {
	var b strings.Builder
	top := 0.0
	for _, w := range r.Weeks {
		top = math.Max(top, w.Minutes)
	}
	step := niceStep(top)
	top = math.Max(step*math.Ceil(top/step), step)
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="Minutes per week">`, chartW, chartH, chartW, chartH)
	for v := 0.0; v <= top+1e-9; v += step {
		y := padT + plotH - v/top*plotH
		fmt.Fprintf(&b, `<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="%s"/>`, padL, num(y), chartW-padR, num(y), gridCol)
		fmt.Fprintf(&b, `<text x="%d" y="%s" text-anchor="end" font-size="11" fill="%s">%s</text>`, padL-6, num(y+4), textCol, num(v))
	}
	n := len(r.Weeks)
	slot := float64(plotW) / float64(max(n, 1))
	bw := math.Max(2, slot*0.7)
	every := max(1, (n+11)/12) // at most about 12 labels
	for i, w := range r.Weeks {
		x := padL + slot*float64(i) + (slot-bw)/2
		h := w.Minutes / top * plotH
		if w.Minutes > 0 {
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" rx="2" fill="%s"><title>Week of %s: %s min, %d sessions</title></rect>`,
				num(x), num(padT+plotH-h), num(bw), num(h), palette[0], esc(w.Start.Format("2 Jan")), num(w.Minutes), w.Sessions)
		}
		if i%every == 0 {
			fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="middle" font-size="11" fill="%s">%s</text>`,
				num(x+bw/2), chartH-padB+16, textCol, esc(w.Start.Format("2 Jan")))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceStep picks a grid step of 1, 2 or 5 times a power of ten giving
// four or five lines.
func niceStep(top float64) float64 {
	if top <= 0 {
		return 10
	}
	raw := top / 4
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

// masteryChart draws the weekly mastery of the most practised skills.
func (r *Report) masteryChart() (template.HTML, []legend) {
	skills := append([]Skill(nil), r.Skills...)
	// Most answers first, then by name, for a stable choice of lines.
	for i := 1; i < len(skills); i++ {
		for j := i; j > 0 && (skills[j].Answered > skills[j-1].Answered ||
			skills[j].Answered == skills[j-1].Answered && skills[j].Name < skills[j-1].Name); j-- {
			skills[j], skills[j-1] = skills[j-1], skills[j]
		}
	}
	skills = skills[:min(len(skills), chartSkills)]
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="Mastery per skill, week by week">`, chartW, chartH, chartW, chartH)
	for v := 0; v <= 100; v += 25 {
		y := padT + plotH - float64(v)/100*plotH
		fmt.Fprintf(&b, `<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="%s"/>`, padL, num(y), chartW-padR, num(y), gridCol)
		fmt.Fprintf(&b, `<text x="%d" y="%s" text-anchor="end" font-size="11" fill="%s">%d%%</text>`, padL-6, num(y+4), textCol, v)
	}
	n := len(r.Weeks)
	slot := float64(plotW) / float64(max(n, 1))
	every := max(1, (n+11)/12)
	for i, w := range r.Weeks {
		if i%every == 0 {
			fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="middle" font-size="11" fill="%s">%s</text>`,
				num(padL+slot*(float64(i)+0.5)), chartH-padB+16, textCol, esc(w.Start.Format("2 Jan")))
		}
	}
	var leg []legend
	for k, s := range skills {
		col := palette[k%len(palette)]
		leg = append(leg, legend{Color: col, Name: s.Name})
		var pts []string
		for i, p := range s.Series {
			if p < 0 {
				continue
			}
			x := padL + slot*(float64(i)+0.5)
			y := padT + plotH - p*plotH
			pts = append(pts, num(x)+","+num(y))
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="%s"><title>%s, week of %s: %.0f%%</title></circle>`,
				num(x), num(y), col, esc(s.Name), esc(r.Weeks[i].Start.Format("2 Jan")), 100*p)
		}
		if len(pts) > 1 {
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`, strings.Join(pts, " "), col)
		}
	}
	if len(skills) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="13" fill="%s">No answers in this period yet.</text>`,
			chartW/2, chartH/2, textCol)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()), leg
}

// calendar draws the period's days as a grid of weeks (columns) by
// weekdays (rows), darker for more activities; at most the last 53 weeks.
func (r *Report) calendar() template.HTML {
	ds := r.Days
	if len(ds) > 53*7 {
		ds = ds[len(ds)-53*7:]
	}
	if len(ds) == 0 {
		return ""
	}
	const cell, gap, left, topPad = 14, 3, 30, 16
	first := weekStart(ds[0].Date, r.Loc)
	cols := int(ds[len(ds)-1].Date.Sub(first).Hours()/24)/7 + 1
	w := left + cols*(cell+gap) + 24 // room for a month label on the last column
	h := topPad + 7*(cell+gap)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="Days with learning">`, w, h, w, h)
	for i, name := range []string{"Mon", "", "Wed", "", "Fri", "", "Sun"} {
		if name != "" {
			fmt.Fprintf(&b, `<text x="0" y="%d" font-size="10" fill="%s">%s</text>`, topPad+i*(cell+gap)+11, textCol, name)
		}
	}
	lastMonth := -1
	for _, d := range ds {
		off := int(d.Date.Sub(first).Hours()/24 + 0.5)
		col, row := off/7, off%7
		x, y := left+col*(cell+gap), topPad+row*(cell+gap)
		if m := int(d.Date.Month()); m != lastMonth && row == 0 || lastMonth == -1 {
			fmt.Fprintf(&b, `<text x="%d" y="10" font-size="10" fill="%s">%s</text>`, x, textCol, d.Date.Format("Jan"))
			lastMonth = int(d.Date.Month())
		}
		fill := "#ebedf0"
		switch {
		case d.Sessions >= 4:
			fill = "#005a8c"
		case d.Sessions >= 2:
			fill = "#3d8fc7"
		case d.Sessions == 1:
			fill = "#9cc7e6"
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="2" fill="%s"><title>%s: %d</title></rect>`,
			x, y, cell, cell, fill, esc(d.Date.Format("Mon 2 Jan")), d.Sessions)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// goalsChart draws each target skill's mastery as a bar with its target
// as a tick.
func (r *Report) goalsChart() template.HTML {
	if len(r.Goals) == 0 {
		return ""
	}
	const rowH, labelW, barW = 26, 210, 320
	h := rowH*len(r.Goals) + 8
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="Goals: mastery against target">`, chartW, h, chartW, h)
	for i, g := range r.Goals {
		y := 6 + i*rowH
		fmt.Fprintf(&b, `<text x="0" y="%d" font-size="12" fill="#222">%s</text>`, y+13, esc(truncate(g.Name, 32)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="14" rx="3" fill="#eee"/>`, labelW, y+2, barW)
		words := fmt.Sprintf("%.0f%% of %.0f%%", 100*g.Mastery, 100*g.TargetP)
		if g.Answered == 0 {
			// The model's prior is not evidence: no bar, just the target.
			words = fmt.Sprintf("no answers yet; target %.0f%%", 100*g.TargetP)
		} else {
			col := palette[2]
			if g.Mastery < g.TargetP {
				col = palette[4]
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%s" height="14" rx="3" fill="%s"/>`, labelW, y+2, num(g.Mastery*barW), col)
		}
		tx := float64(labelW) + g.TargetP*barW
		fmt.Fprintf(&b, `<line x1="%s" y1="%d" x2="%s" y2="%d" stroke="#222" stroke-width="2"/>`, num(tx), y-1, num(tx), y+19)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="%s">%s · %s</text>`, labelW+barW+10, y+13, textCol,
			esc(words), esc(truncate(g.Because, 34)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

var page = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Tidbit">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #222; background: #fff; margin: 0; }
main { max-width: 880px; margin: 0 auto; padding: 28px 24px 40px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 10px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.sub { color: #555; margin: 0 0 20px; }
.tiles { display: flex; gap: 12px; flex-wrap: wrap; }
.tile { box-sizing: border-box; flex: 1 1 130px; background: #f3f7fb; border-radius: 8px; padding: 12px 14px; }
.tile b { display: block; font-size: 24px; color: #0b4f7c; }
.tile span { color: #555; font-size: 13px; }
.chart { display: block; max-width: 100%; height: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: 13px; margin: 6px 0 0; padding: 0; list-style: none; }
.legend i { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
th { color: #555; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.up { color: #00734d; }
.note { color: #555; font-style: italic; }
.done { color: #00734d; font-weight: 600; }
.overdue { color: #b23a00; font-weight: 600; }
.muted { color: #666; font-size: 13px; }
blockquote { margin: 6px 0 14px; padding: 6px 12px; border-left: 3px solid #ccc; white-space: pre-wrap; }
footer { margin-top: 36px; color: #777; font-size: 12px; }
@media print { main { padding: 0; } h2 { break-after: avoid; } }
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p class="sub">{{.Period}}{{with .R.Role}} · {{.}}{{end}}</p>

<section class="tiles">
{{range .Tiles}}<div class="tile"><b>{{.Value}}</b><span>{{.Label}}</span></div>
{{end}}</section>

<h2>Minutes per week</h2>
{{.Minutes}}

<h2>Days with learning</h2>
{{.Calendar}}
<p class="muted">Current streak {{.R.Streak}} day(s), longest in this period {{.R.Longest}}; active on {{.R.ActiveDays}} of {{len .R.Days}} days.</p>

<h2>Mastery over time</h2>
{{.Mastery}}
{{if .Legend}}<ul class="legend">{{range .Legend}}<li><i style="background:{{.Color}}"></i>{{.Name}}</li>{{end}}</ul>{{end}}
<p class="muted">Mastery is Tidbit's estimate of the chance of answering a typical question on the skill right, from the answers given so far.</p>

{{if .Skills}}<h2>Skills</h2>
<table>
<tr><th>Skill</th><th>Category</th><th class="n">Answers</th><th class="n">Right</th><th class="n">Start</th><th class="n">Now</th><th class="n">Change</th></tr>
{{range .Skills}}<tr><td>{{.Name}}</td><td>{{.Category}}</td><td class="n">{{.Answered}}</td><td class="n">{{.Right}}</td><td class="n">{{.Start}}</td><td class="n">{{.Now}}</td><td class="n{{if .Up}} up{{end}}">{{.Change}}</td></tr>
{{end}}</table>
{{end}}
{{if .R.Goals}}<h2>Goals</h2>
{{if .R.ProfileGoals}}<p class="muted">Aiming for: {{range $i, $g := .R.ProfileGoals}}{{if $i}}, {{end}}{{$g}}{{end}}</p>{{end}}
{{.GoalsChart}}
<p class="muted">Bar: mastery now, from the answers given; tick: the target for the level the role or goal asks for.</p>
{{end}}
<h2>Assignments</h2>
{{if .Assignments}}<table>
<tr><th>From</th><th>What</th><th>Due</th><th>State</th></tr>
{{range .Assignments}}<tr><td>{{.From}}</td><td>{{with .Title}}<b>{{.}}</b><br>{{end}}{{.Items}}{{with .Note}}<br><span class="note">“{{.}}”</span>{{end}}</td><td>{{.Due}}</td><td class="{{if .Done}}done{{else if .Overdue}}overdue{{end}}">{{.State}}</td></tr>
{{end}}</table>
{{else}}<p class="muted">No assignments in this period.</p>{{end}}
{{if .R.Reflective}}<h2>Reflections</h2>
{{range .Reflections}}<p class="muted">{{.When}} · {{.Lesson}}</p><blockquote>{{.Text}}</blockquote>
{{else}}<p class="muted">No reflections in this period.</p>
{{end}}{{end}}
<footer>Made by Tidbit on {{.Generated}} from the learner's own data on their computer.{{if not .R.Reflective}} Reflections (free-text answers) are private and not included.{{end}}</footer>
</main>
</body>
</html>
`))
