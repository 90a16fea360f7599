"""review queue: filter columns copied from the record, the queue's order as an index, forced type

Revision ID: 0006
Revises: 0005 (written beside issue 7's authentication migration from 0003 as its own 0005,
    and rechained after it at the merge)
"""

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DATE_FIELD = {"invoice": "issue_date", "dispatch": "issue_date", "contract": "signing_date"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch_op:
        batch_op.add_column(sa.Column("min_confidence", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("seller_name_folded", sa.String(1024), nullable=True))
        batch_op.add_column(sa.Column("seller_tax_id", sa.String(32), nullable=True))
        batch_op.add_column(sa.Column("record_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("forced_type", sa.String(20), nullable=True))
    op.drop_index("ix_documents_review_queue", table_name="documents")
    # (-priority, id) ascending: the queue's order as one key, so a cursor is a range of it.
    op.create_index(
        "ix_documents_review_queue",
        "documents",
        ["status", sa.text("(-review_priority)"), "id"],
    )
    op.create_index("ix_documents_queue_confidence", "documents", ["status", "min_confidence"])
    op.create_index("ix_documents_seller_tax_id", "documents", ["seller_tax_id"])
    if op.get_bind().dialect.name == "postgresql":
        # Trigrams let `LIKE '%name%'` use an index; pg_trgm is a trusted extension (PG 13+),
        # so the database's owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_documents_seller_name_trgm",
            "documents",
            ["seller_name_folded"],
            postgresql_using="gin",
            postgresql_ops={"seller_name_folded": "gin_trgm_ops"},
        )
    _backfill()


def _backfill() -> None:
    """The new columns of documents already processed, as review.checking sets them (a copy:
    a migration must not change when the application's code does)."""
    connection = op.get_bind()
    documents = sa.table(
        "documents",
        sa.column("id", sa.Integer),
        sa.column("record", sa.JSON),
        sa.column("min_confidence", sa.Float),
        sa.column("seller_name_folded", sa.String),
        sa.column("seller_tax_id", sa.String),
        sa.column("record_date", sa.Date),
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(documents.c.id, documents.c.record)
            .where(documents.c.id > last, documents.c.record.is_not(None))
            .order_by(documents.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            connection.execute(
                documents.update().where(documents.c.id == row.id).values(**_columns(row.record))
            )
        last = rows[-1].id


def _columns(record: dict[str, Any]) -> dict[str, Any]:
    fields = record.get("fields") or {}
    doc_type = record.get("doc_type")
    confidences = [v for path, v in (record.get("confidence") or {}).items() if path != "doc_type"]
    seller = fields.get("seller") if doc_type == "invoice" else None
    seller = seller if isinstance(seller, dict) else {}
    name, tax_id = seller.get("name"), seller.get("tax_id")
    value = fields.get(_DATE_FIELD.get(doc_type or "", ""))
    day = None
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            day = None
    return {
        "min_confidence": min(confidences) if confidences else None,
        "seller_name_folded": (
            " ".join(unicodedata.normalize("NFC", name).casefold().split())[:1024]
            if isinstance(name, str)
            else None
        ),
        "seller_tax_id": tax_id[:32] if isinstance(tax_id, str) else None,
        "record_date": day,
    }


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_documents_seller_name_trgm", table_name="documents")
    op.drop_index("ix_documents_seller_tax_id", table_name="documents")
    op.drop_index("ix_documents_queue_confidence", table_name="documents")
    op.drop_index("ix_documents_review_queue", table_name="documents")
    op.create_index("ix_documents_review_queue", "documents", ["status", "review_priority", "id"])
    # Plain DROP COLUMNs (SQLite 3.35+), as in 0005: rebuilding `documents`, as a batch
    # operation would, is refused while audit events and other rows refer to it.
    for column in (
        "forced_type",
        "record_date",
        "seller_tax_id",
        "seller_name_folded",
        "min_confidence",
    ):
        op.drop_column("documents", column)
