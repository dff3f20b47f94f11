#!/usr/bin/env bash
# Builds Tidbit's Linux archive and prints its path:
#
#   .ci/package.sh [OUTDIR]          (default: dist)
#
# `fyne package` (fyne.io/tools, run with `go run`, nothing added to go.mod)
# packages the window process tidbit-ui with its .desktop file and icon,
# from the metadata in FyneApp.toml. Tidbit is two programs, so the archive
# is then completed: the resident `tidbit` (tray, scheduler, CLI; it starts
# tidbit-ui from the folder it is in) goes next to tidbit-ui, the menu entry
# starts `tidbit` (tidbit-ui alone needs a window name and no tray would
# run), and the install Makefile installs both programs.
#
# Environment: GO (default go), VERSION (default: git describe),
# FYNE_TOOLS (default fyne.io/tools/cmd/fyne@v1.7.4).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
GO=${GO:-go}
FYNE_TOOLS=${FYNE_TOOLS:-fyne.io/tools/cmd/fyne@v1.7.4}
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
out=${1:-dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# detail KEY: a value of FyneApp.toml's [Details] table.
detail() {
	sed -n '/^\[Details\]/,/^\[/p' FyneApp.toml |
		sed -n "s/^$1[[:space:]]*=[[:space:]]*\"\{0,1\}\([^\"]*\)\"\{0,1\}[[:space:]]*\$/\1/p" | head -n 1
}
id=$(detail ID)
name=$(detail Name)
appversion=$(detail Version)
build=$(detail Build)
icon=$(detail Icon)
for v in id name appversion build icon; do
	if [ -z "${!v}" ]; then
		echo "package.sh: FyneApp.toml [Details] has no ${v} value" >&2
		exit 1
	fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
arch=$($GO env GOARCH)
$GO build -ldflags "-X main.version=$VERSION" -o "$work/bin/tidbit" ./cmd/tidbit
$GO build -ldflags "-X main.version=$VERSION" -o "$work/bin/tidbit-ui" ./cmd/tidbit-ui

# --executable: package the binary built above (same flags as make build);
# metadata as flags: fyne reads FyneApp.toml only from --src and would
# rewrite its Build number there.
(cd "$work" && $GO run "$FYNE_TOOLS" package --target linux --src "$root/cmd/tidbit-ui" \
	--executable "$work/bin/tidbit-ui" --name "$name" --app-id "$id" \
	--app-version "$appversion" --app-build "$build" --icon "$root/$icon") >&2

mkdir "$work/x"
tar -xJf "$work/$name.tar.xz" -C "$work/x"
top=$(find "$work/x" -mindepth 1 -maxdepth 1 -type d | head -n 1)
bindir=$(dirname "$(find "$top" -type f -path '*/bin/tidbit-ui' | head -n 1)")
prefix=${bindir#"$top/"}
prefix=${prefix%/bin}
desktop="$top/$prefix/share/applications/$id.desktop"
if [ ! -f "$desktop" ] || [ ! -f "$top/$prefix/share/pixmaps/$id.png" ]; then
	echo "package.sh: fyne package made no $id.desktop or icon under $prefix/share" >&2
	exit 1
fi
install -m 0755 "$work/bin/tidbit" "$bindir/tidbit"
sed -i -e 's/^Exec=tidbit-ui$/Exec=tidbit/' \
	-e 's/^Keywords=fyne;$/Keywords=learning;micro-learning;quiz;spaced repetition;/' "$desktop"
grep -q '^Categories=' "$desktop" || sed -i '/^Icon=/a Categories=Education;' "$desktop"
grep -q '^Comment=' "$desktop" || sed -i '/^Icon=/a Comment=Short lessons at good moments in your day' "$desktop"

cat >"$top/Makefile" <<EOF
# Tidbit: "sudo make install" (to /usr/local, or /usr when there is no
# /usr/local), "make user-install" (to ~/.local); uninstall and
# user-uninstall remove the same files. tidbit is the program to run (tray,
# scheduler, command line); it starts tidbit-ui, installed beside it.

LOCAL != test -d \$(DESTDIR)/usr/local && echo -n "/local" || echo -n ""
LOCAL ?= \$(shell test -d \$(DESTDIR)/usr/local && echo "/local" || echo "")
PREFIX ?= /usr\$(LOCAL)
SRC := $prefix
AppID := $id

default:
	@echo 'Run "sudo make install" or "make user-install" (uninstall: "sudo make uninstall", "make user-uninstall").'

install:
	install -Dm00755 \$(SRC)/bin/tidbit \$(DESTDIR)\$(PREFIX)/bin/tidbit
	install -Dm00755 \$(SRC)/bin/tidbit-ui \$(DESTDIR)\$(PREFIX)/bin/tidbit-ui
	install -Dm00644 \$(SRC)/share/applications/\$(AppID).desktop \$(DESTDIR)\$(PREFIX)/share/applications/\$(AppID).desktop
	install -Dm00644 \$(SRC)/share/pixmaps/\$(AppID).png \$(DESTDIR)\$(PREFIX)/share/pixmaps/\$(AppID).png

uninstall:
	-rm \$(DESTDIR)\$(PREFIX)/bin/tidbit \$(DESTDIR)\$(PREFIX)/bin/tidbit-ui
	-rm \$(DESTDIR)\$(PREFIX)/share/applications/\$(AppID).desktop \$(DESTDIR)\$(PREFIX)/share/pixmaps/\$(AppID).png

user-install:
	install -Dm00755 \$(SRC)/bin/tidbit \$(DESTDIR)\$(HOME)/.local/bin/tidbit
	install -Dm00755 \$(SRC)/bin/tidbit-ui \$(DESTDIR)\$(HOME)/.local/bin/tidbit-ui
	install -Dm00644 \$(SRC)/share/applications/\$(AppID).desktop \$(DESTDIR)\$(HOME)/.local/share/applications/\$(AppID).desktop
	install -Dm00644 \$(SRC)/share/pixmaps/\$(AppID).png \$(DESTDIR)\$(HOME)/.local/share/icons/\$(AppID).png
	sed -i -e "s,^Exec=tidbit\$\$,Exec=\$(HOME)/.local/bin/tidbit," \$(DESTDIR)\$(HOME)/.local/share/applications/\$(AppID).desktop

user-uninstall:
	-rm \$(DESTDIR)\$(HOME)/.local/bin/tidbit \$(DESTDIR)\$(HOME)/.local/bin/tidbit-ui
	-rm \$(DESTDIR)\$(HOME)/.local/share/applications/\$(AppID).desktop \$(DESTDIR)\$(HOME)/.local/share/icons/\$(AppID).png
EOF

final="tidbit-$VERSION"
mv "$top" "$work/x/$final"
archive="$out/tidbit-$VERSION-linux-$arch.tar.xz"
tar -cJf "$archive" -C "$work/x" "$final"
echo "$archive"
