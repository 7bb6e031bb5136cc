"""Every page at a desktop's and a phone's size, in Russian and in English, as a dispatcher sees it:
no table cell breaks a word, the page never scrolls sideways, and axe-core finds no critical or
serious accessibility violation. Each page is saved as screenshots/<page>-<width>-<lang>.png."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.helpers import SCREENSHOTS

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {"1400": {"width": 1400, "height": 900}, "390": {"width": 390, "height": 844}}
LANGS = {"en": "en-US,en;q=0.9", "ru": "ru-RU,ru;q=0.9"}
TODAY = date.today().isoformat()
# (name, path): the dispatcher's pages; sign-in is checked signed out.
PAGES = [
    ("home", "/"),
    ("couriers", "/ui/couriers"),
    ("courier-card", "/ui/couriers/1"),
    ("courier-form", "/ui/couriers/new"),
    ("orders", "/ui/orders"),
    ("import", "/ui/orders/import"),
    ("plan", f"/ui/plan?date={TODAY}"),
    ("checks", "/ui/checks"),
    ("tasks", "/ui/tasks"),
]
LONG_COURIER = "Konstantin Konstantinopolsky-Rimsky"
LONG_DISTRICT = "Vasileostrovsky Embankment"
LONG_ORDER = "Extra large family dinner for twelve people, with dessert"

# Words of table cells that the layout split over two lines: each text node's words, measured
# with a Range; a word whose boxes sit on more than one line was broken inside. A break after a
# hyphen ("Rimsky-" / "Korsakov") is between words, as typesetters do it.
BROKEN_WORDS_JS = """
() => {
  const broken = [];
  for (const cell of document.querySelectorAll("main td, main th")) {
    if (!cell.offsetParent) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent;
      const re = /[^\\s-]+-?/g;
      let m;
      while ((m = re.exec(text))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}
"""
# Buttons and links whose accessible name (aria-label) does not contain their visible text.
NAME_MISMATCH_JS = """
() => [...document.querySelectorAll("button[aria-label], a[aria-label]")]
  .filter(el => el.offsetParent && el.textContent.trim())
  .filter(el => !el.getAttribute("aria-label").toLowerCase().includes(el.textContent.trim().toLowerCase()))
  .map(el => el.outerHTML.slice(0, 160))
"""


def _axe_source() -> str:
    if not AXE.exists():
        message = f"axe-core is not installed at {AXE}: run `make test-browser` (npm ci --prefix tests/browser)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def _axe(page) -> list[str]:
    page.evaluate(_axe_source())
    result = page.evaluate("""async () => {
      const r = await axe.run(document, {rules: {"label-content-name-mismatch": {enabled: true}}});
      if (!r.passes.length) return ["axe checked nothing"];
      return r.violations.filter(v => v.impact === "critical" || v.impact === "serious")
        .map(v => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
    }""")
    return result


@pytest.fixture(scope="module")
def day_with_everything(live_server):
    """Today planned with trips, long names, checks rendered: pages as full as on a real shift."""
    base_url, _, worker = live_server
    worker.start()
    post = requests.post
    courier = post(f"{base_url}/courier/", json={"name": LONG_COURIER, "districts": [LONG_DISTRICT]}, timeout=10)
    assert courier.status_code == 201
    assert post(f"{base_url}/order/", json={"name": LONG_ORDER, "district": LONG_DISTRICT}, timeout=10).status_code == 201
    orders = [{"weight": 2.5, "regions": 1, "delivery_hours": ["09:00-21:00"], "cost": 1500},
              {"weight": 4, "regions": 2, "delivery_hours": ["10:00-20:00"], "cost": 12345},
              {"weight": 70, "regions": 3, "delivery_hours": ["10:00-12:00"], "cost": 900}]
    assert post(f"{base_url}/orders", json={"orders": orders}, timeout=10).status_code == 200
    assert post(f"{base_url}/orders/assign?date={TODAY}", timeout=60).status_code == 201
    receipt = {"id": 779001, "price": 540, "address": "Lenina 1", "point_id": 1,
               "client": {"name": "Ivan", "phone": "+70000000000"},
               "items": [{"name": "Soup", "quantity": 2, "unit_price": 200}]}
    assert post(f"{base_url}/create_checks/", json=receipt, timeout=10).status_code == 200
    return base_url


def _context(browser, base_url, size, lang):
    # axe is evaluated into the page; bypass_csp lets it run under the pages' content security policy.
    return browser.new_context(base_url=base_url, viewport=SIZES[size], locale=LANGS[lang].split(",")[0],
                               extra_http_headers={"Accept-Language": LANGS[lang]}, bypass_csp=True)


def _sign_in(page, user="dispatcher"):
    page.goto("/login")
    page.locator("#username").fill(user)
    page.locator("#password").fill(user)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#username")).to_have_count(0)


def _check_page(page, name, size, lang, problems):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}-{lang}.png"), full_page=True)
    where = f"{name} at {size} px in {lang}"
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        problems.append(f"{where}: the page scrolls sideways ({width[0]} px wide in {width[1]})")
    broken = page.evaluate(BROKEN_WORDS_JS)
    if broken:
        problems.append(f"{where}: words broken inside table cells: {broken[:8]}")
    mismatched = page.evaluate(NAME_MISMATCH_JS)
    if mismatched:
        problems.append(f"{where}: accessible names without their visible text: {mismatched[:3]}")
    for violation in _axe(page):
        problems.append(f"{where}: axe: {violation}")


@pytest.mark.parametrize("lang", sorted(LANGS))
@pytest.mark.parametrize("size", sorted(SIZES))
def test_every_page_is_legible_and_accessible(browser, day_with_everything, size, lang):
    base_url = day_with_everything
    problems: list[str] = []
    context = _context(browser, base_url, size, lang)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    _check_page(page, "sign-in", size, lang, problems)
    _sign_in(page)
    for name, path in PAGES:
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        _check_page(page, name, size, lang, problems)
    context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", sorted(SIZES))
def test_admin_fits_the_screen_as_far_as_flask_admin_allows(browser, day_with_everything, size):
    context = _context(browser, day_with_everything, size, "en")
    page = context.new_page()
    _sign_in(page, "admin")
    for name, path in (("admin", "/admin/"), ("admin-checks", "/admin/check/")):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}-en.png"), full_page=True)
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{path} scrolls sideways at {size} px: {width}"
    if size == "1400":
        # The PDF column of the checks' list is on screen, not cut off behind a scroll bar.
        header = page.locator("th.col-pdf_file")
        box = header.bounding_box()
        assert box and box["x"] + box["width"] <= 1400
    context.close()


def test_the_language_switch_is_on_every_page_and_remembered(browser, day_with_everything):
    context = _context(browser, day_with_everything, "1400", "en")
    page = context.new_page()
    page.goto("/login")
    page.get_by_role("link", name="Русский").click()
    expect(page.get_by_role("heading", name="Войти")).to_be_visible()
    _sign_in(page)
    page.goto("/ui/orders?status=new")
    expect(page.get_by_role("heading", name="Заказы", level=1)).to_be_visible()
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(f"{day_with_everything}/ui/orders?status=new")
    expect(page.get_by_role("heading", name="Orders", level=1)).to_be_visible()
    context.close()


def test_paging_keeps_the_focus_on_the_pager(browser, day_with_everything):
    base_url = day_with_everything
    for n in range(11):  # two checks each: more than one page of checks
        order = {"id": 779100 + n, "price": 100, "address": "Lenina 2", "point_id": 1,
                 "client": {"name": "Olga", "phone": "+70000000001"},
                 "items": [{"name": "Tea", "quantity": 1, "unit_price": 100}]}
        assert requests.post(f"{base_url}/create_checks/", json=order, timeout=10).status_code == 200
    context = _context(browser, base_url, "1400", "en")
    page = context.new_page()
    _sign_in(page)
    page.goto("/ui/checks")
    pager = page.get_by_role("navigation", name="Check pages")
    pager.get_by_role("link", name="Next →").focus()
    page.keyboard.press("Enter")
    expect(pager).to_contain_text("Page 2 of")
    focused = page.evaluate("() => [!!document.activeElement.closest('.pager'), document.activeElement.textContent]")
    assert focused[0], f"focus left the pager for {focused[1]!r}"
    context.close()


def test_statuses_differ_in_colour_and_in_shape(browser, day_with_everything):
    context = _context(browser, day_with_everything, "1400", "en")
    page = context.new_page()
    _sign_in(page)
    page.goto("/ui/orders")
    seen = {}
    for code in ("new", "assigned"):
        badge = page.locator(f"[data-status-badge='{code}']").first
        expect(badge).to_be_visible()
        seen[code] = badge.evaluate("""el => [getComputedStyle(el).backgroundColor,
            getComputedStyle(el.querySelector('.status-icon'), '::before').content, el.textContent.trim()]""")
    assert seen["new"][0] != seen["assigned"][0] and seen["new"][1] != seen["assigned"][1]
    assert seen["new"][2] == "new" and seen["assigned"][2] == "assigned"
    context.close()
