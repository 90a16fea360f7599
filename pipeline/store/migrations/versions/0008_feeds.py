"""feeds: commit-ordered, gap-free positions for the entries and registers systems pull

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STREAMS = ("entries", "contracts", "candidates", "correspondence")


def upgrade() -> None:
    counters = op.create_table(
        "feed_counters",
        sa.Column("stream", sa.String(length=32), nullable=False),
        sa.Column("last_position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("stream"),
    )
    op.create_table(
        "feed_items",
        sa.Column("stream", sa.String(length=32), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("stream", "position"),
        sa.UniqueConstraint("stream", "item_id", name="uq_feed_items_stream_item"),
    )
    # Entries posted before feeds existed keep their posting (id) order; nothing was
    # committed concurrently with this migration, so that order is final.
    op.execute(
        "INSERT INTO feed_items (stream, position, item_id, published_at) "
        "SELECT 'entries', ROW_NUMBER() OVER (ORDER BY id), id, posted_at FROM journal_entries"
    )
    bind = op.get_bind()
    posted = bind.scalar(sa.text("SELECT COUNT(*) FROM journal_entries")) or 0
    # Rows exist up front so that publishing never races to create one.
    op.bulk_insert(
        counters,
        [
            {"stream": stream, "last_position": posted if stream == "entries" else 0}
            for stream in _STREAMS
        ],
    )


def downgrade() -> None:
    op.drop_table("feed_items")
    op.drop_table("feed_counters")
