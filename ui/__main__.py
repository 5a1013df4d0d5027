"""``python -m ui``: open the window."""

from ui.app import main

raise SystemExit(main())
