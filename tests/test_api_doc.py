"""docs/api.md lists the current public API (later notebooks, graders and outside checks call these names)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_api_doc_is_up_to_date():
    result = subprocess.run(
        [sys.executable, "scripts/make_api_doc.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, "docs/api.md is stale: run python scripts/make_api_doc.py"
