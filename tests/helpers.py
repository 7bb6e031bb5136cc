"""Helpers shared by the test modules: settings of the run, request builders, readers of results.

Test modules import helpers from here (fixtures come from the conftest files), never from one
another or from a conftest: tests/test_layout.py checks it.
"""
from __future__ import annotations

import os
import re
import subprocess
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
# The PostgreSQL + Redis pass (make test-postgres) sets these; empty on the SQLite pass.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
# This test run's own names (database, queue, rate-limit keys), apart from any other run's.
RUN_ID = uuid.uuid4().hex[:10]

postgres_only = pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)")
redis_only = pytest.mark.skipif(not TEST_REDIS_URL, reason="needs Redis (TEST_REDIS_URL)")


# --- Pages ---------------------------------------------------------------------------------------------

HX = {"HX-Request": "true"}


def both(client, url: str) -> tuple[str, str]:
    """GET a page normally and as htmx; check each is what it should be and return their text."""
    full = client.get(url)
    assert full.status_code == 200, full.get_data(as_text=True)[:500]
    fragment = client.get(url, headers=HX)
    assert fragment.status_code == 200, fragment.get_data(as_text=True)[:500]
    for response in (full, fragment):
        assert "HX-Request" in response.headers.get("Vary", "")
    full_text, fragment_text = full.get_data(as_text=True), fragment.get_data(as_text=True)
    assert "<html" in full_text and "<html" not in fragment_text
    return full_text, fragment_text


def set_cookie(response, name: str) -> str:
    """The Set-Cookie header of this cookie, as the browser receives it."""
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    assert headers, response.headers.getlist("Set-Cookie")
    return headers[-1]


# --- The Lavka API -------------------------------------------------------------------------------------


def courier(courier_type="FOOT", regions=(1,), hours=("10:00-12:00",)) -> dict:
    return {"courier_type": courier_type, "regions": list(regions), "working_hours": list(hours)}


def order(weight=1.0, region=1, hours=("10:00-12:00",), cost=100) -> dict:
    return {"weight": weight, "regions": region, "delivery_hours": list(hours), "cost": cost}


def post_couriers(client, *couriers):
    response = client.post("/couriers", json={"couriers": list(couriers) or [courier()]})
    assert response.status_code == 200, response.data
    return response.get_json()["couriers"]


def post_orders(client, *orders):
    response = client.post("/orders", json={"orders": list(orders) or [order()]})
    assert response.status_code == 200, response.data
    return response.get_json()


def complete(client, *items):
    """POST /orders/complete with (courier_id, order_id, complete_time) triples."""
    return client.post("/orders/complete", json={"complete_info": [
        {"courier_id": c, "order_id": o, "complete_time": t} for c, o, t in items]})


# --- The dispatch API ----------------------------------------------------------------------------------


def register(client, name="Ann", districts=("Center",), path="/courier/"):
    response = client.post(path, json={"name": name, "districts": list(districts)})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def run_at_once(calls, workers=20):
    """Run the callables from `workers` threads that all start together; results in call order."""
    start = threading.Barrier(workers)

    def wait_then(call):
        return call()

    def warm(_):
        start.wait(timeout=30)

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(warm, range(workers)))  # every thread exists before the first call
        return list(pool.map(wait_then, calls))


def client_post(app):
    """POST through a fresh test client of `app` (one per thread); (status, JSON body)."""
    def post(path, body=None):
        response = app.test_client().post(path, json=body)
        return response.status_code, response.get_json()
    return post


def check_invariants(session):
    """No courier holds two assigned orders; active_order_id points at its own assigned order."""
    from delivery.models import Courier, Order

    session.expire_all()
    doubled = session.execute(
        select(Order.courier_id).where(Order.status == "assigned")
        .group_by(Order.courier_id).having(func.count() > 1)
    ).all()
    assert doubled == []
    for one in session.scalars(select(Courier)):
        live = session.scalars(
            select(Order.id).where(Order.courier_id == one.id, Order.status == "assigned")
        ).all()
        assert live == ([one.active_order_id] if one.active_order_id else [])
        assert (one.free_since is None) == bool(live)


# --- Receipts ------------------------------------------------------------------------------------------


def run_retries() -> int:
    """Run every retry Huey scheduled (immediate mode schedules them and never runs them), and the
    retries those schedule in turn, until none is left; return how many ran."""
    from delivery.queue import huey

    ran, later = 0, datetime.now() + timedelta(days=1)  # past every retry's delay
    while due := huey.read_schedule(later):
        for task in due:
            huey.execute(task, later)
            ran += 1
    return ran


def pdf_text(path: Path) -> str:
    """The text of a PDF as pdftotext reads it, layout kept."""
    result = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                            capture_output=True, check=True, timeout=60)
    return result.stdout.decode("utf-8")


# --- The browser tests ---------------------------------------------------------------------------------

SCREENSHOTS = ROOT / "tests" / "browser" / "screenshots"
USER, PASSWORD = "dispatcher", "dispatcher"  # the demo dispatcher the browser tests sign in as


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
