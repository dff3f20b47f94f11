package windows

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
)

func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }

// goalLayout lays out rows of three: a label as wide as the widest, a
// meter taking the rest, the meter's text as wide as the widest text.
type goalLayout struct{}

func newGoalLayout() fyne.Layout { return goalLayout{} }

func (goalLayout) cols(objs []fyne.CanvasObject) (a, c, rowH float32) {
	for i := 0; i+2 < len(objs); i += 3 {
		a = max(a, objs[i].MinSize().Width)
		c = max(c, objs[i+2].MinSize().Width)
		rowH = max(rowH, objs[i].MinSize().Height, objs[i+2].MinSize().Height)
	}
	return
}

func (g goalLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	a, c, rowH := g.cols(objs)
	pad := theme.Padding()
	for i := 0; i+2 < len(objs); i += 3 {
		y := float32(i/3) * (rowH + pad)
		objs[i].Move(fyne.NewPos(0, y))
		objs[i].Resize(fyne.NewSize(a, rowH))
		mh := objs[i+1].MinSize().Height
		objs[i+1].Move(fyne.NewPos(a+pad, y+(rowH-mh)/2))
		objs[i+1].Resize(fyne.NewSize(max(0, size.Width-a-c-2*pad), mh))
		objs[i+2].Move(fyne.NewPos(size.Width-c, y))
		objs[i+2].Resize(fyne.NewSize(c, rowH))
	}
}

func (g goalLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, c, rowH := g.cols(objs)
	rows := float32(len(objs) / 3)
	m := float32(0)
	if len(objs) > 1 {
		m = objs[1].MinSize().Width
	}
	return fyne.NewSize(a+m+c+2*theme.Padding(), rows*rowH+max(0, rows-1)*theme.Padding())
}
