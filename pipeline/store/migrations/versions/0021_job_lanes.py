"""job lanes: a due time per job (claimed cheapest-first with bounded waiting), page jobs
(`page`, `parent_id`) and the page readings they store

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("page", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column(
                "parent_id",
                sa.Integer(),
                sa.ForeignKey("jobs.id", name="fk_jobs_parent_id_jobs"),
                nullable=True,
            )
        )
    # Jobs queued until now cost what they always did: due when available.
    op.execute("UPDATE jobs SET due_at = available_at")
    with op.batch_alter_table("jobs") as batch:
        batch.alter_column("due_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.create_index("ix_jobs_due", ["state", "due_at"])
        batch.create_index("ix_jobs_parent_id", ["parent_id"])
    op.create_table(
        "page_readings",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("reader", sa.String(length=64), nullable=False),
        sa.Column("reading", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "page", "reader"),
    )


def downgrade() -> None:
    op.drop_table("page_readings")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_index("ix_jobs_parent_id")
        batch.drop_index("ix_jobs_due")
        batch.drop_constraint("fk_jobs_parent_id_jobs", type_="foreignkey")
        batch.drop_column("parent_id")
        batch.drop_column("page")
        batch.drop_column("due_at")
