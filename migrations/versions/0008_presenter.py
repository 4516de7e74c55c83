"""presenter: what the projector of a live session shows

Revision ID: 0008_presenter
Revises: 0007_journey_trash
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_presenter'
down_revision = '0007_journey_trash'
branch_labels = None
depends_on = None


def upgrade():
    # Sessions that ran before show the join code, as a new one does.
    with op.batch_alter_table('live_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('presenting', sa.Enum('join', 'journey', 'ranking', 'step', 'message', 'timer', name='presenter_mode', native_enum=False, create_constraint=True, length=20), nullable=False, server_default='join'))
        batch_op.add_column(sa.Column('presenting_step_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('presenting_text', sa.String(length=200), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_live_session_presenting_step_id_step'), 'step', ['presenting_step_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('live_session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_live_session_presenting_step_id_step'), type_='foreignkey')
        batch_op.drop_column('presenting_text')
        batch_op.drop_column('presenting_step_id')
        batch_op.drop_constraint(batch_op.f('ck_live_session_presenter_mode'), type_='check')
        batch_op.drop_column('presenting')
