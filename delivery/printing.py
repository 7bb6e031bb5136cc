"""HTML to PDF with wkhtmltopdf; the only module that imports pdfkit.

wkhtmltopdf fetches any URL it finds in the HTML, so it runs with local file access disabled and
every network request blocked: the receipt templates carry their CSS and fonts inline.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

import pdfkit

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "wkhtmltopdf is not installed, so checks stay 'new' until it is: "
    "install it with `sudo apt-get install -y wkhtmltopdf` (Debian/Ubuntu), or set WKHTMLTOPDF "
    "to its path, or run the wkhtmltopdf service of docker-compose.yml."
)

OPTIONS = {
    "encoding": "UTF-8",
    "page-width": "80mm",
    "page-height": "200mm",
    "margin-top": "4mm",
    "margin-bottom": "4mm",
    "margin-left": "4mm",
    "margin-right": "4mm",
    "disable-local-file-access": None,
    "disable-external-links": None,
    "disable-javascript": None,
    "no-images": None,
    "quiet": None,
}


class PdfUnavailable(RuntimeError):
    """wkhtmltopdf cannot be found: PDFs wait for it."""


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
