package presence

import (
	"bytes"
	"fmt"
	"strconv"
	"time"
)

// ParseHIDIdleTime reads the first `"HIDIdleTime" = N` line of ioreg's output
// (N in nanoseconds), as macOS prints it for IOHIDSystem.
func ParseHIDIdleTime(out []byte) (time.Duration, error) {
	key := []byte(`"HIDIdleTime"`)
	for n, line := range bytes.Split(out, []byte("\n")) {
		i := bytes.Index(line, key)
		if i < 0 {
			continue
		}
		rest := bytes.TrimSpace(line[i+len(key):])
		if len(rest) == 0 || rest[0] != '=' {
			return 0, fmt.Errorf("ioreg output line %d: no '=' after HIDIdleTime", n+1)
		}
		v, err := strconv.ParseUint(string(bytes.TrimSpace(rest[1:])), 10, 63)
		if err != nil {
			return 0, fmt.Errorf("ioreg output line %d: HIDIdleTime: %w", n+1, err)
		}
		return time.Duration(v), nil
	}
	return 0, fmt.Errorf("ioreg output: no HIDIdleTime")
}
