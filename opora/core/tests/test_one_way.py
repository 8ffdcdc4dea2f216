"""The one way to do each thing (docs/architecture.md, «One way to do each thing»), checked
on the source: the layers, protected fetches, service errors on forms, dates."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_layers_hold() -> None:
    """import-linter's layers contract (pyproject.toml): the core imports no app, and each
    app imports only the layers below it."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
