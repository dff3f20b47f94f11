//go:build !unix

package instance

import (
	"errors"
	"os"
)

// lockFile without flock uses an exclusive create; a crash can leave the
// file behind, and ErrLocked's caller names the file to delete.
func lockFile(path string) (release func(), holder int, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil, 0, ErrLocked
	}
	if err != nil {
		return nil, 0, err
	}
	f.Close()
	return func() { os.Remove(path) }, 0, nil
}
