"""``python -m sop_tui``: the ``sop`` command (what a served browser session runs)."""

from sop_tui.cli import main

if __name__ == "__main__":
    main()
