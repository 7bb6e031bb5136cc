"""Receipts by what they are about: printers, and the checks they print.

- Printers: made for real use with a random api key (`create_printer`); a printer authenticates by
  that key (`printer_for_key`).
- Checks: created for an order (`create_checks`), rendered to PDF (`render_check`, run by the PDF
  task), polled and downloaded by their printer (`new_check_ids`, `open_check_pdf`), shown to
  dispatchers and re-rendered on demand (`get_check`, `pdf_path`, `rerender`), and queued again
  when stuck (`stuck_check_ids`).

The database decides races: UNIQUE(printer_id, order_id) lets only one of two concurrent posts of
an order create checks (on PostgreSQL an advisory lock per order id also covers posts naming
different points; SQLite's BEGIN IMMEDIATE serialises writers anyway), and status changes are
conditional UPDATEs (`... WHERE status = 'new'`), so a duplicate or late render task never moves a
printed check back.

Refusals are domain errors carrying the contract's texts (receipts.md): `Invalid` (its 400s) and
`Unauthorized` (its 401); the pages' lookups raise `NotFound`. Turning a check into HTML and PDF is
`delivery.printing`'s: the PDF task hands `render_check` the function that does it.
"""
from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import IO, Any, Callable

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from delivery.domain import receipts as rules
from delivery.domain.errors import Invalid, NotFound, Unauthorized, Unavailable
from delivery.domain.receipts import CheckStatus
from delivery.jsontext import text_fault
from delivery.models import Check, Printer
from delivery.services import consumers, jobs
from delivery.services.clock import utcnow
from delivery.services.lookup import get_one
from delivery.services.tx import is_sqlite, write_transaction

log = logging.getLogger(__name__)


def create_checks(session: Session, order: dict[str, Any], enqueue: Callable[[int], object],
                  posted: dict[str, Any] | None = None) -> list[int]:
    """Create one `new` check per printer of the order's point, then queue a PDF task for each.

    `order` is the validated order (ids parsed); each check stores `posted`, the order exactly as it
    was sent (receipts.md: kept whole), or `order` when not given.
    Raises `Invalid` with the contract's 400s: no printer at the point (checked first), checks exist
    for this order.
    """
    kept = order if posted is None else posted
    try:
        with write_transaction(session):
            _lock_order_id(session, order["id"])
            printers = session.scalars(
                select(Printer).where(Printer.point_id == order["point_id"]).order_by(Printer.id)
            ).all()
            if not printers:
                raise Invalid(rules.NO_PRINTERS)
            if order_has_checks(session, order["id"]):
                raise Invalid(rules.ALREADY_CREATED)
            queued_at = utcnow()
            checks = [
                Check(printer_id=p.id, type=p.check_type, order=kept, order_id=order["id"], status=CheckStatus.NEW,
                      queued_at=queued_at)
                for p in printers
            ]
            session.add_all(checks)
            session.flush()
            check_ids = [check.id for check in checks]
    except IntegrityError as error:
        # A concurrent post of the same order committed first: the unique constraint decided.
        raise Invalid(rules.ALREADY_CREATED) from error
    # Only after the commit: a worker that picks a task up at once must find its check.
    for n, check_id in enumerate(check_ids):
        try:
            enqueue(check_id)
        except Exception:  # the broker is down: the checks are kept, and a consumer's sweep queues
            # them once it is back (services/consumers.py); no point trying the rest now.
            log.exception("could not queue the PDF of check %s; it is queued again later", check_id)
            try:
                consumers.mark_unqueued(session, check_ids[n:])
            except Exception:  # noqa: BLE001 - the sweep still finds them, CHECK_REQUEUE_SECONDS later
                log.exception("could not mark checks %s unqueued", check_ids[n:])
            break
    return check_ids


# Advisory lock class of "an order's checks" (any constant other modules do not use).
_ORDER_LOCK_CLASS = 0x5EC1


