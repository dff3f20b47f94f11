package settings

import (
	"net/url"
	"path/filepath"
	"strings"
)

// isURL reports whether a calendar source is a URL rather than a file.
func isURL(src string) bool { return strings.Contains(src, "://") }

// CalendarSource tidies a calendar source as typed: "~/" is the home
// folder, and a relative file path is made absolute against dir (the
// tray reads it later, from another folder). URLs are kept as they are.
// An empty home or dir leaves those forms alone (see IsRelativeFile).
func CalendarSource(src, home, dir string) string {
	src = strings.TrimSpace(src)
	if src == "" || isURL(src) {
		return src
	}
	if home != "" && (src == "~" || strings.HasPrefix(src, "~/")) {
		return filepath.Join(home, strings.TrimPrefix(src, "~"))
	}
	if dir != "" && !filepath.IsAbs(src) {
		return filepath.Join(dir, src)
	}
	return src
}

// ShowSource is a calendar source for the screen: a password in a URL
// (caldav+https://me:secret@host/) is shown as ***.
func ShowSource(src string) string {
	if !isURL(src) {
		return src
	}
	u, err := url.Parse(src)
	if err != nil || u.User == nil {
		return src
	}
	if _, has := u.User.Password(); !has {
		return src
	}
	u.User = url.UserPassword(u.User.Username(), "***")
	return strings.Replace(u.String(), "%2A%2A%2A@", "***@", 1)
}

// IsRelativeFile reports a file source given relative to some folder: the
// tray, started elsewhere, could not find it. Callers tidy sources with
// CalendarSource or refuse these.
func IsRelativeFile(src string) bool {
	src = strings.TrimSpace(src)
	return src != "" && !isURL(src) && !filepath.IsAbs(src)
}
