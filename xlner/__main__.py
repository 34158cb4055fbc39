"""``python -m xlner`` and the ``xlner`` script: the CLI, where an interrupt while it starts
up (importing) ends as one later does: exit 130, one line, no traceback."""

import sys


def entry() -> int:
    """Import and run :func:`xlner.cli.main.main`."""
    try:
        from xlner.cli.main import main
    except KeyboardInterrupt:
        print("xlner: interrupted while starting; nothing was written", file=sys.stderr)
        return 130
    return main()


if __name__ == "__main__":
    sys.exit(entry())
