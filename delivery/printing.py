"""A check's layout to HTML (its template) and HTML to PDF (wkhtmltopdf); the only module that imports pdfkit.

wkhtmltopdf fetches any URL it finds in the HTML, so it runs with local file access disabled and
every network request sent to a dead proxy: the receipt templates carry their CSS inline and name
installed fonts (DejaVu Sans) by family. Each call is its own wkhtmltopdf process with no shared
lock, so concurrent workers render concurrently. The PDF task hands `render_check_pdf` to the
receipts service, which decides when to render and records the outcome.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pdfkit
from flask import render_template

from delivery.domain import receipts as rules
from delivery.domain.errors import Unavailable

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "wkhtmltopdf is not installed, so checks stay 'new' until it is: "
    "install it with `sudo apt-get install -y wkhtmltopdf` (Debian/Ubuntu), or set WKHTMLTOPDF "
    "to its path, or run the wkhtmltopdf service of docker-compose.yml."
)

# The originals' page: A4 with 1 cm margins (forfar/templates: `@page { size: A4; margin: 1cm }`).
OPTIONS = {
    "encoding": "UTF-8",
    "page-size": "A4",
    "margin-top": "10mm",
    "margin-bottom": "10mm",
    "margin-left": "10mm",
    "margin-right": "10mm",
    "disable-local-file-access": None,
    "disable-external-links": None,
    "disable-javascript": None,
    "no-images": None,
    # wkhtmltopdf has no switch that forbids the network, so send every request to a proxy that is
    # not there: a URL that slipped into the HTML fails instead of being fetched.
    "proxy": "http://127.0.0.1:1",
    "load-error-handling": "ignore",
    "load-media-error-handling": "ignore",
    "quiet": None,
}


class PdfUnavailable(Unavailable):
    """wkhtmltopdf cannot be found: PDFs wait for it (no retry helps until it is installed)."""


def find_wkhtmltopdf(configured: str | None) -> str | None:
    """Return the wkhtmltopdf binary to use, or None when there is none."""
    if configured:
        return configured if os.access(configured, os.X_OK) else shutil.which(configured)
    return shutil.which("wkhtmltopdf")


def html_to_pdf(html: str, target: Path, binary: str | None) -> Path:
    """Render HTML to `target` atomically: a temporary file beside it, then a rename."""
    executable = find_wkhtmltopdf(binary)
    if not executable:
        raise PdfUnavailable(INSTALL_HINT)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".pdf", dir=target.parent)
    os.close(fd)
    try:
        config = pdfkit.configuration(wkhtmltopdf=executable)
        # PDF on stdout rather than a path: works the same with a containerised wkhtmltopdf wrapper.
        pdf = pdfkit.from_string(html, False, options=OPTIONS, configuration=config)
        Path(temp_name).write_bytes(pdf)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return target


def check_html(check_type: str, order: dict[str, Any]) -> str:
    """Render a check's layout for its order (Jinja autoescapes every field); needs an app context."""
    return render_template(f"receipts/{check_type}_check.html", **rules.receipt_context(order))


def render_check_pdf(check_type: str, order: dict[str, Any], target: Path, binary: str | None) -> Path:
    """A check's PDF at `target`: its layout rendered for the order, then through wkhtmltopdf."""
    return html_to_pdf(check_html(check_type, order), target, binary)
