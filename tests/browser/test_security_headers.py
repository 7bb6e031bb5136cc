"""Every kind of page under the real Content-Security-Policy in Chromium: the dispatcher's pages
(htmx), Swagger UI, Flask-Admin's lists and forms, sign-in and an error page. The watch of
conftest.py fails a test on any CSP violation or console error; here each page also has to work."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.helpers import sign_in

pytestmark = pytest.mark.browser

STRICT = ("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'")


def _visit(page, path: str):
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: {response.status if response else 'no answer'}"
    policy = response.headers.get("content-security-policy", "")
    assert all(part in policy for part in STRICT), policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, policy
    assert response.headers.get("x-content-type-options") == "nosniff"
    return response


def test_sign_in_page_and_an_error_page(new_context):
    page = new_context().new_page()
    _visit(page, "/login")
    expect(page.get_by_label("Username")).to_be_focused()
    response = page.goto("/no-such-page")
    assert response.status == 404
    expect(page.get_by_role("heading", name="404")).to_be_visible()


def test_the_dispatchers_pages(page):
    for path, heading in (("/", None), ("/ui/couriers", "Couriers"), ("/ui/orders", "Orders"),
                          ("/ui/orders/import", None), ("/ui/plan", None), ("/ui/checks", "Checks"),
                          ("/ui/tasks", None)):
        _visit(page, path)
        if heading:
            expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    # htmx at work under the policy: a filter swaps the table in place (no eval, no inline style).
    page.goto("/ui/couriers")
    page.get_by_role("row").nth(1).get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/ui/couriers/\d+"))
    # A poll runs at least once while the page is watched.
    page.goto("/")
    with page.expect_response(lambda r: r.url.endswith("/") and r.request.headers.get("hx-request") == "true",
                              timeout=15_000):
        pass


def test_swagger_ui_renders_the_api(new_context):
    page = new_context().new_page()
    _visit(page, "/swagger-ui")
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible(timeout=20_000)
    assert operations.count() > 10
    operations.first.locator(".opblock-summary").click()
    expect(page.locator(".opblock-body").first).to_be_visible()


def test_flask_admin_lists_and_forms(new_context):
    page = new_context().new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "admin", "admin")
    for path in ("/admin/", "/admin/printer/", "/admin/check/", "/admin/courier/", "/admin/order/",
                 "/admin/user/", "/admin/printer/new/", "/admin/user/new/", "/admin/user/edit/?id=1",
                 "/admin/courier/details/?id=1", "/admin/printer/details/?id=1"):
        _visit(page, path)
    # Filters and select2 need the admin's scripts (nonce'd) to run.
    page.goto("/admin/check/")
    page.get_by_role("link", name=re.compile("Add Filter")).click()
    expect(page.locator(".field-filters a").first).to_be_visible()


def test_flask_admin_deletes_ask_first_without_inline_handlers(new_context):
    page = new_context().new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "admin", "admin")
    asked: list[str] = []  # what each confirm() asked

    def answer(accept: bool):
        def handle(dialog):
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()
        page.once("dialog", handle)

    # Each click that leads to another page waits for that page's load event, not for an assertion's
    # few seconds: under load a save or a delete, its redirect and the list can take longer, and the
    # list's scripts (the confirm on Delete, the "With selected" menu) run only once it has loaded.
    for name in ("CSP row printer", "CSP action printer"):
        page.goto("/admin/printer/new/")
        page.get_by_label("Name").fill(name)
        page.get_by_label("Point Id").fill("9")
        with page.expect_event("load"):
            page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_role("cell", name=name)).to_be_visible()

    row = page.get_by_role("row").filter(has_text="CSP row printer")
    answer(False)
    row.get_by_title("Delete Record").click()
    assert len(asked) == 1  # asked, declined: nothing was sent and the row is still there
    expect(row).to_be_visible()
    answer(True)
    with page.expect_event("load"):
        row.get_by_title("Delete Record").click()
    assert len(asked) == 2
    expect(page.get_by_role("cell", name="CSP row printer")).to_have_count(0)

    page.get_by_role("row").filter(has_text="CSP action printer").locator("input.action-checkbox").check()
    page.get_by_role("button", name="With selected").click()
    answer(True)
    with page.expect_event("load"):
        page.locator("[data-model-action='delete']").click()
    assert len(asked) == 3
    expect(page.get_by_role("cell", name="CSP action printer")).to_have_count(0)
