"""The order's state machine: the moves it allows, and the Conflict it raises for the others."""
from __future__ import annotations

import pytest

from delivery.domain.errors import Conflict
from delivery.domain.order_status import TRANSITIONS, OrderStatus, can_move, check_move


def test_final_statuses_go_nowhere():
    assert TRANSITIONS[OrderStatus.COMPLETED] == TRANSITIONS[OrderStatus.CANCELLED] == frozenset()


@pytest.mark.parametrize(("current", "wanted"), [("new", "assigned"), ("new", "completed"),
                                                 ("waiting", "assigned"), ("waiting", "cancelled"),
                                                 ("assigned", "completed")])
def test_allowed_moves_pass(current, wanted):
    assert can_move(current, wanted)
    check_move(current, wanted)


def test_a_refused_move_is_a_conflict_naming_it_or_saying_the_callers_words():
    with pytest.raises(Conflict, match="^an order cannot go from completed to completed$"):
        check_move("completed", "completed")
    with pytest.raises(Conflict, match="^Only a waiting order can be cancelled$"):
        check_move("assigned", "cancelled", "Only a waiting order can be cancelled")


def test_unknown_statuses_never_move():
    assert not can_move("lost", "new") and not can_move("new", "lost")
