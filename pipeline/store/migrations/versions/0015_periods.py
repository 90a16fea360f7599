"""accounting periods (months closed by an admin), and each entry's document date beside its
posting date

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "accounting_periods",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_by", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("year", "month"),
    )
    # A plain ADD COLUMN: rebuilding the journal on SQLite would drop its append-only triggers.
    op.add_column("journal_entries", sa.Column("document_date", sa.Date(), nullable=True))
    op.create_index("ix_journal_entries_document_date", "journal_entries", ["document_date"])
    # Entries posted until now were posted on their invoice's date. Setting it is the one
    # change ever made to posted entries: their append-only triggers step aside for it alone.
    _with_journal_writable("UPDATE journal_entries SET document_date = entry_date")


def _with_journal_writable(statement: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE journal_entries DISABLE TRIGGER journal_entries_append_only")
        op.execute(statement)
        op.execute("ALTER TABLE journal_entries ENABLE TRIGGER journal_entries_append_only")
        return
    op.execute("DROP TRIGGER journal_entries_no_update")
    op.execute(statement)
    op.execute(
        "CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries "
        "BEGIN SELECT RAISE(ABORT, 'posted journal entries are never changed: post a "
        "reversing entry instead'); END"
    )


def downgrade() -> None:
    op.drop_index("ix_journal_entries_document_date", table_name="journal_entries")
    # Not batch mode: rebuilding the journal on SQLite would drop its append-only triggers.
    op.execute("ALTER TABLE journal_entries DROP COLUMN document_date")
    op.drop_table("accounting_periods")
