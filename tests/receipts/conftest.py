"""Fixtures of the receipts tests: the fixture printers, a sample order, and a stand-in renderer.

Most tests need a rendered check, not wkhtmltopdf: `fake_pdf` swaps the HTML -> PDF step for one
that writes a tiny PDF holding the HTML, so they run fast and anywhere. Tests marked `pdf` use the
real wkhtmltopdf; they skip without it, except under CI=true, where they fail.
"""
from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path

import pytest

from delivery.api.receipt_schemas import ORDER_EXAMPLE

# The api.yml example, as the OpenAPI document carries it.
SAMPLE_ORDER = ORDER_EXAMPLE


@pytest.fixture
def order():
    """A fresh copy of the contract's example order (point 1: printers key1 kitchen, key2 client)."""
    return copy.deepcopy(SAMPLE_ORDER)


@pytest.fixture
def printers(session):
    """The fixture printers key1..key7 at points 1-3, as `flask seed` loads them."""
    from delivery.services.fixtures import load_printers

    load_printers(session)
    return session


@pytest.fixture
def fake_pdf(monkeypatch):
    """Render checks without wkhtmltopdf: write the HTML into a small file that starts like a PDF."""
    rendered: list[tuple[str, Path]] = []

    def html_to_pdf(html: str, target: Path, binary):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"%PDF-1.4\n% fake\n" + html.encode("utf-8"))
        rendered.append((html, target))
        return target

    monkeypatch.setattr("delivery.printing.html_to_pdf", html_to_pdf)
    return rendered


@pytest.fixture
def wkhtmltopdf():
    """The real wkhtmltopdf and pdftotext, or a skip (a failure under CI=true)."""
    missing = [tool for tool in ("wkhtmltopdf", "pdftotext") if shutil.which(tool) is None]
    if missing:
        message = f"{' and '.join(missing)} not installed"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return shutil.which("wkhtmltopdf")
