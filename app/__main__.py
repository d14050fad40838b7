"""The ``merchant-office`` command (and ``python -m app``, the bundle's entry).

A bare ``merchant-office`` opens the desktop app straight away, without loading every command's
module first, so the sign-in dialog paints sooner; anything else goes to the CLI.
"""

from __future__ import annotations

import sys


def main() -> None:
    if len(sys.argv) == 1:
        from app.system_libraries import check_before_qt

        problem = check_before_qt()
        if problem:  # Qt would abort without a word of why
            print(problem, file=sys.stderr)
            sys.exit(1)
        from app.gui import run_app

        sys.exit(run_app())
    from app.cli import cli

    cli()


if __name__ == "__main__":
    main()
