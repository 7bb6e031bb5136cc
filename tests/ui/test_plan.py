"""The plan page: the timeline of a day and the waiting orders with their reasons."""
from __future__ import annotations

from datetime import date

from delivery.models import District, Order, Trip
from delivery.services import planning
from tests.helpers import both


def test_timeline_full_and_fragment(signed_in, demo):
    trip = Trip(courier_id=3, date=date(2026, 5, 1), start_minute=600, end_minute=616)
    demo.add(trip)
    demo.flush()
    for order_id, minute in ((3, 608), (6, 616)):
        order = demo.get(Order, order_id)
        order.status, order.courier_id, order.trip_id, order.planned_minute = "assigned", 3, trip.id, minute
    demo.commit()
    full, fragment = both(signed_in, "/ui/plan?date=2026-05-01")
    assert 'id="timeline"' in full and 'hx-trigger="every 1s, plan-done from:body"' in full
    for text in (full, fragment):
        assert f'data-trip="{trip.id}"' in text and "2 orders planned" in text
        # Axis 08:00-20:00 (Vera works 08:00-20:00): 10:00 is at 2/12 of it.
        assert 'data-left="16.667"' in text and "Order 3 · North · 12 kg · 10:08" in text
        assert 'data-reason="capacity"' in text  # the day has a plan: the others found no room
    _, empty_day = both(signed_in, "/ui/plan?date=2026-05-02")
    assert "0 orders planned" in empty_day and "data-trip" not in empty_day
    assert 'data-reason="pending"' in empty_day and "Not planned yet" in empty_day


def test_reasons(signed_in, demo):
    demo.add(District(id=9, name="Islands"))
    demo.add_all([
        Order(name="Late", weight=1, district_id=1, delivery_hours=["23:00-23:30"], cost=1),
        Order(name="Piano", weight=50, district_id=1, delivery_hours=["10:00-12:00"], cost=1),
        Order(name="Island", weight=1, district_id=9, delivery_hours=["10:00-12:00"], cost=1),
    ])
    demo.commit()
    _, text = both(signed_in, "/ui/plan")
    for code in ("hours", "weight", "region"):
        assert f'data-reason="{code}"' in text
    assert "meet no working hours" in text and "Too heavy: 50 kg" in text and "No courier serves region 9" in text


def test_bad_date_falls_back_to_today(signed_in, demo):
    full, _ = both(signed_in, "/ui/plan?date=yesterday")
    assert "Trips on" in full


def test_run_the_planner_and_follow_it(signed_in, demo, session):
    response = signed_in.post("/ui/plan", data={"date": "2026-05-01"}, headers={"HX-Request": "true"})
    text = response.get_data(as_text=True)
    # Immediate mode in tests: the run is over when the answer comes, so the page is told to reload.
    assert response.status_code == 200 and 'data-status="complete"' in text
    assert response.headers["HX-Trigger"] == "plan-done" and "Planned May 1, 2026" in text
    task_id = __import__("re").search(r'data-task-id="([^"]+)"', text).group(1)
    full, fragment = both(signed_in, f"/ui/plan/runs/{task_id}?date=2026-05-01")
    assert "Planning May 1, 2026" in full and 'data-status="complete"' in fragment
    session.rollback()
    assert session.query(Trip).filter_by(date=date(2026, 5, 1)).count() > 0
    _, timeline = both(signed_in, "/ui/plan?date=2026-05-01")
    assert "data-trip=" in timeline and 'data-reason="pending"' not in timeline
    assert 'data-reason="weight"' not in timeline  # the 25 kg order fits Vera's car
    plain = signed_in.post("/ui/plan", data={"date": "2026-05-02"})
    assert plain.status_code == 302 and "/ui/plan/runs/" in plain.headers["Location"]
    bad = signed_in.post("/ui/plan", data={"date": "soon"}, headers={"HX-Request": "true"})
    assert bad.status_code == 422 and "Pick a valid date" in bad.get_data(as_text=True)
    assert signed_in.get("/ui/plan/runs/unknown").status_code == 404


def test_the_run_searches_as_long_as_the_setting_says(signed_in, demo, app, monkeypatch):
    seen = []
    monkeypatch.setitem(app.config, "PLAN_TIME_LIMIT", 0.25)
    monkeypatch.setattr(planning, "plan", lambda *args, time_limit: seen.append(time_limit) or [])
    response = signed_in.post("/ui/plan", data={"date": "2026-05-01"}, headers={"HX-Request": "true"})
    assert 'data-status="complete"' in response.get_data(as_text=True) and seen == [0.25]


def test_a_pending_run_polls(signed_in, session):
    from delivery.models import TaskRun

    session.add(TaskRun(task_id="t-1", name="delivery.tasks.plan_day", args="{}", status="executing"))
    session.commit()
    _, fragment = both(signed_in, "/ui/plan/runs/t-1?date=2026-05-01")
    assert 'hx-trigger="every 1s"' in fragment and "<progress" in fragment


def test_timeline_filters_by_district_and_folds_couriers_without_trips(signed_in, demo):
    trip = Trip(courier_id=3, date=date(2026, 5, 1), start_minute=600, end_minute=616)
    demo.add(trip)
    demo.flush()
    order = demo.get(Order, 3)
    order.status, order.courier_id, order.trip_id, order.planned_minute = "assigned", 3, trip.id, 608
    demo.commit()
    _, everyone = both(signed_in, "/ui/plan?date=2026-05-01")
    # Vera has the trip; Anna, Boris and Gleb have none: folded away under a summary, with a legend above.
    assert "3 couriers without trips" in everyone and 'class="tl-legend"' in everyone
    busy, idle = everyone.split('class="tl-idle"')
    assert 'data-courier="3"' in busy and 'data-courier="1"' not in busy
    assert all(f'data-courier="{c}"' in idle for c in (1, 2, 4))
    _, south = both(signed_in, "/ui/plan?date=2026-05-01&district=3")
    # District 3 (South): Vera and Gleb serve it; only its waiting orders (4 and 5) are listed.
    assert 'data-courier="3"' in south and 'data-courier="4"' in south
    assert 'data-courier="1"' not in south and 'data-courier="2"' not in south
    waiting = south.split('id="unplanned-h"')[1]
    assert "Order 4" in waiting and "Order 5" in waiting and "Order 1<" not in waiting and "Order 6" not in waiting
    assert '<option value="3" selected>South</option>' in signed_in.get("/ui/plan?date=2026-05-01&district=3").get_data(as_text=True)
