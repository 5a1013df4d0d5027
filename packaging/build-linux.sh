#!/usr/bin/env bash
# Build the one-folder Linux bundle dist/vonxoay/ (the window `vonxoay` and its twin `vonxoay-cli`).
#
#     packaging/build-linux.sh            # then: packaging/smoke-test.sh
#
# Uses the project's .venv (made by packaging/dev.py, with the same system packages), adds the pinned
# PyInstaller of packaging/requirements-build.lock (wheels only) and runs packaging/vonxoay.spec.
set -euo pipefail
cd "$(dirname "$0")/.."

# The development set-up (system libraries Qt links against, .venv, runtime pins), without starting anything.
python3 -c 'import sys; sys.path.insert(0, "packaging"); import dev; dev.set_up("run")'

.venv/bin/python -m pip --disable-pip-version-check --no-input install --quiet \
    --only-binary=:all: -r packaging/requirements-build.lock

rm -rf dist/vonxoay build/pyinstaller
.venv/bin/python -m PyInstaller --noconfirm --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/vonxoay.spec

# The desktop entry and icon go beside the programs, for a package or a hand install to pick up.
install -m 0644 packaging/linux/vonxoay.desktop dist/vonxoay/vonxoay.desktop
install -m 0644 resources/icons/vonxoay.png dist/vonxoay/vonxoay.png

size=$(du -sm dist/vonxoay | cut -f1)
echo "==> dist/vonxoay/: ${size} MB unpacked, $(find dist/vonxoay -type f | wc -l) files"
