"""``python -m desktop``: the command line."""

from desktop.cli import main

raise SystemExit(main())
