//go:build unix

package daemon

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/tidbit-learn/tidbit/scheduler/presence/dbustest"
)

// notifyServer stands in for a desktop's notification server.
type notifyServer struct {
	conn *dbus.Conn
	mu   sync.Mutex
	got  []string // summary|actions
	next uint32
}

func (s *notifyServer) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	s.got = append(s.got, fmt.Sprintf("%s|%s|%s|%d", app, summary, strings.Join(actions, ","), timeout))
	return s.next, nil
}

func (s *notifyServer) emit(member string, args ...any) error {
	return s.conn.Emit(notifyPath, notifyIface+"."+member, args...)
}

func TestDBusNotifier(t *testing.T) {
	addr := dbustest.Start(t)
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	srv := &notifyServer{conn: conn}

	n, err := NewDBusNotifier(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if n.Available(ctx) {
		t.Fatal("a server is reported before one runs")
	}
	if err := n.Notify(ctx, Notification{Summary: "x"}); err == nil {
		t.Fatal("Notify without a server succeeded")
	}

	if err := conn.Export(srv, notifyPath, notifyIface); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName(notifyName, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("owning %s: %v %v", notifyName, reply, err)
	}
	if !n.Available(ctx) {
		t.Fatal("the stand-in server is not seen")
	}
	keys := make(chan string, 2)
	if err := n.Notify(ctx, Notification{Summary: "Lesson (3 min)", Body: "why", Timeout: 2 * time.Minute,
		Actions: []Action{{"start", "Start"}, {"later", "Later"}}, OnAction: func(k string) { keys <- k }}); err != nil {
		t.Fatal(err)
	}
	if err := n.Notify(ctx, Notification{Summary: "second", OnAction: func(k string) { keys <- "closed:" + k }}); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	got := strings.Join(srv.got, "\n")
	srv.mu.Unlock()
	if want := "Tidbit|Lesson (3 min)|start,Start,later,Later|120000\nTidbit|second||-1"; got != want {
		t.Fatalf("server got\n%s\nwant\n%s", got, want)
	}
	if err := srv.emit("ActionInvoked", uint32(1), "start"); err != nil {
		t.Fatal(err)
	}
	if err := srv.emit("NotificationClosed", uint32(1), uint32(2)); err != nil { // after the action: ignored
		t.Fatal(err)
	}
	if err := srv.emit("NotificationClosed", uint32(2), uint32(1)); err != nil { // expired
		t.Fatal(err)
	}
	for _, want := range []string{"start", "closed:"} {
		select {
		case k := <-keys:
			if k != want {
				t.Fatalf("action %q, want %q", k, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no %q", want)
		}
	}
	select {
	case k := <-keys:
		t.Fatalf("a callback ran twice: %q", k)
	case <-time.After(100 * time.Millisecond):
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
}
