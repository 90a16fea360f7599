"""Store: the database and the one settings object. Engines and sessions for SQLite and
PostgreSQL (`db`), the models (`models`), Alembic migrations run from code (`migrate`,
`migrations/`) and every knob of the service (`settings`, prefix `BACKOFFICE_`)."""
