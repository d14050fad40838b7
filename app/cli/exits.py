"""The exit codes of ``merchant-office``, for scripts (documented in ``--help`` and the README).

0: done, every row applied (or needed no change). 1: an error; nothing was changed (or a dry
run found rows that stop the import). 2: a wrong command line (click's own). 3: an import
applied, but left some rows out (skipped, refused, or stock changed since the export); a dry
run that would do so exits with 3 as well. The rows are listed above the summary.
"""

from __future__ import annotations

ROWS_LEFT_OUT = 3
