"""``python -m claimcmp`` and the ``claimcmp`` command."""

import sys


def main() -> None:
    # Ctrl-C while the (heavy) command-line modules are still loading ends as
    # quietly as Ctrl-C during a command does.
    try:
        from claimcmp.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        raise SystemExit(130) from None
    run()


if __name__ == "__main__":
    main()
