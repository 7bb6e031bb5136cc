"""The day's plan: pick a date, run the planner in the background, see the timeline."""
from __future__ import annotations

from datetime import date, datetime

from flask import redirect, url_for
from flask_babel import gettext as _
from htmx_flask import make_response
from webargs.flaskparser import use_args

from delivery.domain.task_status import UNFINISHED
from delivery.extensions import db
from delivery.services import planning
from delivery.services.read_models import lists, timeline
from delivery.ui import bp
from delivery.ui.filters import Day
from delivery.ui.forms import PlanForm
from delivery.ui.render import page, wants_fragment

# The status fragment fires this when the run ends, and the timeline reloads itself on it.
PLAN_DONE = "plan-done"


@bp.get("/ui/plan")
@use_args(Day(), location="query")
def plan(args):
    """Show the timeline of a day's trips and the orders still waiting, with why."""
    day = args["date"] or date.today()
    form = PlanForm(data={"date": day})
    district = args["district"]
    tl = _for_district(timeline.timeline(db.session(), day), district)
    return page(
        "ui/plan.html", "ui/_timeline.html", form=form, run=None, district=district,
        tl=tl, now_left=_now_left(tl), districts=lists.districts(db.session()),
    )


def _for_district(tl, district: int | None):
    """Only the couriers serving `district` and its waiting orders (all of them without one)."""
    if district is not None:
        tl.rows = [row for row in tl.rows if district in row.courier.region_ids]
        tl.unplanned = [(order, why) for order, why in tl.unplanned if order.district_id == district]
    return tl


def _now_left(tl) -> float | None:
    """Where now falls on the axis (a percentage), when the timeline shows today's hours."""
    now = datetime.now()
    minute = now.hour * 60 + now.minute
    if tl.day != now.date() or not tl.axis_start <= minute <= tl.axis_end:
        return None
    return round(100 * (minute - tl.axis_start) / (tl.axis_end - tl.axis_start), 3)


@bp.post("/ui/plan")
def plan_run():
    """Start planning the chosen day in the background."""
    form = PlanForm()
    if not form.validate_on_submit():
        return page("ui/plan.html", "ui/_plan_status.html", form=form, run=None,
                    done=True, tl=timeline.timeline(db.session(), form.date.data or date.today()),
                    error=_("Pick a valid date.")), 422
    day = form.date.data
    task_id = planning.start_run(db.session(), day)
    if not wants_fragment():
        return redirect(url_for("ui.plan_status", task_id=task_id, date=day.isoformat()))
    return _status(task_id, day)


def _status(task_id: str, day: date):
    run = planning.run_status(db.session(), task_id)
    done = run.status not in UNFINISHED
    response = page(
        "ui/plan_run.html", "ui/_plan_status.html", run=run, done=done, day=day, error=None
    )
    # The full page shows the fresh timeline by itself; a fragment asks the page to reload its own.
    return make_response(response, trigger=PLAN_DONE if done and wants_fragment() else None)


@bp.get("/ui/plan/runs/<task_id>")
@use_args(Day(), location="query")
def plan_status(args, task_id: str):
    """Show how a planning run is going; the fragment polls itself until the run ends."""
    return _status(task_id, args["date"] or date.today())
