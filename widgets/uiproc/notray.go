package uiproc

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// NoTrayText is what the "no tray host" window says: shown once, when
// the desktop has nowhere to put the tray icon (plain GNOME).
const NoTrayText = "Tidbit is running, but this desktop shows no tray icons, so there is no Tidbit icon to click.\n\n" +
	"It still offers short lessons at good moments (before meetings, at natural pauses) in a small window like this one. " +
	"To start one yourself, run `tidbit ui lesson` or `tidbit learn` in a terminal; `tidbit ui settings` opens Settings.\n\n" +
	"To get the icon, install a tray extension (on GNOME: \"AppIndicator and KStatusNotifierItem Support\"). " +
	"`tidbit doctor` checks the desktop."

// openNoTray shows the "no tray host" notice (the resident asks for it
// once). OK or Esc closes it.
func openNoTray(_ context.Context, p *Process, _ Config) (func(fa fyne.App), error) {
	return func(fa fyne.App) {
		w := fa.NewWindow("Tidbit — no tray icon on this desktop")
		text := widget.NewLabel(NoTrayText)
		text.Wrapping = fyne.TextWrapWord
		ok := widget.NewButton("OK", func() { w.Close() })
		ok.Importance = widget.HighImportance
		w.SetContent(container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), ok), nil, nil, text))
		w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
			if ev.Name == fyne.KeyEscape || ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
				w.Close()
			}
		})
		p.Linger.Opened()
		w.SetOnClosed(p.Linger.Closed)
		w.Resize(fyne.NewSize(460, 300))
		w.Show()
		w.Canvas().Focus(ok)
	}, nil
}
