"""tax portal reconciliation: the purchase invoices the e-invoice portal lists, and the flags
its cancelled, replaced or adjusted invoices put on ours until a reviewer decides

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "portal_invoices",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("seller_tax_id", sa.String(length=32), nullable=False),
        sa.Column("seller_name", sa.String(length=1024), nullable=True),
        sa.Column("invoice_form", sa.String(length=8), nullable=True),
        sa.Column("invoice_series", sa.String(length=16), nullable=False),
        sa.Column("invoice_number", sa.String(length=16), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("subtotal", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("vat_amount", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("total", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_text", sa.String(length=255), nullable=True),
        sa.Column("check_result", sa.String(length=255), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_portal_invoices_issue_date", "portal_invoices", ["issue_date"])
    op.create_table(
        "portal_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("portal_key", sa.String(length=120), nullable=False),
        sa.Column("portal_status", sa.String(length=16), nullable=False),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("flagged_by", sa.String(length=255), nullable=False),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_by", sa.String(length=255), nullable=True),
        sa.Column("clear_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "portal_status"),
    )
    op.create_index("ix_portal_flags_document_id", "portal_flags", ["document_id"])


def downgrade() -> None:
    op.drop_index("ix_portal_flags_document_id", table_name="portal_flags")
    op.drop_table("portal_flags")
    op.drop_index("ix_portal_invoices_issue_date", table_name="portal_invoices")
    op.drop_table("portal_invoices")
