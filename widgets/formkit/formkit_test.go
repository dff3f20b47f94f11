package formkit

import (
	"github.com/tidbit-learn/tidbit/widgets/internal/fynetest"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

func TestMain(m *testing.M) { fynetest.Main(m) }

// TestKeysFromEveryWidget: Escape reaches the window from whatever has
// focus (plain Fyne widgets swallow it), Ctrl+S saves, Enter submits
// where a widget offers it, and the widgets' own keys still work.
func TestKeysFromEveryWidget(t *testing.T) {
	var esc, save, submit, tapped int
	k := &Keys{Escape: func() { esc++ }, Save: func() { save++ }}
	entry := NewEntry(k, "hint", func() { submit++ })
	button := NewButton(k, "Go", func() { tapped++ })
	check := NewCheck(k, "Tick", nil)
	check.OnSubmit = func() { submit++ }
	sel := NewSelect(k, []string{"a", "b"}, nil)
	sel.OnSubmit = func() { submit++ }
	sel.SetSelectedIndex(0)
	w := test.NewTempWindow(t, container.NewVBox(entry, button, check, sel))
	k.Attach(w)
	press := func(n fyne.KeyName) {
		ev := &fyne.KeyEvent{Name: n}
		if f := w.Canvas().Focused(); f != nil {
			f.TypedKey(ev)
		} else {
			w.Canvas().OnTypedKey()(ev)
		}
	}
	cases := []struct {
		name  string
		focus fyne.Focusable
		key   fyne.KeyName
		check func() bool
	}{
		{"escape, nothing focused", nil, fyne.KeyEscape, func() bool { return esc == 1 }},
		{"escape in an entry", entry, fyne.KeyEscape, func() bool { return esc == 2 }},
		{"escape on a button", button, fyne.KeyEscape, func() bool { return esc == 3 }},
		{"escape on a check box", check, fyne.KeyEscape, func() bool { return esc == 4 }},
		{"escape on a choice", sel, fyne.KeyEscape, func() bool { return esc == 5 }},
		{"enter in an entry", entry, fyne.KeyReturn, func() bool { return submit == 1 }},
		{"enter on a check box", check, fyne.KeyReturn, func() bool { return submit == 2 }},
		{"enter on a choice", sel, fyne.KeyEnter, func() bool { return submit == 3 }},
		{"space presses a button", button, fyne.KeySpace, func() bool { return tapped == 1 }},
		{"enter presses a button", button, fyne.KeyReturn, func() bool { return tapped == 2 }},
		{"right changes a choice", sel, fyne.KeyRight, func() bool { return sel.Selected == "b" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.focus != nil {
				w.Canvas().Focus(tc.focus)
			} else {
				w.Canvas().Unfocus()
			}
			press(tc.key)
			if !tc.check() {
				t.Fatalf("esc %d, submit %d, tapped %d, selected %q", esc, submit, tapped, sel.Selected)
			}
		})
	}
	// Ctrl+S from an entry (which takes shortcuts itself) and from the canvas.
	w.Canvas().Focus(entry)
	entry.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierControl})
	w.Canvas().Unfocus()
	w.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierControl})
	if save != 2 {
		t.Fatalf("saved %d times, want 2", save)
	}
	// Typing still types.
	test.Type(entry, "abc")
	if entry.Text != "abc" {
		t.Fatalf("entry %q", entry.Text)
	}
}

func TestBackgroundDeliversEveryResult(t *testing.T) {
	var got atomic.Int64
	b := &Background{Do: func(f func()) { f() }}
	for i := 1; i <= 10; i++ {
		Go(b, func() int { return i }, func(n int) { got.Add(int64(n)) })
	}
	b.Wait()
	if got.Load() != 55 {
		t.Fatalf("sum of results %d, want 55", got.Load())
	}
}

func TestSetError(t *testing.T) {
	l := ErrorLabel()
	if l.Visible() {
		t.Fatal("an empty error label shows")
	}
	SetError(l, "wrong")
	if !l.Visible() || l.Text != "wrong" {
		t.Fatal("error not shown")
	}
	SetError(l, "")
	if l.Visible() {
		t.Fatal("cleared error still shows")
	}
}

// TestFollowKeepsTheFocusedFieldInView: tabbing down a long form scrolls
// it, and back up scrolls back.
func TestFollowKeepsTheFocusedFieldInView(t *testing.T) {
	a := test.NewTempApp(t)
	k := &Keys{}
	var entries []*Entry
	box := container.NewVBox()
	for i := 0; i < 30; i++ {
		e := NewEntry(k, "", nil)
		entries = append(entries, e)
		box.Add(e)
	}
	sc := container.NewVScroll(box)
	w := a.NewWindow("long")
	w.SetContent(sc)
	w.Resize(fyne.NewSize(200, 200))
	Follow(k, sc, a.Driver())
	w.Canvas().Focus(entries[29])
	if sc.Offset.Y == 0 {
		t.Fatal("focusing the last field did not scroll")
	}
	last := sc.Offset.Y
	w.Canvas().Focus(entries[0])
	if sc.Offset.Y >= last || sc.Offset.Y != 0 {
		t.Fatalf("focusing the first field left the offset at %v", sc.Offset.Y)
	}
	// A button under the page (Fixed keys) scrolls nothing when focused;
	// with the page's keys it would have moved the page to its end.
	for _, tc := range []struct {
		name   string
		keys   *Keys
		scroll bool
	}{{"fixed", k.Fixed(), false}, {"followed", k, true}} {
		t.Run(tc.name, func(t *testing.T) {
			sc.ScrollToOffset(fyne.NewPos(0, 0))
			save := NewButton(tc.keys, "Save", func() {})
			w.SetContent(container.NewBorder(nil, save, nil, nil, sc))
			w.Resize(fyne.NewSize(200, 200))
			w.Canvas().Focus(save)
			if moved := sc.Offset.Y != 0; moved != tc.scroll {
				t.Fatalf("offset %v after focusing the button under the page, want moved %v", sc.Offset.Y, tc.scroll)
			}
		})
	}
}
