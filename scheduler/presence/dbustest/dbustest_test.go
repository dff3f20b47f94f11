//go:build !windows

package dbustest

import (
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"
)

// TestStart: the bus takes connections and name requests at once, lets a
// client eavesdrop, and is gone when the test that started it ends.
func TestStart(t *testing.T) {
	addr := ""
	t.Run("bus", func(t *testing.T) {
		addr = Start(t)
		if !strings.HasPrefix(addr, "unix:path=") {
			t.Fatalf("address %q", addr)
		}
		conn, err := dbus.Connect(addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		reply, err := conn.RequestName("org.example.Tidbit.Test", dbus.NameFlagDoNotQueue)
		if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
			t.Errorf("RequestName: %v %v", reply, err)
		}
		if err := conn.BusObject().Call("org.freedesktop.DBus.AddMatch", 0, "eavesdrop=true,type='signal'").Err; err != nil {
			t.Errorf("eavesdropping refused: %v", err)
		}
		var activatable []string
		if err := conn.BusObject().Call("org.freedesktop.DBus.ListActivatableNames", 0).Store(&activatable); err != nil {
			t.Fatal(err)
		}
		for _, n := range activatable {
			if n != "org.freedesktop.DBus" {
				t.Errorf("%s is activatable: the bus must have no service directories", n)
			}
		}
	})
	if addr == "" {
		return // skipped: no dbus-daemon
	}
	if conn, err := dbus.Connect(addr); err == nil {
		conn.Close()
		t.Error("the bus still takes connections after its test ended")
	}
}
