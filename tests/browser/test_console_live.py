"""The dispatcher's console live and forgiving, in a real browser: rows posted through the API appear
by themselves within 2 s and are marked; a 500 and a dropped request each say so and leave the
controls showing what the page shows; a waiting order goes to the courier an API completion frees."""
from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WITHIN_2S = 2_000


def _api(base_url, path, body=None):
    response = requests.post(f"{base_url}{path}", json=body, timeout=10)
    assert response.status_code in (200, 201), response.text
    return response.json()


def _dispatch(page, name, district, *, wait=True):
    page.get_by_label("Order name").fill(name)
    page.get_by_label("District").first.select_option(district)
    page.get_by_label("Delivery hours").fill("10:00-12:00")
    box = page.get_by_label("Keep it waiting when no courier is free")
    box.check() if wait else box.uncheck()
    page.get_by_role("button", name="Dispatch", exact=True).click()


def test_an_order_posted_through_the_api_appears_within_2s(page, live_server):
    base_url, _, _ = live_server
    for name in ("Live courier", "Keeper courier"):
        _api(base_url, "/courier/", {"name": name, "districts": ["Live district"]})
    _api(base_url, "/order/", {"name": "Focus keeper", "district": "Live district"})
    page.goto("/ui/orders")
    page.get_by_label("Status").select_option("assigned")  # the dispatcher's filter stays
    expect(page).to_have_url(re.compile(r"status=assigned"))
    keeper = page.get_by_role("button", name="Complete Focus keeper")
    keeper.focus()
    _api(base_url, "/order/", {"name": "Posted by API", "district": "Live district"})
    row = page.locator("#orders-table tr", has_text="Posted by API")
    expect(row).to_be_visible(timeout=WITHIN_2S)
    expect(row).to_have_class(re.compile(r"row-fresh"))
    expect(page.get_by_label("Status")).to_have_value("assigned")
    expect(keeper).to_be_focused()  # the keyboard stays where the dispatcher left it
    page.screenshot(path=str(_shot("orders_live")), full_page=True)
    # The couriers page shows the courier who got it as busy, by itself too.
    page.goto("/ui/couriers?state=free")
    expect(page.locator("#couriers-table")).not_to_contain_text("Live courier")
    _api(base_url, "/courier/", {"name": "Second live courier", "districts": ["Live district"]})
    expect(page.locator("#couriers-table")).to_contain_text("Second live courier", timeout=WITHIN_2S)
    page.screenshot(path=str(_shot("couriers_live")), full_page=True)


@pytest.mark.console_errors(r"status of 500 \(Internal Server Error\)", r"^Response Status Error Code 500 ")
def test_a_500_says_so_and_retry_sends_again(page, live_server):
    page.goto("/ui/orders")
    page.route("**/ui/orders/dispatch", lambda route: route.fulfill(status=500, body="boom"))
    _dispatch(page, "Failing soup", "South")
    alert = page.locator("#request-alert")
    expect(alert).to_be_visible()
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_contain_text("error 500")
    button = page.get_by_role("button", name="Dispatch", exact=True)
    expect(button).to_be_enabled()
    expect(page.get_by_label("Order name")).to_have_value("Failing soup")  # nothing typed is lost
    page.screenshot(path=str(_shot("alert_500")), full_page=True)
    page.unroute("**/ui/orders/dispatch")
    alert.get_by_role("button", name="Retry").click()
    expect(alert).to_be_hidden()
    expect(page.locator("#dispatch-outcome")).to_contain_text("Failing soup")


@pytest.mark.console_errors(r"net::ERR_CONNECTION_RESET", r"^htmx:(sendError|afterRequest), ")
def test_a_dropped_filter_request_says_so_and_the_select_shows_the_table(page):
    page.goto("/ui/orders")
    page.route(re.compile(r".*/ui/orders\?.*status=completed.*"), lambda route: route.abort("connectionreset"))
    page.get_by_label("Status").select_option("completed")
    alert = page.locator("#request-alert")
    expect(alert).to_contain_text("did not reach the server")
    expect(page.get_by_label("Status")).to_have_value("")  # the table still lists every status
    expect(page).not_to_have_url(re.compile(r"status=completed"))
    page.screenshot(path=str(_shot("alert_network")), full_page=True)
    page.unroute(re.compile(r".*/ui/orders\?.*status=completed.*"))
    alert.get_by_role("button", name="Retry").click()
    expect(page).to_have_url(re.compile(r"status=completed"))
    expect(page.get_by_label("Status")).to_have_value("completed")
    expect(alert).to_be_hidden()


