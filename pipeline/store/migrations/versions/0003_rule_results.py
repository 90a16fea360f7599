"""rule results per document and rule, review priority, duplicate-of

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rule_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=120), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "values",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("flag", sa.String(length=32), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "rule", name="uq_rule_results_document_rule"),
    )
    op.create_index("ix_rule_results_document_id", "rule_results", ["document_id"])
    op.create_index("ix_rule_results_rule", "rule_results", ["rule"])
    op.add_column("documents", sa.Column("duplicate_of_id", sa.Integer(), nullable=True))
    op.add_column(
        "documents",
        sa.Column("review_priority", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_documents_review_queue", "documents", ["status", "review_priority", "id"])


def downgrade() -> None:
    op.drop_index("ix_documents_review_queue", table_name="documents")
    with op.batch_alter_table("documents") as batch_op:
        batch_op.drop_column("review_priority")
        batch_op.drop_column("duplicate_of_id")
    op.drop_index("ix_rule_results_rule", table_name="rule_results")
    op.drop_index("ix_rule_results_document_id", table_name="rule_results")
    op.drop_table("rule_results")
