"""Access: users, tokens, sessions and roles, the audit trail, idempotency."""
