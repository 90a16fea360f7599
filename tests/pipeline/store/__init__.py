"""Store: the database schema and its migrations."""
