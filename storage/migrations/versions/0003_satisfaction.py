"""monthly satisfaction surveys

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('satisfaction_surveys',
    sa.Column('id', ID, nullable=False),
    sa.Column('estate_id', ID, nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('unit_id', ID, nullable=False),
    sa.Column('building_id', ID, nullable=False),
    sa.Column('resident_id', ID, nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ratings', sa.JSON(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_satisfaction_surveys_building_id_buildings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_satisfaction_surveys_estate_id_estates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_satisfaction_surveys_resident_id_residents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_satisfaction_surveys_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_satisfaction_surveys')),
    sa.UniqueConstraint('estate_id', 'period', 'unit_id', name=op.f('uq_satisfaction_surveys_estate_id_period_unit_id')),
    )
    with op.batch_alter_table('satisfaction_surveys', schema=None) as batch_op:
        batch_op.create_index('ix_satisfaction_surveys_estate_sent', ['estate_id', 'sent_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('satisfaction_surveys', schema=None) as batch_op:
        batch_op.drop_index('ix_satisfaction_surveys_estate_sent')
    op.drop_table('satisfaction_surveys')
