"""The receipts API (forfar/api.yml): points post orders, printers poll for checks and download PDFs.

Paths are the contract's, with trailing slashes; the slash-less forms answer too, without a redirect
(a redirected POST loses its body in some clients). Every error is `{"error": "..."}`; a body that
is not an order is a 400 naming what is wrong (see `delivery.domain.receipts` for the rules).
"""
from __future__ import annotations

import re

from flask import current_app, request, send_file
from flask.views import MethodView

from delivery.api.blueprint import Blueprint
from delivery.api.receipt_schemas import (
    ORDER_EXAMPLE,
    ApiKeyQuery,
    CheckQuery,
    NewChecksSchema,
    OkSchema,
    OrderSchema,
    ReceiptErrorSchema,
)
from delivery.domain import receipts as rules
from delivery.extensions import db
from delivery.services import jobs, receipts

def receipts_error_style(code: int, message: str) -> tuple[int, object]:
    """The contract's error body; validation failures are 400s as the contract lists no 422."""
    # "json.items.0.quantity: ..." reads better without webargs' location prefix.
    # marshmallow's "_schema" (a wrong type for a whole object) names the object itself.
    message = _LOCATION.sub(r"\1", message).replace("._schema:", ":")
    return (400 if code == 422 else code), {"error": _WHOLE.sub(r"\1order:", message)}


_LOCATION = re.compile(r"(^|; )(?:json|query)\.")
_WHOLE = re.compile(r"(^|; )_schema:")

blp = Blueprint("receipts", __name__, description="Receipts: checks for kitchen and client printers",
                error_style=receipts_error_style, error_paths=("create_checks", "new_checks", "check"), invalid_status=400)
ERROR_DOC = {"schema": ReceiptErrorSchema}


@blp.route("/create_checks/", strict_slashes=False)
class CreateChecks(MethodView):
    @blp.arguments(OrderSchema, example=ORDER_EXAMPLE)
    @blp.response(200, OkSchema, example={"ok": rules.CREATED})
    @blp.alt_response(400, description="Не заказ, нет принтеров на точке или чеки уже созданы", **ERROR_DOC)
    def post(self, order):
        """Create a check per printer of the order's point and queue their PDFs."""
        # The body parsed already, so it is a JSON object; the checks keep it as it was sent.
        receipts.create_checks(db.session(), order, jobs.queued().render_check, posted=request.get_json())
        return {"ok": rules.CREATED}


@blp.route("/new_checks/", strict_slashes=False)
class NewChecks(MethodView):
    @blp.arguments(ApiKeyQuery, location="query")
    @blp.response(200, NewChecksSchema)
    @blp.alt_response(401, description=rules.AUTH_FAILED, **ERROR_DOC)
    def get(self, query):
        """List the printer's checks whose PDF is ready to print."""
        ids = receipts.new_check_ids(db.session(), query["api_key"])
        return {"checks": [{"id": check_id} for check_id in ids]}


@blp.route("/check/", strict_slashes=False)
class CheckPdf(MethodView):
    @blp.arguments(CheckQuery, location="query")
    @blp.doc(responses={"200": {"description": "PDF-файл чека", "content": {
        "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
    @blp.alt_response(400, description=f"{rules.NO_SUCH_CHECK} | {rules.NO_PDF}", **ERROR_DOC)
    @blp.alt_response(401, description=rules.AUTH_FAILED, **ERROR_DOC)
    def get(self, query):
        """Download a check's PDF; the check becomes printed."""
        stream, name = receipts.open_check_pdf(
            db.session(), query["api_key"], query["check_id"], current_app.config["MEDIA_ROOT"],
            mark_printed=request.method == "GET",  # a HEAD opens nothing to print
        )
        response = send_file(stream, mimetype="application/pdf", max_age=0)
        # The contract's exact header: a quoted file name (Werkzeug would leave a plain token unquoted).
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        response.headers["Cache-Control"] = "no-store"
        return response

