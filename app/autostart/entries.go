//go:build !windows

package autostart

import (
	"bytes"
	"encoding/xml"
	"strings"
)

// desktopEntry is the XDG autostart entry for exe (Desktop Entry
// Specification 1.5). Exec quotes the path (a space or $ in it must not
// split or expand it) and escapes it twice: once for the quoting rule,
// then for the string rule; % is a field code and is doubled.
func desktopEntry(exe string) []byte {
	var b strings.Builder
	b.WriteString("[Desktop Entry]\n")
	b.WriteString("Type=Application\n")
	b.WriteString("Name=Tidbit\n")
	b.WriteString("Comment=Micro-lessons at the right moments of your day\n")
	b.WriteString("Exec=" + execValue(exe) + "\n")
	b.WriteString("TryExec=" + stringValue(exe) + "\n")
	b.WriteString("Terminal=false\n")
	b.WriteString("NoDisplay=true\n")
	b.WriteString("X-GNOME-Autostart-enabled=true\n")
	return []byte(b.String())
}

func execValue(arg string) string {
	quoted := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "\\`", `$`, `\$`).Replace(arg)
	return strings.ReplaceAll(stringValue(`"`+quoted+`"`), "%", "%%")
}

func stringValue(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\t", `\t`).Replace(s)
}

// launchAgent is the LaunchAgent property list for exe: launchd starts it
// at login (RunAtLoad) as an interactive process.
func launchAgent(exe string) []byte {
	var esc bytes.Buffer
	_ = xml.EscapeText(&esc, []byte(exe))
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>` + Label + `</string>
	<key>ProgramArguments</key>
	<array>
		<string>` + esc.String() + `</string>
	</array>
	<key>RunAtLoad</key>
	<true/>
	<key>ProcessType</key>
	<string>Interactive</string>
</dict>
</plist>
`)
}
