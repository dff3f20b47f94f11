package presence

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// Runner runs a program and returns its standard output. It must honour ctx's
// deadline.
type Runner func(ctx context.Context, name string, args ...string) ([]byte, error)

// ExecRunner runs the program found in PATH, killing it when ctx ends.
func ExecRunner(ctx context.Context, name string, args ...string) ([]byte, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return nil, fmt.Errorf("%s not installed", name)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.WaitDelay = 200 * time.Millisecond
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", name, ctx.Err())
		}
		msg := strings.TrimSpace(errb.String())
		if len(msg) > 200 {
			msg = msg[:200]
		}
		return nil, fmt.Errorf("%s %s: %w (%s)", name, strings.Join(args, " "), err, msg)
	}
	return out.Bytes(), nil
}

// pactlMicrophone: any recording stream (source output) means the microphone
// is in use, e.g. by a call.
type pactlMicrophone struct{ run Runner }

func (pactlMicrophone) Signal() Signal { return Microphone }
func (pactlMicrophone) Name() string   { return "pactl source-outputs" }

func (p pactlMicrophone) Check(ctx context.Context) (bool, error) {
	out, err := p.run(ctx, "pactl", "list", "short", "source-outputs")
	if err != nil {
		return false, err
	}
	return len(bytes.TrimSpace(out)) > 0, nil
}

// gnomeBanners: GNOME's do-not-disturb switch sets show-banners to false.
type gnomeBanners struct{ run Runner }

func (gnomeBanners) Signal() Signal { return DoNotDisturb }
func (gnomeBanners) Name() string   { return "GNOME show-banners (gsettings)" }

func (g gnomeBanners) Check(ctx context.Context) (bool, error) {
	out, err := g.run(ctx, "gsettings", "get", "org.gnome.desktop.notifications", "show-banners")
	if err != nil {
		return false, err
	}
	return parseBool(out, "show-banners", true)
}

// xfceDND reads xfce4-notifyd's do-not-disturb through xfconf.
type xfceDND struct{ run Runner }

func (xfceDND) Signal() Signal { return DoNotDisturb }
func (xfceDND) Name() string   { return "xfce4-notifyd do-not-disturb (xfconf)" }

func (x xfceDND) Check(ctx context.Context) (bool, error) {
	out, err := x.run(ctx, "xfconf-query", "-c", "xfce4-notifyd", "-p", "/do-not-disturb")
	if err != nil {
		return false, err
	}
	return parseBool(out, "/do-not-disturb", false)
}

// parseBool reads "true"/"false" as gsettings and xfconf-query print them;
// invert is set when false means "not now".
func parseBool(out []byte, what string, invert bool) (bool, error) {
	s := strings.TrimSpace(string(out))
	var v bool
	switch s {
	case "true":
		v = true
	case "false":
		v = false
	default:
		if len(s) > 40 {
			s = s[:40] + "..."
		}
		return false, fmt.Errorf("%s: unexpected value %q", what, s)
	}
	if invert {
		v = !v
	}
	return v, nil
}