def _lock_order_id(session: Session, order_id: int) -> None:
    """On PostgreSQL, serialise posts of one order id, also when they name different points (the
    unique constraint only covers one printer's pair). SQLite's BEGIN IMMEDIATE already serialises."""
    if not is_sqlite(session):
        session.execute(select(func.pg_advisory_xact_lock(_ORDER_LOCK_CLASS, order_id % 2**31)))


def order_has_checks(session: Session, order_id: int) -> bool:
    """Tell whether any check was created for this order id (a separate step so tests can race it)."""
    return session.scalar(select(Check.id).where(Check.order_id == order_id).limit(1)) is not None


def printer_for_key(session: Session, api_key: str | None) -> Printer:
    """Return the printer with this api key, or raise `Unauthorized` (the contract's 401)."""
    # A key no column could hold (NUL, a lone surrogate) is simply unknown: the contract's 401.
    known = api_key and not text_fault(api_key)
    printer = session.scalar(select(Printer).where(Printer.api_key == api_key)) if known else None
    if printer is None:
        raise Unauthorized(rules.AUTH_FAILED)
    return printer


def new_check_ids(session: Session, api_key: str | None) -> list[int]:
    """Ids of the printer's rendered checks, oldest first: what it has to print next."""
    printer = printer_for_key(session, api_key)
    return list(session.scalars(
        select(Check.id).where(Check.printer_id == printer.id, Check.status == CheckStatus.RENDERED)
        .order_by(Check.id)
    ))


def open_check_pdf(
    session: Session, api_key: str | None, check_id: str | None, media_root: str | Path,
    *, mark_printed: bool = True,
) -> tuple[IO[bytes], str]:
    """Open the printer's check PDF and mark the check printed; return the open file and its name.

    Raises `Unauthorized` for an unknown key (checked first), `Invalid` for no such check of this
    printer or no PDF yet (the contract's 401 and 400s)."""
    printer = printer_for_key(session, api_key)
    number = _parse_check_id(check_id)
    check = session.get(Check, number) if number is not None else None
    if check is None or check.printer_id != printer.id:
        raise Invalid(rules.NO_SUCH_CHECK)
    if check.status == CheckStatus.NEW or not check.pdf_file:
        raise Invalid(rules.NO_PDF)
    try:
        stream = (Path(media_root) / check.pdf_file).open("rb")
    except OSError as error:
        raise Invalid(rules.NO_PDF) from error
    name, check_pk = check.file_name, check.id
    if check.status == CheckStatus.RENDERED and mark_printed:
        with write_transaction(session):
            session.execute(
                update(Check).where(Check.id == check_pk, Check.status == CheckStatus.RENDERED)
                .values(status=CheckStatus.PRINTED, printed_at=func.now())
            )
    return stream, name


def _parse_check_id(value: str | None) -> int | None:
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()) or int(text) > rules.MAX_ORDER_ID:
        return None
    return int(text)


# Renders a check's layout for its order into a PDF at the given path: `delivery.printing.render_check_pdf`,
# with the configured wkhtmltopdf. It raises `Unavailable` when no retry can help (no wkhtmltopdf).
PdfRenderer = Callable[[str, dict[str, Any], Path], object]


