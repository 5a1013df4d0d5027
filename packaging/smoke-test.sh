#!/usr/bin/env bash
# Smoke test of the built bundle (packaging/build-linux.sh first). Copies dist/vonxoay/ elsewhere and runs it
# there with a bare environment, so nothing of the source tree or the .venv can help it:
#   1. every shared library the bundle's programs and plugins need is found (in the bundle or the system);
#   2. `vonxoay --version` and `vonxoay-cli --version`;
#   3. the window opens on a new demo commune offscreen, draws, names the commune and closes (exit 0);
#   4. the command line checks those books, backs them up and prints receipts to a PDF with Vietnamese text.
set -euo pipefail
cd "$(dirname "$0")/.."
BUNDLE=${1:-dist/vonxoay}
[ -x "$BUNDLE/vonxoay" ] || { echo "no bundle at $BUNDLE: run packaging/build-linux.sh first" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -a "$BUNDLE" "$work/app"
app=$work/app
data="$work/dữ liệu xã"
run() { (cd "$work" && env -i PATH=/usr/bin:/bin HOME="$work" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen "$@"); }
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
shown=$(run "$app/vonxoay" --data-dir "$data" --smoke-test)
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
echo "==> smoke test passed: $(du -sm "$BUNDLE" | cut -f1) MB unpacked"
