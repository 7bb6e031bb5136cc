"""A dispatcher's day in a real browser: sign in, register a courier, dispatch and complete an order,
watch a check render and open its PDF, plan a day and read its timeline."""
from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.helpers import SCREENSHOTS

pytestmark = pytest.mark.browser

ORDER = {
    "id": 777001, "price": 540, "address": "Lenina 1", "point_id": 1,
    "client": {"name": "Ivan", "phone": "+70000000000"},
    "items": [{"name": "Soup", "quantity": 2, "unit_price": 200}, {"name": "Tea", "quantity": 1, "unit_price": 140}],
}


def test_sign_in_is_required(new_context, live_server):
    base_url, _, _ = live_server
    page = new_context().new_page()
    page.goto("/ui/couriers")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Username").fill("dispatcher")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    page.get_by_label("Password").fill("dispatcher")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base_url}/ui/couriers")
    expect(page.get_by_role("heading", name="Couriers")).to_be_visible()
    page.screenshot(path=str(_shot("test_sign_in_is_required")), full_page=True)
    page.goto("/")
    expect(page.locator("[data-count='tasks-queued']")).to_be_visible()
    page.screenshot(path=str(_shot("home")), full_page=True)


def _shot(name: str):
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def test_register_a_courier(page):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Couriers").click()
    page.get_by_role("button", name="Register a courier").click()
    page.get_by_label("Name").fill("Dana")
    page.get_by_label("Type").select_option("BIKE")
    page.get_by_role("group", name="Districts").get_by_label("Center").check()
    page.get_by_label("New districts").fill("Harbour")
    page.get_by_label("Working hours").fill("9-18")
    page.get_by_role("button", name="Register").click()
    # A district that does not exist yet is named, focused, and created only once confirmed.
    expect(page.locator("#new_districts-error")).to_contain_text("No district is called “Harbour” yet")
    expect(page.get_by_role("textbox", name="New districts")).to_be_focused()
    page.get_by_label("Yes, create these new districts").check()
    page.get_by_role("button", name="Register").click()
    # Inline error, the form swapped in place, focus on the field to fix.
    error = page.locator("#working_hours-error")
    expect(error).to_contain_text("not an HH:MM-HH:MM interval")
    expect(page.locator("#new_districts-error")).to_have_count(0)
    expect(page.get_by_label("Working hours")).to_be_focused()
    page.get_by_label("Working hours").fill("09:00-18:00")
    page.get_by_role("button", name="Register").click()
    expect(page).to_have_url(re.compile(r"/ui/couriers/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dana")
    expect(page.get_by_text("Districts: Center, Harbour")).to_be_visible()
    page.screenshot(path=str(_shot("courier_card")), full_page=True)
    # The table filters in place and the back button returns to the unfiltered table.
    page.goto("/ui/couriers")
    page.get_by_label("Type").select_option("BIKE")
    expect(page).to_have_url(re.compile(r"type=BIKE"))
    expect(page.locator("#couriers-table")).to_contain_text("Dana")
    expect(page.locator("#couriers-table")).not_to_contain_text("Anna")
    page.go_back()
    expect(page.locator("#couriers-table")).to_contain_text("Anna")


def test_dispatch_and_complete_an_order(page):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Orders").click()
    page.get_by_label("Order name").fill("Borscht")
    page.get_by_label("District").first.select_option("South")
    page.get_by_label("Delivery hours").fill("10:00-12:00")
    page.get_by_role("button", name="Dispatch", exact=True).click()
    outcome = page.locator("#dispatch-outcome")
    expect(outcome).to_contain_text(re.compile(r"Borscht went to (Vera|Gleb)\."))
    row = page.locator("#orders-table tr", has_text="Borscht")
    expect(row).to_have_attribute("data-status", "assigned")
    page.get_by_label("Order name").fill("Nobody")
    page.get_by_label("District").first.select_option("Harbour")
    page.get_by_role("button", name="Dispatch", exact=True).click()
    # Dana serves Harbour but is free: the order goes to her; a second one finds nobody.
    expect(outcome).to_contain_text("Nobody went to Dana.")
    page.get_by_label("Order name").fill("Too many")
    page.get_by_label("Keep it waiting when no courier is free").uncheck()
    page.get_by_role("button", name="Dispatch", exact=True).click()
    expect(page.locator("#dispatch-outcome")).to_have_text("No free courier in district Harbour")
    page.once("dialog", lambda dialog: dialog.accept())  # Complete asks first
    row.get_by_role("button", name="Complete Borscht").click()
    done = page.locator("#orders-table tr", has_text="Borscht")
    expect(done).to_have_attribute("data-status", "completed")
    expect(done.locator("th")).to_be_focused()  # focus stays on the row that changed


def test_import_orders_with_row_errors(page, tmp_path):
    csv = tmp_path / "orders.csv"
    csv.write_text("weight,regions,delivery_hours,cost\n2,1,10:00-12:00,300\n0,1,10:00-12:00,300\n"
                   "3,2,11:00-13:00;15:00-16:00,450\n")
    page.goto("/ui/orders")
    page.get_by_role("button", name="Import couriers or orders").click()
    page.get_by_label("Import").select_option("orders")
    page.get_by_label("File (CSV or JSON)").set_input_files(str(csv))
    page.get_by_role("button", name="Upload").click()
    result = page.locator("#import-result")
    expect(result.get_by_role("heading")).to_have_text("Imported 2 of 3 orders")
    expect(result.get_by_role("row", name="2 weight must be above 0")).to_be_visible()
    assert page.locator("#import-progress").evaluate("el => el.value") in (0, 100)


def test_import_shows_its_progress_while_the_upload_is_under_way(page, tmp_path):
    data = tmp_path / "couriers.json"
    data.write_text('[{"courier_type": "BIKE", "regions": [1], "working_hours": ["09:00-18:00"]}]')
    held = []
    page.route("**/ui/orders/import", lambda route: held.append(route) if route.request.method == "POST"
               else route.continue_())
    page.goto("/ui/orders/import")
    wrap = page.locator("#import-progress-wrap")
    expect(wrap).not_to_have_class(re.compile("htmx-request"))
    page.get_by_label("Import").select_option("couriers")
    page.get_by_label("File (CSV or JSON)").set_input_files(str(data))
    page.get_by_role("button", name="Upload").click()
    # The request is held on its way to the server: the indicator shows, with its labelled bar.
    expect(wrap).to_have_class(re.compile("htmx-request"))
    expect(wrap).to_have_css("opacity", "1")
    expect(page.get_by_label("Uploading")).to_be_visible()
    page.wait_for_timeout(100)
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("#import-result").get_by_role("heading")).to_have_text("Imported 1 of 1 courier")
    expect(wrap).not_to_have_class(re.compile("htmx-request"))
    expect(wrap).to_have_css("opacity", "0")


