"""Users carry a session token: sessions hold it, signing out replaces it (server-side sign-out).

Revision ID: 5d8e2b7f41ac
Revises: 1b2ab16a9167
Create Date: 2026-11-30 10:40:00

"""
import secrets

from alembic import op
import sqlalchemy as sa

revision = '5d8e2b7f41ac'
down_revision = '1b2ab16a9167'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(64), nullable=True))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(users.update().where(users.c.id == user_id)
                           .values(session_token=secrets.token_urlsafe(32)))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(64), nullable=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_token')
