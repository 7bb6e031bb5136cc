"""Checks stored before bad text was refused: unpaired surrogates in their order become U+FFFD.

SQLite kept an order posted with a lone surrogate (`\\ud800`) as its JSON escape; every render of
such a check failed, and its admin page could not be sent. PostgreSQL never stored one (jsonb refuses
the escape), so there is nothing to repair there. The repaired checks stay as they are otherwise: a
`new` one renders once queued again (`flask checks requeue`).

Revision ID: 1b2ab16a9167
Revises: 71740531005a
Create Date: 2026-11-30 11:00:00

"""
import json

from alembic import op
import sqlalchemy as sa

from delivery.jsontext import BAD_TEXT

revision = '1b2ab16a9167'
down_revision = '71740531005a'
branch_labels = None
depends_on = None


def _repaired(value):
    if isinstance(value, str):
        return BAD_TEXT.sub("\ufffd", value)
    if isinstance(value, list):
        return [_repaired(item) for item in value]
    if isinstance(value, dict):
        return {_repaired(key): _repaired(item) for key, item in value.items()}
    return value


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    # Only rows holding an escape of U+D000-U+DFFF (surrogates among them) are read back; LIKE
    # ignores ASCII case, and a backslash is no escape character to it.
    rows = bind.execute(sa.text("SELECT id, \"order\" FROM checks WHERE \"order\" LIKE '%\\ud%'")).all()
    for check_id, stored in rows:
        order = json.loads(stored)
        fixed = _repaired(order)
        if fixed != order:
            bind.execute(sa.text("UPDATE checks SET \"order\" = :order WHERE id = :id"),
                         {"order": json.dumps(fixed), "id": check_id})


def downgrade():
    pass  # the surrogates are gone for good, and nothing needs them back
