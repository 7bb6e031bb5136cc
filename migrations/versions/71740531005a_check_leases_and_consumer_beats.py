"""No check is stuck: render leases and give-up time on checks, consumer heartbeats, a run's worker.

Revision ID: 71740531005a
Revises: c7e1f3a9b2d4
Create Date: 2026-11-30 10:30:00

"""
from alembic import op
import sqlalchemy as sa

revision = '71740531005a'
down_revision = 'c7e1f3a9b2d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('lease_owner', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_checks_status_lease', ['status', 'lease_until'], unique=False)
    with op.batch_alter_table('task_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('worker', sa.String(length=200), nullable=True))
    op.create_table(
        'consumer_beats',
        sa.Column('id', sa.String(length=200), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('beat_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consumer_beats')),
    )
    with op.batch_alter_table('consumer_beats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consumer_beats_beat_at'), ['beat_at'], unique=False)


def downgrade():
    with op.batch_alter_table('consumer_beats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consumer_beats_beat_at'))
    op.drop_table('consumer_beats')
    with op.batch_alter_table('task_runs', schema=None) as batch_op:
        batch_op.drop_column('worker')
    with op.batch_alter_table('checks', schema=None) as batch_op:
        batch_op.drop_index('ix_checks_status_lease')
        batch_op.drop_column('failed_at')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('lease_owner')
        batch_op.drop_column('queued_at')
