#!/usr/bin/env bash
# Install the built bundle for the current user, with a menu entry and icon (no root needed):
#
#     packaging/linux/install-user.sh [BUNDLE]      # default dist/vonxoay; uninstall: --remove
#
# Program: ~/.local/opt/vonxoay/; commands: ~/.local/bin/vonxoay, vonxoay-cli; menu entry and icon under
# ~/.local/share. The commune's books stay in ~/.local/share/VonXoay, which --remove never touches.
set -euo pipefail
cd "$(dirname "$0")/../.."
prefix="$HOME/.local"
app="$prefix/opt/vonxoay"
entry="$prefix/share/applications/vonxoay.desktop"
icon="$prefix/share/icons/hicolor/256x256/apps/vonxoay.png"

if [ "${1:-}" = "--remove" ]; then
    rm -rf "$app" "$entry" "$icon" "$prefix/bin/vonxoay" "$prefix/bin/vonxoay-cli"
    echo "VốnXoay removed; the books in $prefix/share/VonXoay are kept."
    exit 0
fi

bundle=${1:-dist/vonxoay}
[ -x "$bundle/vonxoay" ] || { echo "no bundle at $bundle: run packaging/build-linux.sh first" >&2; exit 1; }
rm -rf "$app"
mkdir -p "$app" "$prefix/bin" "$(dirname "$entry")" "$(dirname "$icon")"
cp -a "$bundle/." "$app/"
ln -sf "$app/vonxoay" "$prefix/bin/vonxoay"
ln -sf "$app/vonxoay-cli" "$prefix/bin/vonxoay-cli"
install -m 0644 resources/icons/vonxoay.png "$icon"
# The menu does not search ~/.local/bin on every desktop: the entry names the program by its full path.
sed -e "s|^Exec=vonxoay$|Exec=$app/vonxoay|" -e "s|^TryExec=vonxoay$|TryExec=$app/vonxoay|" \
    packaging/linux/vonxoay.desktop > "$entry"
command -v update-desktop-database >/dev/null && update-desktop-database "$(dirname "$entry")" || true
echo "VốnXoay installed in $app; menu entry $entry"
