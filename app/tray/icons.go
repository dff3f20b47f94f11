package tray

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"sync"
)

// IconSize is the tray icons' edge in pixels; tray hosts scale them.
const IconSize = 32

var (
	iconOnce sync.Once
	icons    map[State][]byte
)

// Icon returns the PNG for a state. The icons are drawn in code, once, on
// first use: five flat shapes are a few lines here, and there is no image
// pipeline to keep in step with assets/.
func Icon(s State) []byte {
	iconOnce.Do(func() {
		icons = map[State][]byte{}
		for st := Ready; st <= Problem; st++ {
			icons[st] = drawIcon(st)
		}
	})
	return icons[s]
}

var (
	teal   = color.RGBA{0x1f, 0x8a, 0x8a, 0xff}
	grey   = color.RGBA{0x8a, 0x8a, 0x8a, 0xff}
	red    = color.RGBA{0xc6, 0x28, 0x28, 0xff}
	orange = color.RGBA{0xf5, 0x9e, 0x0b, 0xff}
	white  = color.RGBA{0xff, 0xff, 0xff, 0xff}
)

func drawIcon(s State) []byte {
	img := image.NewRGBA(image.Rect(0, 0, IconSize, IconSize))
	c := float64(IconSize-1) / 2
	disc := func(cx, cy, r float64, col color.RGBA) {
		for y := 0; y < IconSize; y++ {
			for x := 0; x < IconSize; x++ {
				dx, dy := float64(x)-cx, float64(y)-cy
				if dx*dx+dy*dy <= r*r {
					img.SetRGBA(x, y, col)
				}
			}
		}
	}
	rect := func(x0, y0, x1, y1 int, col color.RGBA) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				img.SetRGBA(x, y, col)
			}
		}
	}
	switch s {
	case Ready:
		disc(c, c, 14, teal)
		disc(c, c, 5, white)
	case Waiting:
		disc(c, c, 14, teal)
		disc(c, c, 5, white)
		disc(25, 6, 6, orange)
	case Snoozed:
		disc(c, c, 14, grey)
		rect(10, 10, 22, 13, white) // a "z"
		for i := 0; i < 10; i++ {
			rect(20-i, 12+i, 23-i, 14+i, white)
		}
		rect(10, 20, 22, 23, white)
	case Paused:
		disc(c, c, 14, grey)
		rect(10, 9, 14, 23, white)
		rect(18, 9, 22, 23, white)
	case Problem:
		disc(c, c, 14, red)
		rect(14, 7, 18, 19, white)
		rect(14, 21, 18, 25, white)
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img) // encoding to memory cannot fail
	return b.Bytes()
}
