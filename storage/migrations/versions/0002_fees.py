"""fee reminders and the dunning ladder

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('fee_reminders',
    sa.Column('id', ID, nullable=False),
    sa.Column('unit_id', ID, nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('total_fen', sa.BigInteger(), nullable=False),
    sa.Column('bill_ids', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_fee_reminders_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_reminders')),
    )
    with op.batch_alter_table('fee_reminders', schema=None) as batch_op:
        batch_op.create_index('ix_fee_reminders_unit_sent', ['unit_id', 'sent_at'], unique=False)

    op.create_table('dunning_cases',
    sa.Column('id', ID, nullable=False),
    sa.Column('unit_id', ID, nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('step', ID, nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('bill_ids', sa.JSON(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('close_reason', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_dunning_cases_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dunning_cases')),
    )
    with op.batch_alter_table('dunning_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dunning_cases_unit_id'), ['unit_id'], unique=False)

    op.create_table('dunning_steps',
    sa.Column('id', ID, nullable=False),
    sa.Column('case_id', ID, nullable=False),
    sa.Column('step', ID, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('ticket_id', ID, nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['dunning_cases.id'], name=op.f('fk_dunning_steps_case_id_dunning_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_dunning_steps_ticket_id_tickets'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dunning_steps')),
    sa.UniqueConstraint('case_id', 'step', name=op.f('uq_dunning_steps_case_id_step')),
    )


def downgrade() -> None:
    op.drop_table('dunning_steps')
    with op.batch_alter_table('dunning_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dunning_cases_unit_id'))
    op.drop_table('dunning_cases')
    with op.batch_alter_table('fee_reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_fee_reminders_unit_sent')
    op.drop_table('fee_reminders')
