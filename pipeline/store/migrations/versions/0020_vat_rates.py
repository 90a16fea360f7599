"""VAT rates on input VAT journal lines, and each entry's purchases by account and VAT rate

Revision ID: 0020
Revises: 0019
"""

import re
from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Input VAT lines have always been described `Input VAT 10%, Invoice …` (a reversal's with
# `Reversal of PN2026/000001: ` before it): the rate is recoverable from the description.
# A rate outside the law's (`KHAC:5.5`) was described without its prefix (`Input VAT 5.5%`):
# a percentage other than the law's gets it back, as the journal stores it. A VAT line whose
# rate was not stated says `Input VAT, …`: it stays null.
_RATE = re.compile(r"Input VAT ([^,%\s]+)%")
_PERCENT = re.compile(r"[0-9]+(?:[.][0-9]+)?")
_LAWS_PERCENTS = frozenset({Decimal(0), Decimal(5), Decimal(8), Decimal(10)})


def _stored_rate(described: str) -> str:
    if _PERCENT.fullmatch(described) and Decimal(described) not in _LAWS_PERCENTS:
        return f"KHAC:{described}"
    return described


def upgrade() -> None:
    # Plain ADD COLUMNs: rebuilding the journal on SQLite would drop its append-only triggers.
    op.add_column("journal_lines", sa.Column("vat_rate", sa.String(length=16), nullable=True))
    op.add_column(
        "journal_entries",
        sa.Column(
            "vat_analysis",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
    )
    # The taxable bases of entries posted until now are not recoverable from their lines
    # (expense lines add rates together, and a nil rate left no line): vat_analysis stays
    # null on them. Their VAT lines' rates are set, the one change made to posted lines:
    # their append-only triggers step aside for it alone.
    bind = op.get_bind()
    lines = sa.table(
        "journal_lines",
        sa.column("id", sa.Integer),
        sa.column("account", sa.String),
        sa.column("description", sa.Text),
        sa.column("vat_rate", sa.String),
    )
    found = [
        (line_id, _stored_rate(match.group(1)))
        for line_id, description in bind.execute(
            sa.select(lines.c.id, lines.c.description).where(lines.c.account.like("133%"))
        )
        if (match := _RATE.search(description or ""))
    ]
    if not found:
        return
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER journal_lines_no_update")
    else:
        op.execute("ALTER TABLE journal_lines DISABLE TRIGGER journal_lines_append_only")
    for line_id, rate in found:
        bind.execute(lines.update().where(lines.c.id == line_id).values(vat_rate=rate))
    if sqlite:
        op.execute(
            "CREATE TRIGGER journal_lines_no_update BEFORE UPDATE ON journal_lines "
            "BEGIN SELECT RAISE(ABORT, 'posted journal entries are never changed: post a "
            "reversing entry instead'); END"
        )
    else:
        op.execute("ALTER TABLE journal_lines ENABLE TRIGGER journal_lines_append_only")


def downgrade() -> None:
    # Not batch mode: rebuilding the journal on SQLite would drop its append-only triggers.
    op.execute("ALTER TABLE journal_entries DROP COLUMN vat_analysis")
    op.execute("ALTER TABLE journal_lines DROP COLUMN vat_rate")
