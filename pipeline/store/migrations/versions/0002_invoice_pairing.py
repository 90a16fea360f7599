"""invoice key and superseded-by, to pair an invoice's PDF with its e-invoice XML

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("invoice_key", sa.String(length=120), nullable=True))
    op.add_column("documents", sa.Column("superseded_by_id", sa.Integer(), nullable=True))
    op.create_index("ix_documents_invoice_key", "documents", ["invoice_key"])


def downgrade() -> None:
    op.drop_index("ix_documents_invoice_key", table_name="documents")
    op.drop_column("documents", "superseded_by_id")
    op.drop_column("documents", "invoice_key")
