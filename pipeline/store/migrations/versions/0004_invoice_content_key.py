"""the invoice's content key (seller, number, date, total) for duplicates missing a series

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "documents", sa.Column("invoice_content_key", sa.String(length=160), nullable=True)
    )
    op.create_index("ix_documents_invoice_content_key", "documents", ["invoice_content_key"])


def downgrade() -> None:
    op.drop_index("ix_documents_invoice_content_key", table_name="documents")
    op.drop_column("documents", "invoice_content_key")
