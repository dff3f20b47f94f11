package tray

import (
	"sync"

	"fyne.io/systray"
)

// Systray is the Host backed by fyne.io/systray. The library keeps global
// state, so a process has at most one; on Linux it needs no main thread
// and no GTK (it speaks StatusNotifierItem over the session D-Bus), and
// without a tray host it logs "failed to register" and registers when one
// appears.
type Systray struct {
	mu  sync.Mutex
	end func()
}

// NewSystray returns the real tray host.
func NewSystray() *Systray { return &Systray{} }

var _ Host = (*Systray)(nil)

// Start implements Host.
func (s *Systray) Start(ready func()) {
	start, end := systray.RunWithExternalLoop(ready, nil)
	s.mu.Lock()
	s.end = end
	s.mu.Unlock()
	start()
}

// Stop implements Host.
func (s *Systray) Stop() {
	s.mu.Lock()
	end := s.end
	s.end = nil
	s.mu.Unlock()
	if end == nil {
		return
	}
	defer func() {
		// systray v1.12.2 closes its D-Bus connection unconditionally and
		// panics when there never was one (no session bus): nothing is left
		// to clean up then.
		_ = recover()
	}()
	end()
}

// SetIcon implements Menu.
func (s *Systray) SetIcon(png []byte) {
	defer survive()
	systray.SetIcon(png)
}

// SetTooltip implements Menu.
func (s *Systray) SetTooltip(text string) {
	defer survive()
	systray.SetTooltip(text)
}

// survive keeps the resident process alive when the session bus goes
// away under it: systray v1.12.2 sets D-Bus properties with SetMust, which
// panics on a closed connection. The icon is lost until the next start;
// the scheduler and the store keep working.
func survive() { _ = recover() }

// AddSeparator implements Menu.
func (s *Systray) AddSeparator() { systray.AddSeparator() }

// Add implements Menu. Each item gets a goroutine that turns its click
// channel into onClick calls; it ends with the process.
func (s *Systray) Add(parent Item, title string, onClick func()) Item {
	var it *systray.MenuItem
	if p, ok := parent.(*systray.MenuItem); ok && p != nil {
		it = p.AddSubMenuItem(title, "")
	} else {
		it = systray.AddMenuItem(title, "")
	}
	if onClick != nil {
		go func() {
			for range it.ClickedCh {
				onClick()
			}
		}()
	}
	return it
}
