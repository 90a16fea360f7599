"""journal entries in VND too, dated, numbered and reversible; immutable once posted

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence
from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Entries posted before this revision are numbered in posting order, dated on their posting
# day in Vietnam; their invoice reference stays unknown.
_PREFIX = "PN"
_BUSINESS_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_JOURNAL_TABLES = ("journal_entries", "journal_lines")


def upgrade() -> None:
    op.create_table(
        "voucher_counters",
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year"),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        _set_lines_aside()
    with op.batch_alter_table("journal_entries") as batch_op:
        batch_op.add_column(sa.Column("voucher_number", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("entry_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("exchange_rate", sa.Numeric(precision=20, scale=6), nullable=True)
        )
        batch_op.add_column(sa.Column("invoice_form", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("invoice_series", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("invoice_number", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("reverses_id", sa.Integer(), nullable=True))

    _number_existing_entries()

    with op.batch_alter_table("journal_entries") as batch_op:
        batch_op.alter_column("voucher_number", existing_type=sa.String(length=20), nullable=False)
        batch_op.alter_column("entry_date", existing_type=sa.Date(), nullable=False)
        batch_op.create_unique_constraint("uq_journal_entries_voucher_number", ["voucher_number"])
        batch_op.create_unique_constraint("uq_journal_entries_reverses_id", ["reverses_id"])
        batch_op.create_foreign_key(
            "fk_journal_entries_reverses_id", "journal_entries", ["reverses_id"], ["id"]
        )
        batch_op.create_index("ix_journal_entries_entry_date", ["entry_date"])

    if sqlite:
        _restore_lines(with_vnd=True)
    else:
        for column in ("debit_vnd", "credit_vnd"):
            op.add_column("journal_lines", _vnd_column(column))
    op.execute(
        "UPDATE journal_lines SET debit_vnd = debit, credit_vnd = credit WHERE entry_id IN "
        "(SELECT id FROM journal_entries WHERE currency = 'VND')"
    )
    _refuse_changes_to_posted_entries()


def _set_lines_aside() -> None:
    """SQLite changes a table by copying it and dropping the old one; dropping entries that
    lines still reference fails, deferred or not. The lines wait in a plain copy meanwhile."""
    op.execute("CREATE TABLE _journal_lines_0007 AS SELECT * FROM journal_lines")
    op.drop_index("ix_journal_lines_entry_id", table_name="journal_lines")
    op.drop_table("journal_lines")


def _restore_lines(*, with_vnd: bool) -> None:
    vnd = [_vnd_column("debit_vnd"), _vnd_column("credit_vnd")] if with_vnd else []
    op.create_table(
        "journal_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=16), nullable=False),
        sa.Column("debit", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("credit", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("counterparty_tax_id", sa.String(length=32), nullable=True),
        *vnd,
        sa.ForeignKeyConstraint(["entry_id"], ["journal_entries.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_journal_lines_entry_id", "journal_lines", ["entry_id"])
    names = "id, entry_id, account, debit, credit, description, counterparty_tax_id"
    op.execute(f"INSERT INTO journal_lines ({names}) SELECT {names} FROM _journal_lines_0007")
    op.drop_table("_journal_lines_0007")


def _vnd_column(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Numeric(precision=20, scale=0), nullable=False, server_default="0")


def _number_existing_entries() -> None:
    bind = op.get_bind()
    entries = sa.table(
        "journal_entries",
        sa.column("id", sa.Integer()),
        sa.column("posted_at", sa.DateTime(timezone=True)),
        sa.column("currency", sa.String()),
        sa.column("voucher_number", sa.String()),
        sa.column("entry_date", sa.Date()),
        sa.column("exchange_rate", sa.Numeric()),
    )
    counters = sa.table(
        "voucher_counters",
        sa.column("prefix", sa.String()),
        sa.column("year", sa.Integer()),
        sa.column("last_number", sa.Integer()),
    )
    last: dict[int, int] = {}
    rows = bind.execute(
        sa.select(entries.c.id, entries.c.posted_at, entries.c.currency).order_by(entries.c.id)
    ).all()
    for entry_id, posted_at, currency in rows:
        stamp = posted_at if posted_at.tzinfo else posted_at.replace(tzinfo=UTC)
        day = stamp.astimezone(_BUSINESS_TZ).date()
        last[day.year] = last.get(day.year, 0) + 1
        values: dict[str, object] = {
            "voucher_number": f"{_PREFIX}{day.year}/{last[day.year]:06d}",
            "entry_date": day,
        }
        if currency == "VND":
            values["exchange_rate"] = 1
        bind.execute(entries.update().where(entries.c.id == entry_id).values(**values))
    for year, number in last.items():
        bind.execute(counters.insert().values(prefix=_PREFIX, year=year, last_number=number))


def _refuse_changes_to_posted_entries() -> None:
    # A later migration that rebuilds a journal table on SQLite (batch mode copies and drops
    # it) drops these triggers with it, and must create them again.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION journal_is_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'posted journal entries are never changed (% on %): post a '
                    'reversing entry instead', TG_OP, TG_TABLE_NAME;
            END
            $$ LANGUAGE plpgsql
            """
        )
        for table in _JOURNAL_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION journal_is_append_only()"
            )
        return
    for table in _JOURNAL_TABLES:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'posted journal entries are never changed: post a "
                "reversing entry instead'); END"
            )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for table in _JOURNAL_TABLES:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{action}")
        _set_lines_aside()
    else:
        for table in _JOURNAL_TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION journal_is_append_only()")
    with op.batch_alter_table("journal_entries") as batch_op:
        batch_op.drop_index("ix_journal_entries_entry_date")
        batch_op.drop_constraint("fk_journal_entries_reverses_id", type_="foreignkey")
        batch_op.drop_constraint("uq_journal_entries_reverses_id", type_="unique")
        batch_op.drop_constraint("uq_journal_entries_voucher_number", type_="unique")
        for column in (
            "reverses_id",
            "invoice_number",
            "invoice_series",
            "invoice_form",
            "exchange_rate",
            "entry_date",
            "voucher_number",
        ):
            batch_op.drop_column(column)
    if sqlite:
        _restore_lines(with_vnd=False)
    else:
        op.drop_column("journal_lines", "credit_vnd")
        op.drop_column("journal_lines", "debit_vnd")
    op.drop_table("voucher_counters")
