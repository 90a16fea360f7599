"""exchange rates: a daily rate table by currency and kind; which rate each entry used

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_rates",
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("rate", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entered_by", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("currency", "day", "kind"),
    )
    # A plain ADD COLUMN: rebuilding the journal on SQLite would drop its append-only triggers.
    # Entries posted until now took their rate from the invoice, or were in đồng.
    op.add_column(
        "journal_entries", sa.Column("exchange_rate_source", sa.String(length=120), nullable=True)
    )


def downgrade() -> None:
    # Not batch mode: rebuilding the journal on SQLite would drop its append-only triggers.
    op.execute("ALTER TABLE journal_entries DROP COLUMN exchange_rate_source")
    op.drop_table("exchange_rates")
