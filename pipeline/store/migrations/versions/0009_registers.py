"""registers: contracts, candidates and incoming letters, posted on approval

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import SchemaItem

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _register_columns(table: str) -> list[SchemaItem]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_by", sa.String(length=255), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.ForeignKeyConstraint(["supersedes_id"], [f"{table}.id"]),
        sa.UniqueConstraint("supersedes_id", name=f"uq_{table}_supersedes_id"),
        sa.UniqueConstraint("document_id", "version", name=f"uq_{table}_document_version"),
    ]


def upgrade() -> None:
    op.create_table(
        "contract_register",
        *_register_columns("contract_register"),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("contract_number", sa.String(length=120), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("parties", _JSON, nullable=False),
        sa.Column("value", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("signing_date", sa.Date(), nullable=True),
        sa.Column("effective_date", sa.Date(), nullable=True),
        sa.Column("expiry_date", sa.Date(), nullable=True),
        sa.Column("auto_renewal", sa.Boolean(), nullable=False),
        sa.Column("reminder_date", sa.Date(), nullable=True),
    )
    op.create_index("ix_contract_register_document_id", "contract_register", ["document_id"])
    op.create_index("ix_contract_register_registered_on", "contract_register", ["registered_on"])
    op.create_index("ix_contract_register_reminder_date", "contract_register", ["reminder_date"])

    op.create_table(
        "candidate_register",
        *_register_columns("candidate_register"),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("full_name", sa.String(length=255), nullable=True),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("skills", _JSON, nullable=False),
        sa.Column("languages", _JSON, nullable=False),
        sa.Column("years_of_experience", sa.Float(), nullable=True),
        sa.Column("latest_title", sa.String(length=255), nullable=True),
        sa.Column("latest_employer", sa.String(length=255), nullable=True),
        sa.Column("retain_until", sa.Date(), nullable=False),
        sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_candidate_register_document_id", "candidate_register", ["document_id"])
    op.create_index("ix_candidate_register_registered_on", "candidate_register", ["registered_on"])
    op.create_index("ix_candidate_register_retain_until", "candidate_register", ["retain_until"])

    op.create_table(
        "correspondence_register",
        *_register_columns("correspondence_register"),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("arrival_number", sa.Integer(), nullable=False),
        sa.Column("arrival_date", sa.Date(), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=True),
        sa.Column("dispatch_number", sa.String(length=120), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("urgency", sa.String(length=20), nullable=True),
        sa.Column("handling_unit", sa.String(length=255), nullable=True),
        sa.Column("reply_deadline", sa.Date(), nullable=True),
        sa.UniqueConstraint(
            "year", "arrival_number", "version", name="uq_correspondence_register_number"
        ),
    )
    op.create_index(
        "ix_correspondence_register_document_id", "correspondence_register", ["document_id"]
    )
    op.create_index(
        "ix_correspondence_register_arrival_date", "correspondence_register", ["arrival_date"]
    )


def downgrade() -> None:
    for table in ("correspondence_register", "candidate_register", "contract_register"):
        op.drop_table(table)
