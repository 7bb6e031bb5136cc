"""Orders keep the precision of the complete_time they were given (Lavka echoes it).

Revision ID: c7e1f3a9b2d4
Revises: ab32c4d86d62
Create Date: 2026-11-23 09:30:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'c7e1f3a9b2d4'
down_revision = 'ab32c4d86d62'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('completed_time_digits', sa.SmallInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('completed_time_digits')