def render_check(
    session: Session, check_id: int, to_pdf: PdfRenderer, *, media_root: str | Path,
    force: bool = False, lease_seconds: float = 30.0, final: bool = False,
) -> str:
    """Render one check's PDF with `to_pdf(check type, order, target)` and mark it rendered; return
    what happened.

    A check that is no longer `new` is left alone unless `force`; one whose render another worker
    holds (its lease) is left to it. Every attempt is counted; a failure is recorded in `last_error`
    and re-raised so the task is retried, and on the `final` attempt the check is marked failed. A
    renderer that is `Unavailable` (no wkhtmltopdf, which no retry fixes) fails it at once with the
    hint (`flask checks requeue` once it is installed).
    """
    check = session.get(Check, check_id)
    if check is None:
        return "missing"
    if check.status != CheckStatus.NEW and not force:
        return "skipped"
    check_type, order, order_id = check.type, check.order, check.order_id
    owner = consumers.consumer_id()
    if not consumers.claim(session, check_id, owner, lease_seconds, force=force):
        return "held"
    relative = f"pdf/{rules.pdf_file_name(order_id, check_type)}"
    try:
        to_pdf(check_type, order, Path(media_root) / relative)
    except Unavailable as error:
        consumers.release(session, check_id, owner, last_error=str(error), failed_at=utcnow())
        log.warning("check %s: %s", check_id, error)
        return "unavailable"
    except Exception as error:
        # Not final: Huey queues the retry, so the sweep need not for CHECK_REQUEUE_SECONDS.
        outcome = {"failed_at": utcnow()} if final else {"queued_at": utcnow()}
        consumers.release(session, check_id, owner, last_error=f"{type(error).__name__}: {error}"[:2000], **outcome)
        raise
    with write_transaction(session):
        # Only a `new` check becomes rendered: a forced re-render keeps `printed` printed.
        session.execute(update(Check).where(Check.id == check_id, Check.status == CheckStatus.NEW)
                        .values(status=CheckStatus.RENDERED))
        session.execute(update(Check).where(Check.id == check_id).values(
            pdf_file=relative, rendered_at=func.now(), last_error=None, failed_at=None,
            lease_owner=None, lease_until=None))
    return CheckStatus.RENDERED.value


def stuck_check_ids(session: Session) -> list[int]:
    """Ids of checks still `new` (waiting, lost or failed): what `flask checks requeue` queues."""
    return list(session.scalars(select(Check.id).where(Check.status == CheckStatus.NEW).order_by(Check.id)))


# --- The checks page (signed-in dispatchers; printers fetch PDFs through their API with a key) -----


def get_check(session: Session, check_id: int) -> Check:
    """One check by id; `NotFound` when unknown."""
    return get_one(session, Check, check_id, f"No check {check_id}")


def pdf_path(session: Session, check_id: int, media_root: str | Path) -> tuple[Check, Path]:
    """The check and its rendered PDF, for the preview and download; `NotFound` while it has none."""
    check = get_check(session, check_id)
    if not check.pdf_file:
        raise NotFound(f"Check {check_id} has no PDF yet")
    root = Path(media_root).resolve()
    path = (root / check.pdf_file).resolve()
    # pdf_file comes from the database, but never serve anything outside the media folder.
    if root not in path.parents or not path.is_file():
        raise NotFound(f"The PDF of check {check_id} is missing")
    return check, path


def rerender(session: Session, check_id: int) -> None:
    """Queue the check's PDF to be rendered again, whatever its status (a printed check stays printed):
    what the checks page and `flask checks requeue --check-id` do. `NotFound` for an unknown check,
    `Unavailable` while the broker cannot be reached."""
    get_check(session, check_id)
    with jobs.queueing():
        jobs.queued().render_check(check_id, force=True)


# --- Printers --------------------------------------------------------------------------------------


def create_printer(session: Session, point_id: int, check_type: str, name: str | None = None) -> Printer:
    """Add a printer of `check_type` at the point, with a random api key (43 URL-safe characters)
    that is shown once (`flask printers create`, the admin); `Invalid` for an unknown type."""
    printer = new_printer(point_id, check_type, name, secrets.token_urlsafe(32))
    with write_transaction(session):
        session.add(printer)
    return printer


def new_printer(point_id: int, check_type: str, name: str | None, api_key: str) -> Printer:
    """A printer not yet stored (the caller adds it in its write transaction): its type checked
    (`Invalid`), its name `Point N type` when none is given. Real printers get a random key
    (`create_printer`); only the fixtures choose theirs."""
    if check_type not in rules.CHECK_TYPES:
        raise Invalid(f"type must be one of {', '.join(rules.CHECK_TYPES)}")
    return Printer(
        name=(name or "").strip() or f"Point {point_id} {check_type}",
        api_key=api_key,
        check_type=check_type,
        point_id=point_id,
    )
