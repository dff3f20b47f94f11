package windows

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tidbit-learn/tidbit/widgets/windows/view"
)

// The charts are widgets rather than bare rectangles so that a theme
// change (the system switching to dark) refreshes them: Refresh reads the
// colours again, Layout the sizes.

func themeColor(w fyne.Widget, n fyne.ThemeColorName) color.Color {
	return theme.ColorForWidget(n, w)
}

func themeSize(w fyne.Widget, n fyne.ThemeSizeName) float32 {
	return theme.SizeForWidget(n, w)
}

// shade is the primary colour at a quarter, half, three quarters or full
// strength, for calendar levels 1-4.
func shade(c color.Color, level int) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = uint8(min(255, 64*level))
	if level >= 4 {
		n.A = 255
	}
	return n
}

// meter is a horizontal bar: the filled fraction, and a mark at the
// target when there is one.
type meter struct {
	widget.BaseWidget
	fraction, target float64
}

func newMeter(fraction, target float64) *meter {
	m := &meter{fraction: fraction, target: target}
	m.ExtendBaseWidget(m)
	return m
}

func (m *meter) CreateRenderer() fyne.WidgetRenderer {
	r := &meterRenderer{m: m, track: canvas.NewRectangle(color.Transparent), fill: canvas.NewRectangle(color.Transparent),
		mark: canvas.NewRectangle(color.Transparent)}
	r.Refresh()
	return r
}

type meterRenderer struct {
	m                 *meter
	track, fill, mark *canvas.Rectangle
}

func (r *meterRenderer) Layout(s fyne.Size) {
	r.track.Resize(s)
	r.fill.Resize(fyne.NewSize(s.Width*float32(clamp01(r.m.fraction)), s.Height))
	w := max(2, themeSize(r.m, theme.SizeNameInputBorder)*2)
	r.mark.Move(fyne.NewPos(min(s.Width-w, max(0, s.Width*float32(clamp01(r.m.target))-w/2)), 0))
	r.mark.Resize(fyne.NewSize(w, s.Height))
	r.mark.Hidden = r.m.target <= 0
}

func (r *meterRenderer) MinSize() fyne.Size {
	t := themeSize(r.m, theme.SizeNameText)
	return fyne.NewSize(t*8, t*0.75)
}

func (r *meterRenderer) Refresh() {
	r.track.FillColor = themeColor(r.m, theme.ColorNameInputBackground)
	r.track.CornerRadius = themeSize(r.m, theme.SizeNameText) * 0.2
	r.fill.FillColor = themeColor(r.m, theme.ColorNamePrimary)
	r.fill.CornerRadius = r.track.CornerRadius
	r.mark.FillColor = themeColor(r.m, theme.ColorNameForeground)
	r.Layout(r.m.Size())
	canvas.Refresh(r.m)
}

func (r *meterRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.track, r.fill, r.mark}
}

func (r *meterRenderer) Destroy() {}

func clamp01(f float64) float64 {
	if f != f || f < 0 { // NaN too
		return 0
	}
	return min(f, 1)
}

// calendar is the streak calendar: a column a week, Monday on top, a
// square a day shaded by how much of the daily goal was done.
type calendar struct {
	widget.BaseWidget
	weeks []view.Week
}

func newCalendar(weeks []view.Week) *calendar {
	c := &calendar{weeks: weeks}
	c.ExtendBaseWidget(c)
	return c
}

func (c *calendar) CreateRenderer() fyne.WidgetRenderer {
	r := &calendarRenderer{c: c}
	for _, d := range []string{"Mon", "", "Wed", "", "Fri", "", "Sun"} {
		r.days = append(r.days, canvas.NewText(d, color.Transparent))
	}
	for _, w := range c.weeks {
		r.months = append(r.months, canvas.NewText(w.Month, color.Transparent))
		for range w.Days {
			r.cells = append(r.cells, canvas.NewRectangle(color.Transparent))
		}
	}
	r.Refresh()
	return r
}

type calendarRenderer struct {
	c            *calendar
	days, months []*canvas.Text
	cells        []*canvas.Rectangle
}

// metrics: the caption text size sets the square, so the chart grows with
// the text.
func (r *calendarRenderer) metrics() (cell, gap, labelW, labelH float32) {
	ts := themeSize(r.c, theme.SizeNameCaptionText)
	cell = ts * 1.3
	gap = max(2, ts*0.25)
	labelW = fyne.MeasureText("Mon", ts, fyne.TextStyle{}).Width + gap*2
	labelH = fyne.MeasureText("Sep", ts, fyne.TextStyle{}).Height
	return
}

func (r *calendarRenderer) Layout(fyne.Size) {
	cell, gap, labelW, labelH := r.metrics()
	for i, t := range r.days {
		t.Move(fyne.NewPos(0, labelH+float32(i)*(cell+gap)+(cell-t.MinSize().Height)/2))
	}
	for w, t := range r.months {
		t.Move(fyne.NewPos(labelW+float32(w)*(cell+gap), 0))
	}
	for i, rect := range r.cells {
		w, d := i/7, i%7
		rect.Move(fyne.NewPos(labelW+float32(w)*(cell+gap), labelH+float32(d)*(cell+gap)))
		rect.Resize(fyne.NewSquareSize(cell))
	}
}

func (r *calendarRenderer) MinSize() fyne.Size {
	cell, gap, labelW, labelH := r.metrics()
	n := float32(len(r.months))
	return fyne.NewSize(labelW+n*(cell+gap), labelH+7*(cell+gap))
}

