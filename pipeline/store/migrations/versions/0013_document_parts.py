"""A file holding several documents: each further part is a document of its own

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ("source_document_id", sa.Integer()),
    ("file_sha256", sa.String(length=64)),
    ("part_index", sa.Integer()),
    ("part_count", sa.Integer()),
    ("first_page", sa.Integer()),
    ("last_page", sa.Integer()),
)


def upgrade() -> None:
    # Plain ADD COLUMNs and CREATE INDEXes: rebuilding `documents` on SQLite, as a batch
    # operation changing a constraint would, is refused while other rows refer to it.
    for name, type_ in _COLUMNS:
        op.add_column("documents", sa.Column(name, type_, nullable=True))
    op.create_index("ix_documents_source_document_id", "documents", ["source_document_id"])
    op.create_index(
        "uq_documents_source_part",
        "documents",
        ["source_document_id", "part_index"],
        unique=True,
    )


def downgrade() -> None:
    # A part may be approved and posted by now: stepping back would leave documents the
    # schema before this one cannot tell from files, so it is refused.
    parts = op.get_bind().scalar(
        sa.text("SELECT count(*) FROM documents WHERE source_document_id IS NOT NULL")
    )
    if parts:
        raise RuntimeError(
            f"{parts} documents are parts of files holding several documents: "
            "the schema before 0013 cannot hold them"
        )
    op.drop_index("uq_documents_source_part", table_name="documents")
    op.drop_index("ix_documents_source_document_id", table_name="documents")
    for name, _ in reversed(_COLUMNS):
        op.drop_column("documents", name)
