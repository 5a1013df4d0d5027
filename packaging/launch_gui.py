"""PyInstaller entry of the window (``vonxoay``): the same ``ui.app:main`` as the installed gui-script."""

import sys

from ui.app import main

if __name__ == "__main__":
    sys.exit(main())