func (r *calendarRenderer) Refresh() {
	ts := themeSize(r.c, theme.SizeNameCaptionText)
	fg := themeColor(r.c, theme.ColorNameForeground)
	empty := themeColor(r.c, theme.ColorNameInputBackground)
	primary := themeColor(r.c, theme.ColorNamePrimary)
	for _, t := range append(append([]*canvas.Text{}, r.days...), r.months...) {
		t.Color, t.TextSize = fg, ts
		t.Refresh()
	}
	for i, rect := range r.cells {
		d := r.c.weeks[i/7].Days[i%7]
		switch {
		case d.Future:
			rect.FillColor = color.Transparent
		case d.Level == 0:
			rect.FillColor = empty
		default:
			rect.FillColor = shade(primary, d.Level)
		}
		rect.CornerRadius = ts * 0.2
		rect.Refresh()
	}
	r.Layout(r.c.Size())
}

func (r *calendarRenderer) Objects() []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, 0, len(r.days)+len(r.months)+len(r.cells))
	for _, t := range r.days {
		out = append(out, t)
	}
	for _, t := range r.months {
		out = append(out, t)
	}
	for _, c := range r.cells {
		out = append(out, c)
	}
	return out
}

func (r *calendarRenderer) Destroy() {}

// barChart is a column chart with the value over each bar, its label
// under it and an optional goal line.
type barChart struct {
	widget.BaseWidget
	bars view.Bars
}

func newBarChart(b view.Bars) *barChart {
	c := &barChart{bars: b}
	c.ExtendBaseWidget(c)
	return c
}

func (c *barChart) CreateRenderer() fyne.WidgetRenderer {
	r := &barRenderer{c: c, goal: canvas.NewRectangle(color.Transparent), goalText: canvas.NewText(c.bars.GoalLabel, color.Transparent)}
	for _, b := range c.bars.Bars {
		r.rects = append(r.rects, canvas.NewRectangle(color.Transparent))
		r.values = append(r.values, canvas.NewText(b.Text, color.Transparent))
		r.labels = append(r.labels, canvas.NewText(b.Label, color.Transparent))
	}
	r.Refresh()
	return r
}

type barRenderer struct {
	c              *barChart
	rects          []*canvas.Rectangle
	values, labels []*canvas.Text
	goal           *canvas.Rectangle
	goalText       *canvas.Text
}

func (r *barRenderer) metrics() (colW, plotH, textH float32) {
	ts := themeSize(r.c, theme.SizeNameCaptionText)
	textH = fyne.MeasureText("0", ts, fyne.TextStyle{}).Height
	colW = fyne.MeasureText("30 Nov", ts, fyne.TextStyle{}).Width + ts*0.75
	return colW, ts * 6, textH
}

func (r *barRenderer) Layout(fyne.Size) {
	colW, plotH, textH := r.metrics()
	top := textH // room for the value over a full bar
	if r.c.bars.Goal > 0 {
		top += textH // and for the goal's legend above it
	}
	barW := colW * 0.6
	for i, rect := range r.rects {
		b := r.c.bars.Bars[i]
		h := plotH * float32(clamp01(b.Fraction))
		x := float32(i) * colW
		rect.Move(fyne.NewPos(x+(colW-barW)/2, top+plotH-h))
		rect.Resize(fyne.NewSize(barW, h))
		v := r.values[i]
		v.Move(fyne.NewPos(x+(colW-v.MinSize().Width)/2, top+plotH-h-textH))
		l := r.labels[i]
		l.Move(fyne.NewPos(x+(colW-l.MinSize().Width)/2, top+plotH))
	}
	width := colW * float32(len(r.rects))
	thick := max(1, themeSize(r.c, theme.SizeNameInputBorder))
	gy := top + plotH - plotH*float32(clamp01(r.c.bars.Goal))
	r.goal.Move(fyne.NewPos(0, gy-thick/2))
	r.goal.Resize(fyne.NewSize(width, thick))
	r.goalText.Move(fyne.NewPos(width-r.goalText.MinSize().Width, 0))
	r.goal.Hidden = r.c.bars.Goal <= 0
	r.goalText.Hidden = r.goal.Hidden
}

func (r *barRenderer) MinSize() fyne.Size {
	colW, plotH, textH := r.metrics()
	w, h := colW*float32(len(r.rects)), plotH+2*textH
	if r.c.bars.Goal > 0 {
		w = max(w, r.goalText.MinSize().Width)
		h += textH
	}
	return fyne.NewSize(w, h)
}

func (r *barRenderer) Refresh() {
	ts := themeSize(r.c, theme.SizeNameCaptionText)
	fg := themeColor(r.c, theme.ColorNameForeground)
	primary := themeColor(r.c, theme.ColorNamePrimary)
	for i := range r.rects {
		r.rects[i].FillColor = primary
		r.rects[i].Refresh()
		for _, t := range []*canvas.Text{r.values[i], r.labels[i]} {
			t.Color, t.TextSize = fg, ts
			t.Refresh()
		}
	}
	r.goal.FillColor = themeColor(r.c, theme.ColorNameForeground)
	r.goalText.Color, r.goalText.TextSize = fg, ts
	r.goal.Refresh()
	r.goalText.Refresh()
	r.Layout(r.c.Size())
}

func (r *barRenderer) Objects() []fyne.CanvasObject {
	out := []fyne.CanvasObject{}
	for i := range r.rects {
		out = append(out, r.rects[i], r.values[i], r.labels[i])
	}
	return append(out, r.goal, r.goalText)
}

func (r *barRenderer) Destroy() {}
