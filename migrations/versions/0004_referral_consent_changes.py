"""referral consent changes: when consent was last recorded, and by whom

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent_recorded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("consent_recorded_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_referral_consent_recorded_by_id_staff_user"), "staff_user",
                                    ["consent_recorded_by_id"], ["id"])
    # Until now consent was only ever recorded when the referral was made, by the officer who made it.
    op.execute("UPDATE referral SET consent_recorded_at = proposed_at, consent_recorded_by_id = created_by_id")


def downgrade():
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_referral_consent_recorded_by_id_staff_user"), type_="foreignkey")
        batch_op.drop_column("consent_recorded_by_id")
        batch_op.drop_column("consent_recorded_at")