def test_a_waiting_order_goes_to_the_courier_an_api_completion_frees(page, live_server):
    base_url, _, _ = live_server
    _api(base_url, "/courier/", {"name": "Quay courier", "districts": ["Quay"]})
    first = _api(base_url, "/order/", {"name": "Quay first", "district": "Quay"})
    page.goto("/ui/orders")
    _dispatch(page, "Quay second", "Quay")
    expect(page.locator("#dispatch-outcome")).to_contain_text("Quay second waits for the next one")
    row = page.locator("#orders-table tr", has_text="Quay second")
    expect(row).to_have_attribute("data-status", "waiting")
    page.get_by_label("Status").select_option("waiting")
    expect(row).to_be_visible()
    page.get_by_label("Status").select_option("")
    _api(base_url, f"/order/{first['order_id']}")  # completed through the dispatch API
    expect(row).to_have_attribute("data-status", "assigned", timeout=WITHIN_2S)
    expect(row).to_contain_text("Quay courier")
    page.screenshot(path=str(_shot("orders_waiting_assigned")), full_page=True)
    # A waiting order can be cancelled.
    _dispatch(page, "Quay third", "Quay")
    third = page.locator("#orders-table tr", has_text="Quay third")
    expect(third).to_have_attribute("data-status", "waiting")
    third.get_by_role("button", name="Cancel Quay third").click()
    expect(third).to_have_attribute("data-status", "cancelled")


def test_search_in_the_url_and_bulk_actions(page, live_server, after_polls):
    base_url, _, worker = live_server
    _api(base_url, "/courier/", {"name": "Bulk one", "districts": ["Bulk district"]})
    _api(base_url, "/courier/", {"name": "Bulk two", "districts": ["Bulk district"]})
    for name in ("Bulk soup", "Bulk tea"):
        _api(base_url, "/order/", {"name": name, "district": "Bulk district"})
    page.goto("/ui/orders")
    page.get_by_label("Search").fill("bulk")
    expect(page).to_have_url(re.compile(r"q=bulk"))
    rows = page.locator("#orders-table tbody tr")
    expect(rows).to_have_count(2)
    page.reload()  # the search is in the URL: a reload (or a shared link) shows the same rows
    expect(page.get_by_label("Search")).to_have_value("bulk")
    expect(rows).to_have_count(2)
    page.get_by_label("Select Bulk soup").check()
    page.get_by_label("Select Bulk tea").check()
    after_polls(page, "#orders-table", 2)  # the table morphed twice: the ticks stay
    expect(page.get_by_label("Select Bulk tea")).to_be_checked()
    page.once("dialog", lambda dialog: dialog.dismiss())  # asked first: "no" changes nothing
    page.get_by_role("button", name="Complete selected").click()
    expect(rows.first).to_have_attribute("data-status", "assigned")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Complete selected").click()
    expect(page.locator("#orders-bulk-outcome")).to_contain_text("2 orders completed.")
    for n in range(2):
        expect(rows.nth(n)).to_have_attribute("data-status", "completed")
    page.screenshot(path=str(_shot("orders_bulk_completed")), full_page=True)
    worker.stop()
    _api(base_url, "/create_checks/", {"id": 779601, "price": 100, "address": "Lenina 1", "point_id": 1,
                                       "client": {"name": "Ivan", "phone": "+70000000000"},
                                       "items": [{"name": "Tea", "quantity": 1, "unit_price": 100}]})
    page.goto("/ui/checks?q=779601")
    checks = page.locator("#checks-table tbody tr")
    expect(checks).to_have_count(2)
    for n in range(2):
        checks.nth(n).locator("input[data-select]").check()
    page.get_by_role("button", name="Re-render selected").click()
    expect(page.locator("#checks-bulk-outcome")).to_contain_text("2 checks queued for rendering.")
    expect(page).to_have_url(re.compile(r"q=779601"))
    page.screenshot(path=str(_shot("checks_bulk_rerender")), full_page=True)


def _shot(name: str):
    from tests.helpers import SCREENSHOTS

    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def test_times_are_local_with_the_zone(browser, live_server):
    from datetime import datetime, timedelta

    from tests.helpers import PASSWORD, USER

    base_url, _, _ = live_server
    _api(base_url, "/courier/", {"name": "Zone courier", "districts": ["Zone district"]})
    _api(base_url, "/order/", {"name": "Zone order", "district": "Zone district"})
    context = browser.new_context(base_url=base_url, timezone_id="Asia/Yekaterinburg", locale="en-GB",
                                  viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        page.goto("/login")
        page.get_by_label("Username").fill(USER)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto("/ui/orders")
        created = page.locator("#orders-table tr", has_text="Zone order").locator("time").first
        stamp = datetime.fromisoformat(created.get_attribute("datetime").replace("Z", ""))
        local = stamp + timedelta(hours=5)  # Yekaterinburg keeps UTC+5 all year
        expect(created).to_contain_text("GMT+5")
        expect(created).to_contain_text(local.strftime("%H:%M"))
        page.screenshot(path=str(_shot("orders_local_times")), full_page=True)
        _api(base_url, "/create_checks/", {"id": 779501, "price": 100, "address": "Lenina 1", "point_id": 1,
                                           "client": {"name": "Ivan", "phone": "+70000000000"},
                                           "items": [{"name": "Tea", "quantity": 1, "unit_price": 100}]})
        page.goto("/ui/checks")
        expect(page.locator("#checks-table time").first).to_contain_text("GMT+5")
        page.screenshot(path=str(_shot("checks_local_times")), full_page=True)
    finally:
        context.close()
