"""memories: what reviewers' corrections taught, per sender and layout; the words each
document was read as, to learn from; and each document's sender

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    # A plain ADD COLUMN: rebuilding `documents` on SQLite is refused while rows refer to it.
    op.add_column("documents", sa.Column("sender", sa.String(length=300), nullable=True))
    op.create_index("ix_documents_sender", "documents", ["sender"])
    op.create_table(
        "document_layouts",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("pages", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("document_id"),
    )
    op.create_table(
        "memories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_type", sa.String(length=20), nullable=False),
        sa.Column("sender", sa.String(length=300), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=True),
        sa.Column("layout", JSON, nullable=False),
        sa.Column("field", JSON, nullable=True),
        sa.Column("doc_type_as", sa.String(length=20), nullable=True),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("learned_from_document_id", sa.Integer(), nullable=True),
        sa.Column("learned_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("times_used", sa.Integer(), nullable=False),
        sa.Column("times_corrected_again", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["learned_from_document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_memories_doc_type_sender", "memories", ["doc_type", "sender"])
    changes = op.create_table(
        "memory_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # The one row every change bumps: it must exist before the first memory is learned.
    op.bulk_insert(changes, [{"id": 1, "changes": 0}])


def downgrade() -> None:
    op.drop_table("memory_changes")
    op.drop_index("ix_memories_doc_type_sender", table_name="memories")
    op.drop_table("memories")
    op.drop_table("document_layouts")
    op.drop_index("ix_documents_sender", table_name="documents")
    op.drop_column("documents", "sender")
