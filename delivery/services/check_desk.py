"""The checks page's reads: one check and its PDF file on disk, for signed-in dispatchers.

Rendering belongs to the receipts service and its Huey task; printers fetch PDFs through their own
API with an api key. This module finds a check's file for the preview and download, and queues the
same forced re-render `flask checks requeue --check-id` does.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from delivery.errors import ApiError
from delivery.models import Check
from delivery.services import jobs
from delivery.services.lookup import get_or_404


def get_check(session: Session, check_id: int) -> Check:
    """One check by id; 404 when unknown."""
    return get_or_404(session, Check, check_id, f"No check {check_id}")


def pdf_path(session: Session, check_id: int, media_root: str) -> tuple[Check, Path]:
    """The check and its rendered PDF; 404 while it has none."""
    check = get_check(session, check_id)
    if not check.pdf_file:
        raise ApiError(404, f"Check {check_id} has no PDF yet")
    root = Path(media_root).resolve()
    path = (root / check.pdf_file).resolve()
    # pdf_file comes from the database, but never serve anything outside the media folder.
    if root not in path.parents or not path.is_file():
        raise ApiError(404, f"The PDF of check {check_id} is missing")
    return check, path


def rerender(session: Session, check_id: int) -> None:
    """Queue the check's PDF to be rendered again, whatever its status (a printed check stays printed)."""
    get_check(session, check_id)
    jobs.queued().render_check(check_id, force=True)
