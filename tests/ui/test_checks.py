"""The checks page: filters, the polling table, PDF preview and download behind sign-in."""
from __future__ import annotations

from pathlib import Path

from delivery.models import Check, Printer
from tests.helpers import HX, both

ORDER = {"id": 123456, "price": 780, "items": [], "address": "Street 1", "client": {"name": "A", "phone": "1"},
         "point_id": 1}


def _checks(session, media_root: str) -> list[Check]:
    printers = session.query(Printer).order_by(Printer.id).all()
    rendered = Check(printer_id=printers[0].id, type="kitchen", order=ORDER, order_id=123456, status="rendered",
                     pdf_file="pdf/123456_kitchen.pdf")
    fresh = Check(printer_id=printers[1].id, type="client", order=ORDER, order_id=123456, status="new")
    session.add_all([rendered, fresh])
    session.commit()
    path = Path(media_root) / "pdf" / "123456_kitchen.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 test\n%%EOF\n")
    return [rendered, fresh]


def test_table_full_and_fragment(signed_in, demo, app):
    _checks(demo, app.config["MEDIA_ROOT"])
    full, fragment = both(signed_in, "/ui/checks")
    assert 'data-live' in full and 'hx-trigger="every 1s, checks-changed from:body"' in full
    for text in (full, fragment):
        assert 'data-status="rendered"' in text and 'data-status="new"' in text
        assert "Point 1 kitchen" in text


def test_filters(signed_in, demo, app):
    rendered, fresh = _checks(demo, app.config["MEDIA_ROOT"])
    _, text = both(signed_in, "/ui/checks?status=new")
    assert f'id="check-{fresh.id}"' in text and f'id="check-{rendered.id}"' not in text
    _, text = both(signed_in, "/ui/checks?type=kitchen")
    assert f'id="check-{rendered.id}"' in text and f'id="check-{fresh.id}"' not in text
    _, text = both(signed_in, f"/ui/checks?printer={fresh.printer_id}")
    assert f'id="check-{fresh.id}"' in text and f'id="check-{rendered.id}"' not in text


def test_pdf_preview_and_download(signed_in, demo, app):
    rendered, fresh = _checks(demo, app.config["MEDIA_ROOT"])
    preview = signed_in.get(f"/ui/checks/{rendered.id}/pdf")
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    assert preview.data.startswith(b"%PDF") and "attachment" not in preview.headers.get("Content-Disposition", "")
    download = signed_in.get(f"/ui/checks/{rendered.id}/pdf?download=1")
    assert 'attachment; filename=123456_kitchen.pdf' in download.headers["Content-Disposition"]
    assert signed_in.get(f"/ui/checks/{fresh.id}/pdf").status_code == 404
    assert signed_in.get("/ui/checks/999/pdf").status_code == 404
    demo.get(Check, rendered.id).status  # still rendered: only printers mark a check printed
    demo.rollback()
    assert demo.get(Check, rendered.id).status == "rendered"


def test_pdf_needs_sign_in(client, demo, app):
    rendered, _ = _checks(demo, app.config["MEDIA_ROOT"])
    response = client.get(f"/ui/checks/{rendered.id}/pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_pdf_outside_media_is_refused(signed_in, demo, app):
    rendered, _ = _checks(demo, app.config["MEDIA_ROOT"])
    demo.get(Check, rendered.id).pdf_file = "../../etc/passwd"
    demo.commit()
    assert signed_in.get(f"/ui/checks/{rendered.id}/pdf").status_code == 404


def test_rerender_button(signed_in, demo, app):
    rendered, _ = _checks(demo, app.config["MEDIA_ROOT"])
    response = signed_in.post(f"/ui/checks/{rendered.id}/render", headers=HX)
    assert response.status_code == 200 and f'id="check-{rendered.id}"' in response.get_data(as_text=True)
    # The row says what happened: the table's polls then show the render's outcome.
    assert '<small role="status" class="flash">Queued for rendering.</small>' in response.get_data(as_text=True)
    assert signed_in.post("/ui/checks/999/render", headers=HX).status_code == 404
    assert signed_in.post(f"/ui/checks/{rendered.id}/render").status_code == 302


def test_search_and_rerender_selected(signed_in, demo, app):
    rendered, fresh = _checks(demo, app.config["MEDIA_ROOT"])
    _, text = both(signed_in, "/ui/checks?q=nothing-like-this")
    assert "No checks match these filters." in text
    _, text = both(signed_in, f"/ui/checks?q={fresh.id}")
    assert f'id="check-{fresh.id}"' in text and f'id="check-{rendered.id}"' not in text
    _, text = both(signed_in, "/ui/checks?q=123456")  # every check of an order
    assert f'id="check-{fresh.id}"' in text and f'id="check-{rendered.id}"' in text
    done = signed_in.post("/ui/checks/render-selected", headers=HX, data={"ids": [str(rendered.id), "999"]})
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "1 check queued for rendering." in text and "999: No check 999" in text
    assert done.headers["HX-Trigger"] == "checks-changed"
