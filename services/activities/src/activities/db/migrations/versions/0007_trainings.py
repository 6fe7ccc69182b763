"""Trainings (bimtek): sessions, registrations with their waitlists, certificates, the keys
that sign tickets, and the people replica's identity digests for roster matching.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATEMENTS = (
    "ALTER TABLE replica_people ADD COLUMN identity_digests BYTEA[]",
    "CREATE INDEX ix_replica_people_identity_digests ON replica_people "
    "USING gin (identity_digests)",
    """
    CREATE TABLE trainings (
        id UUID NOT NULL,
        title TEXT NOT NULL,
        organiser TEXT NOT NULL,
        province_code TEXT NOT NULL,
        audience TEXT NOT NULL,
        description TEXT,
        registration_closes_at TIMESTAMP WITH TIME ZONE,
        status TEXT DEFAULT 'scheduled' NOT NULL,
        cancel_reason TEXT,
        created_by TEXT NOT NULL,
        created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
        updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
        PRIMARY KEY (id)
    )
    """,
    """
    CREATE INDEX ix_trainings_province_code ON trainings (province_code)
    """,
    """
    CREATE TABLE training_sessions (
        id UUID NOT NULL,
        training_id UUID NOT NULL,
        code TEXT NOT NULL,
        province_code TEXT NOT NULL,
        kabkota_code TEXT NOT NULL,
        venue TEXT NOT NULL,
        starts_at TIMESTAMP WITH TIME ZONE NOT NULL,
        ends_at TIMESTAMP WITH TIME ZONE NOT NULL,
        timezone TEXT NOT NULL,
        capacity INTEGER NOT NULL,
        registered INTEGER DEFAULT '0' NOT NULL,
        waitlisted INTEGER DEFAULT '0' NOT NULL,
        checked_in INTEGER DEFAULT '0' NOT NULL,
        waitlist_seq BIGINT DEFAULT '0' NOT NULL,
        status TEXT DEFAULT 'scheduled' NOT NULL,
        cancel_reason TEXT,
        created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
        updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
        PRIMARY KEY (id),
        CONSTRAINT uq_training_sessions_code UNIQUE (training_id, code),
        FOREIGN KEY(training_id) REFERENCES trainings (id) ON DELETE CASCADE
    )
    """,
    """
    CREATE INDEX ix_training_sessions_kabkota_code ON training_sessions (kabkota_code)
    """,
    """
    CREATE INDEX ix_training_sessions_training ON training_sessions (training_id, kabkota_code)
    """,
    """
    CREATE TABLE registrations (
        id UUID NOT NULL,
        training_id UUID NOT NULL,
        session_id UUID NOT NULL,
        person_id UUID,
        kabkota_code TEXT NOT NULL,
        status TEXT NOT NULL,
        first_status TEXT NOT NULL,
        waitlist_seq BIGINT,
        promoted_at TIMESTAMP WITH TIME ZONE,
        cancelled_at TIMESTAMP WITH TIME ZONE,
        cancel_reason TEXT,
        checked_in_at TIMESTAMP WITH TIME ZONE,
        checkin_device TEXT,
        identity_digests BYTEA[],
        saga TEXT,
        import_id UUID,
        row_number INTEGER,
        created_by TEXT NOT NULL,
        created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
        updated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
        PRIMARY KEY (id),
        FOREIGN KEY(training_id) REFERENCES trainings (id) ON DELETE CASCADE,
        FOREIGN KEY(session_id) REFERENCES training_sessions (id) ON DELETE CASCADE
    )
    """,
    """
    CREATE INDEX ix_registrations_identity_digests ON registrations USING gin (identity_digests)
    """,
    """
    CREATE INDEX ix_registrations_import ON registrations (import_id) WHERE import_id IS NOT NULL
    """,
    """
    CREATE INDEX ix_registrations_person ON registrations (person_id)
    """,
    """
    CREATE INDEX ix_registrations_session ON registrations (session_id, status, waitlist_seq)
    """,
    """
    CREATE INDEX ix_registrations_training ON registrations (training_id, id)
    """,
    """
    CREATE UNIQUE INDEX uq_registrations_person ON registrations (training_id, person_id)
    WHERE status <> 'cancelled' AND person_id IS NOT NULL
    """,
    """
    CREATE TABLE certificates (
        code TEXT NOT NULL,
        registration_id UUID NOT NULL,
        issued_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
        PRIMARY KEY (code),
        UNIQUE (registration_id),
        FOREIGN KEY(registration_id) REFERENCES registrations (id) ON DELETE CASCADE
    )
    """,
    """
    CREATE TABLE signing_keys (
        kid TEXT NOT NULL,
        private_key BYTEA NOT NULL,
        public_key BYTEA NOT NULL,
        created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
        retired_at TIMESTAMP WITH TIME ZONE,
        PRIMARY KEY (kid)
    )
    """,
)


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for table in (
        "signing_keys",
        "certificates",
        "registrations",
        "training_sessions",
        "trainings",
    ):
        op.drop_table(table)
    op.drop_index("ix_replica_people_identity_digests", "replica_people")
    op.execute("ALTER TABLE replica_people DROP COLUMN identity_digests")
