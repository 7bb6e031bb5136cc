"""Every page is closed to anonymous visitors; htmx history restores get whole pages."""
from __future__ import annotations

import pytest

from tests.helpers import HX


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/"), ("get", "/ui/couriers"), ("get", "/ui/couriers/new"), ("post", "/ui/couriers/new"),
        ("get", "/ui/couriers/1"), ("get", "/ui/couriers/1/edit"), ("get", "/ui/orders"),
        ("post", "/ui/orders/dispatch"), ("post", "/ui/orders/1/complete"), ("get", "/ui/orders/import"),
        ("get", "/ui/plan"), ("post", "/ui/plan"), ("get", "/ui/plan/runs/x"), ("get", "/ui/checks"),
        ("get", "/ui/checks/1/pdf"), ("post", "/ui/checks/1/render"), ("get", "/ui/tasks"),
        ("post", "/ui/tasks/x/retry"), ("get", "/admin/"),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    if not url.startswith("/admin"):
        # An htmx swap (a poll, a filter, a form) after the session ended sends the whole window to
        # sign-in rather than pasting the sign-in page into a table.
        swap = getattr(client, method)(url, headers={**HX, "HX-Current-URL": "http://x/ui/checks?page=2"})
        assert swap.status_code == 401 and swap.get_data() == b""
        assert swap.headers["HX-Redirect"] == "/login?next=/ui/checks?page%3D2"


def test_history_restore_gets_the_whole_page(signed_in, demo):
    response = signed_in.get("/ui/couriers?type=FOOT", headers={**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in response.get_data(as_text=True)


def test_nav_marks_the_current_section(signed_in, demo):
    page = signed_in.get("/ui/couriers/1").get_data(as_text=True)
    assert '<a href="/ui/couriers" aria-current="page">Couriers</a>' in page


def test_a_dispatcher_is_refused_admin_with_a_page_of_the_app(signed_in):
    response = signed_in.get("/admin/")
    text = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "The admin pages are for admins" in text and "Back to the home page" in text and "<nav" in text


def test_the_admin_home_leads_back_and_signs_out(client, login):
    login("admin")
    text = client.get("/admin/").get_data(as_text=True)
    assert 'href="/"' in text and "Back to the dispatcher" in text
    assert 'action="/logout"' in text and 'name="csrf_token"' in text
