"""Orders may wait for a free courier or be cancelled while waiting; dispatched orders keep an address.

Revision ID: e5a91c3f7d20
Revises: 5d8e2b7f41ac
Create Date: 2026-11-30 11:20:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'e5a91c3f7d20'
down_revision = '5d8e2b7f41ac'
branch_labels = None
depends_on = None


def _sql_list(values):
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


def _constraints(batch_op, statuses, without_courier):
    batch_op.drop_constraint(op.f('ck_orders_status'), type_='check')
    batch_op.drop_constraint(op.f('ck_orders_courier_when_taken'), type_='check')
    batch_op.create_check_constraint(op.f('ck_orders_status'), f"status IN {_sql_list(statuses)}")
    batch_op.create_check_constraint(
        op.f('ck_orders_courier_when_taken'), f"status IN {_sql_list(without_courier)} OR courier_id IS NOT NULL"
    )


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=300), nullable=True))
        _constraints(
            batch_op, ('new', 'waiting', 'assigned', 'completed', 'cancelled'), ('new', 'waiting', 'cancelled')
        )


def downgrade():
    op.execute("DELETE FROM orders WHERE status IN ('waiting', 'cancelled')")
    with op.batch_alter_table('orders', schema=None) as batch_op:
        _constraints(batch_op, ('new', 'assigned', 'completed'), ('new',))
        batch_op.drop_column('address')
