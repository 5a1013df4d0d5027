"""``python -m ui`` (what ``packaging/dev.py run`` starts): open the window; with no data yet a demo commune
is created, as the README promises. ``--first-run`` shows the start wizard instead, as the installed
program does."""

from ui.app import main

raise SystemExit(main(demo_when_empty=True))
