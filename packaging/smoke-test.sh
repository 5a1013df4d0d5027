#!/usr/bin/env bash
# Smoke test of the built bundle (packaging/build-linux.sh first). Copies dist/vonxoay/ elsewhere and runs it
# there with a bare environment, so nothing of the source tree or the .venv can help it:
#   1. every shared library the bundle's programs and plugins need is found (in the bundle or the system);
#   2. `vonxoay --version` and `vonxoay-cli --version`;
#   3. the window opens on a new demo commune offscreen, draws, names the commune and closes (exit 0);
#   4. the command line checks those books, backs them up and prints receipts to a PDF with Vietnamese text;
#   5. the window program imports every module of ui/ (each page and dialog) and draws page 1 of that PDF
#      through pypdfium2, as the receipt preview and printing do: the native pdfium library works frozen;
#   6. the Qt parts the window uses are in the bundle, and the big unused ones are not.
set -euo pipefail
cd "$(dirname "$0")/.."
BUNDLE=${1:-dist/vonxoay}
[ -x "$BUNDLE/vonxoay" ] || { echo "no bundle at $BUNDLE: run packaging/build-linux.sh first" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -a "$BUNDLE" "$work/app"
app=$work/app
data="$work/dữ liệu xã"
# VONXOAY_TODAY alone is passed through, so a test run "as if it were" another date tests the bundle on it too.
run() { (cd "$work" && env -i PATH=/usr/bin:/bin HOME="$work" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
    ${VONXOAY_TODAY:+VONXOAY_TODAY="$VONXOAY_TODAY"} "$@"); }
fail() { echo "SMOKE TEST FAILED: $*" >&2; exit 1; }

echo "==> shared libraries"
missing=$(find "$app" -type f \( -name '*.so*' -o -name vonxoay -o -name vonxoay-cli \) -print0 \
    | xargs -0 env LD_LIBRARY_PATH="$app/_internal" ldd 2>/dev/null | grep 'not found' | sort -u || true)
[ -z "$missing" ] || fail "libraries not found: $missing"

echo "==> --version"
version=$(run "$app/vonxoay" --version)
cli_version=$(run "$app/vonxoay-cli" --version)
echo "    $version / $cli_version"
[[ $version == "VốnXoay "* && $version == "$cli_version" ]] || fail "unexpected versions: $version / $cli_version"

echo "==> window on a new demo commune (offscreen)"
shown=$(run timeout 300 "$app/vonxoay" --data-dir "$data" --demo --smoke-test) \
    || fail "the window did not open and close on the demo commune (exit $?)"
echo "    $shown"
[[ $shown == "smoke-test: VốnXoay — "* ]] || fail "the window did not report its commune: $shown"

echo "==> command line on the same books"
run "$app/vonxoay-cli" --data-dir "$data" check --json | grep -q '"ok": true' || fail "check found problems"
run "$app/vonxoay-cli" --data-dir "$data" backup --out "$work/sao lưu.sqlite" >/dev/null
[ -s "$work/sao lưu.sqlite" ] || fail "no backup written"
run "$app/vonxoay-cli" --data-dir "$data" receipt pdf --project DA01 --out "$work/phieu-thu.pdf" >/dev/null
text=$(pdftotext "$work/phieu-thu.pdf" - 2>/dev/null || true)
if command -v pdftotext >/dev/null; then
    [[ $text == *"PHIẾU THU"* ]] || fail "the receipts PDF has no Vietnamese title"
fi
echo "    $(du -k "$work/phieu-thu.pdf" | cut -f1) kB of receipts"

echo "==> every ui module imported, receipt page 1 drawn through pypdfium2 (frozen)"
# All of ui/ but the two development entry points (`python -m ui`, `python -m ui.screenshots`).
modules=$(find ui -name '*.py' ! -name '__main__.py' ! -name screenshots.py | sed 's/\.py$//; s#/__init__$##; s#/#.#g' | sort)
drawn=$(run timeout 300 "$app/vonxoay" --smoke-render "$work/phieu-thu.pdf" "$work/trang-1.png" $modules) \
    || fail "the frozen window could not import its modules or draw the PDF: $drawn"
echo "    $drawn"
[[ $drawn == "smoke-render: "*" dark samples" ]] || fail "unexpected answer: $drawn"
[ -s "$work/trang-1.png" ] || fail "no image of page 1"
if [ -n "${SMOKE_KEEP_PNG:-}" ]; then cp "$work/trang-1.png" "$SMOKE_KEEP_PNG"; fi

echo "==> Qt parts: used ones in, unused ones out"
internal=$app/_internal
for needed in libQt6Core.so.6 libQt6Gui.so.6 libQt6Widgets.so.6 libQt6PrintSupport.so.6 libQt6Network.so.6 \
        plugins/printsupport/libcupsprintersupport.so plugins/platforms/libqoffscreen.so \
        plugins/platforms/libqxcb.so; do
    find "$internal" -path "*$needed" | grep -q . || fail "missing from the bundle: $needed"
done
find "$internal" -name 'libpdfium*' | grep -q . || fail "pypdfium2's native library is not in the bundle"
unused=$(find "$internal" \( -name 'libQt6Pdf*' -o -name 'libQt6Qml*' -o -name 'libQt6Quick*' \
    -o -name 'libQt6WebEngine*' -o -name 'libQt6Multimedia*' \
    -o -name 'QtQml*' -o -name 'QtPdf*' \) -printf '%f ')
[ -z "$unused" ] || fail "unused Qt parts in the bundle: $unused"
echo "==> smoke test passed: $(du -sm "$BUNDLE" | cut -f1) MB unpacked"
