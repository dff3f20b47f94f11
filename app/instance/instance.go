// Package instance keeps one resident process per data folder and lets a
// second start hand over to it. The lock is an advisory flock on a file in
// the data folder (released by the kernel when the holder dies, so a crash
// leaves nothing stale). The handover is a Unix domain socket file next to
// it, mode 0600 in a 0700 folder: only the same user can connect, and it is
// not a network socket — nothing listens on any address or port.
//
// The protocol is one line each way: the client sends a command ("show"),
// the server answers "ok" or "error: ...".
package instance

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"
)

// ErrLocked means another process holds the lock.
var ErrLocked = errors.New("another process holds the lock")

// Lock takes the lock file at path without waiting. On ErrLocked, holder is
// the holder's process id when known (0 otherwise).
func Lock(path string) (release func(), holder int, err error) { return lockFile(path) }

// Handler answers one command from a second instance.
type Handler func(cmd string) error

// Server accepts handover requests on a Unix socket.
type Server struct {
	ln   net.Listener
	path string
	wg   sync.WaitGroup
}

// Listen creates the socket at path (removing a stale one: call it only
// while holding the lock) and serves h until Close.
func Listen(path string, h Handler) (*Server, error) {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("removing stale socket %s: %w", path, err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("restricting %s: %w", path, err)
	}
	s := &Server{ln: ln, path: path}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				serve(c, h)
			}()
		}
	}()
	return s, nil
}

// MaxCommand is the longest command line served: room for an `open`
// request carrying a lesson's "why" text (app/ipc), still bounded.
const MaxCommand = 4096

func serve(c net.Conn, h Handler) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReaderSize(c, MaxCommand+2).ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		fmt.Fprintln(c, "error: command too long")
		return
	}
	if err != nil {
		return
	}
	cmd := strings.TrimSpace(string(line))
	if len(cmd) > MaxCommand {
		fmt.Fprintln(c, "error: command too long")
		return
	}
	if err := h(cmd); err != nil {
		fmt.Fprintf(c, "error: %v\n", err)
		return
	}
	fmt.Fprintln(c, "ok")
}

// Close stops serving, waits for open requests and removes the socket.
func (s *Server) Close() error {
	err := s.ln.Close()
	s.wg.Wait()
	_ = os.Remove(s.path)
	return err
}

// Ask sends cmd to the process serving path and waits for its answer.
func Ask(ctx context.Context, path, cmd string) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return fmt.Errorf("reaching the running Tidbit at %s: %w", path, err)
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	} else {
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	}
	if _, err := fmt.Fprintln(c, cmd); err != nil {
		return fmt.Errorf("asking the running Tidbit to %s: %w", cmd, err)
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return fmt.Errorf("reading the running Tidbit's answer: %w", err)
	}
	line = strings.TrimSpace(line)
	if line != "ok" {
		return fmt.Errorf("the running Tidbit answered: %s", strings.TrimPrefix(line, "error: "))
	}
	return nil
}
