"""The live-console benchmark runs against a production-like server (it was refused at start-up once:
its throwaway database counts as production, and its key, cookies and sign-ins must say so)."""
from __future__ import annotations

import subprocess
import sys

from delivery.config import ROOT


def test_the_console_benchmark_runs_and_prints_its_figures():
    done = subprocess.run(
        [sys.executable, "-m", "bench.console", "--consoles", "3", "--idle", "1", "--changes", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "idle consoles polling" in done.stdout and "errors: 0" in done.stdout
