package windows

import (
	"fmt"
	"github.com/tidbit-learn/tidbit/widgets/formkit"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/tidbit-learn/tidbit/widgets/windows/view"
)

// ProgressSize fits the charts without scrolling at the default text size.
var ProgressSize = fyne.NewSize(560, 640)

// Progress is an open Progress window.
type Progress struct {
	*frame
	Close *formkit.Button // the only control: Tab lands here, Enter or Space closes
}

// ShowProgress opens a Progress window on p. onClosed runs once, after
// Escape, the Close button or the window's close button hid it.
func ShowProgress(a fyne.App, p view.Progress, onClosed func()) *Progress {
	w := &Progress{frame: newFrame(a, "Progress", ProgressSize, onClosed)}
	w.Close = formkit.NewButton(w.barKeys(w.scrollKey), "Close", w.close)

	body := container.NewVBox(heading(p.Streak))
	if p.Empty {
		body.Add(wrapped("Nothing done yet. Finish a lesson and your days, minutes and skills show here."))
	}
	goals := container.New(newGoalLayout(),
		bold("Today"), newMeter(p.Today.Fraction, 0), widget.NewLabel(p.Today.Label),
		bold("This week"), newMeter(p.Week.Fraction, 0), widget.NewLabel(p.Week.Label))
	body.Add(goals)

	active := 0
	for _, wk := range p.Calendar {
		for _, d := range wk.Days {
			if d.Count > 0 {
				active++
			}
		}
	}
	body.Add(heading(fmt.Sprintf("Last %d weeks", len(p.Calendar))))
	body.Add(container.NewHBox(newCalendar(p.Calendar)))
	body.Add(widget.NewLabel(fmt.Sprintf("Active on %d of %d days; a full square is the daily goal.", active, 7*len(p.Calendar))))

	body.Add(heading("Minutes per week"))
	body.Add(container.NewHBox(newBarChart(p.Minutes)))

	body.Add(heading("Mastery per skill"))
	if len(p.Skills) == 0 {
		body.Add(wrapped("No answers yet: each skill appears after its first quiz."))
	}
	cat := ""
	for _, s := range p.Skills {
		if s.Category != cat {
			cat = s.Category
			body.Add(bold(cat))
		}
		body.Add(skillRow(s))
	}
	if len(p.Skills) > 0 {
		body.Add(wrapped("The bar is the estimated chance of answering a typical question right; the mark is your profile's target."))
	}

	// Both ways: at a large text size the charts may be wider than the window.
	w.scroll = container.NewScroll(container.NewPadded(body))
	w.win.SetContent(container.NewBorder(nil, container.NewHBox(widget.NewLabel("Esc closes · arrows scroll"), layoutSpacer(), w.Close),
		nil, nil, w.scroll))
	w.show()
	return w
}

// skillRow is a skill's name and numbers over its bar.
func skillRow(s view.SkillBar) fyne.CanvasObject {
	return container.NewVBox(container.NewBorder(nil, nil, nil, widget.NewLabel(s.Text), widget.NewLabel(s.Name)),
		newMeter(s.Mastery, s.Target))
}