def test_watch_a_check_render_and_open_its_pdf(page, live_server):
    base_url, _, worker = live_server
    worker.stop()  # hold the queue so the check is seen new first
    assert requests.post(f"{base_url}/create_checks/", json=ORDER, timeout=10).json() == {"ok": "Чеки успешно созданы"}
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Checks").click()
    rows = page.locator("#checks-table tbody tr", has_text="777001")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_attribute("data-status", "new")
    worker.start()
    # The table polls every 2 s while the worker renders.
    for n in range(2):
        expect(rows.nth(n)).to_have_attribute("data-status", "rendered", timeout=30_000)
    preview = rows.first.get_by_role("link", name="Preview")
    response = page.request.get(base_url + preview.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_tasks_monitor_lists_the_renders(page, live_server):
    _, _, worker = live_server
    worker.start()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tasks").click()
    runs = page.locator("#tasks-body tr[data-status]", has_text="render_check")
    expect(runs.first).to_be_visible()
    expect(page.locator("#tasks-body tr[data-status='complete']", has_text="render_check")).not_to_have_count(0)


def test_plan_a_day_and_see_the_timeline(page, live_server, after_polls):
    base_url, _, worker = live_server
    worker.start()
    # Two orders no plan can take, through the Lavka API: a piano and a region nobody serves.
    orders = [{"weight": 55, "regions": 1, "delivery_hours": ["10:00-12:00"], "cost": 900},
              {"weight": 1, "regions": 42, "delivery_hours": ["10:00-12:00"], "cost": 100}]
    assert requests.post(f"{base_url}/orders", json={"orders": orders}, timeout=10).status_code == 200
    page.goto("/ui/plan?date=2026-06-01")
    expect(page.get_by_role("heading", name=re.compile("Waiting orders"))).to_be_visible()
    page.get_by_role("button", name="Plan this day").click()
    status = page.locator("#plan-status")
    expect(status).to_have_attribute("data-status", "complete", timeout=30_000)
    expect(status).to_contain_text("Planned Jun 1, 2026")
    bars = page.locator("details.tl-trip")
    expect(bars.first).to_be_visible()
    # Positions come as data attributes (no inline styles under the CSP); app.js applies them.
    left = bars.first.get_attribute("data-left")
    expect(bars.first).to_have_attribute("style", re.compile(rf"^left: {re.escape(left)}%; width: [\d.]+%;"))
    bars.first.locator("summary").click()
    expect(bars.first.locator(".tl-pop")).to_contain_text("Trip")
    # Orders name their district as the tables do; the count on the bar stays white on blue.
    expect(bars.first.locator(".tl-pop li").first).to_contain_text(re.compile(r"· (Center|North|South|Harbour) ·"))
    expect(bars.first.locator("summary")).to_have_css("color", "rgb(255, 255, 255)")
    # One popover at a time; Esc closes it.
    bars.nth(1).locator("summary").click()
    expect(bars.nth(1)).to_have_attribute("open", "")
    expect(bars.first).not_to_have_attribute("open", "")
    # A poll morphs the timeline in place: the open trip stays open, its popover focused, the bars placed.
    after_polls(page, "#timeline", 2)
    expect(bars.nth(1)).to_have_attribute("open", "")
    expect(bars.nth(1).locator("summary")).to_be_focused()
    expect(bars.nth(1)).to_have_attribute("style", re.compile(r"^left: [\d.]+%; width: [\d.]+%;"))
    page.keyboard.press("Escape")
    expect(page.locator("details.tl-trip[open]")).to_have_count(0)
    expect(page.locator("tr[data-reason='weight']")).to_contain_text("Too heavy: 55 kg")
    expect(page.locator("tr[data-reason='region']")).to_contain_text("No courier serves region 42")


def test_checks_polls_keep_the_page_and_the_focus(page, live_server, after_polls):
    base_url, _, worker = live_server
    worker.stop()  # statuses hold still: every poll brings back the same table
    for n in range(11):  # two checks each at point 1: at least 22 checks, two pages
        order = {**ORDER, "id": 778000 + n}
        assert requests.post(f"{base_url}/create_checks/", json=order, timeout=10).status_code == 200
    page.goto("/ui/checks?status=new")
    pager = page.get_by_role("navigation", name="Check pages")
    pager.get_by_role("link", name="Next →").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(pager).to_contain_text("Page 2 of")
    previous = pager.get_by_role("link", name="← Previous")
    previous.focus()
    after_polls(page, "#checks-table", 2)
    expect(pager).to_contain_text("Page 2 of")
    expect(page.get_by_label("Status")).to_have_value("new")
    expect(previous).to_be_focused()


def test_back_button_restores_the_filters_with_the_table(page):
    page.goto("/ui/orders")
    page.get_by_label("Status").select_option("new")
    expect(page).to_have_url(re.compile(r"status=new"))
    page.get_by_label("Status").select_option("completed")
    expect(page).to_have_url(re.compile(r"status=completed"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"status=new"))
    expect(page.get_by_label("Status")).to_have_value("new")
    rows = page.locator("#orders-table tbody tr[data-status]")
    expect(rows.first).to_be_visible()
    assert set(rows.evaluate_all("rows => rows.map(r => r.dataset.status)")) == {"new"}


def test_an_ended_session_sends_the_window_to_sign_in(page, browser, live_server):
    page.goto("/ui/checks")
    page.context.clear_cookies()  # signed out elsewhere, or the session expired
    # The next poll (every 2 s) finds no session: the whole page goes to sign-in, and back after.
    expect(page).to_have_url(re.compile(r"/login\?next=/ui/checks"), timeout=10_000)
    page.get_by_label("Username").fill("dispatcher")
    page.get_by_label("Password").fill("dispatcher")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/ui/checks$"))
    expect(page.get_by_role("heading", name="Checks", level=1)).to_be_visible()
