"""``python -m app``: the same as the ``merchant-office`` command (and the bundle's entry)."""

from app.cli import main

if __name__ == "__main__":
    main()
