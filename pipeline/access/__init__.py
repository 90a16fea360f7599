"""Access: who may do what, and the record of what they did. Users, roles, API tokens and
browser sessions with the login rate limit (`auth`), the append-only audit trail (`audit`),
and idempotency keys that make a repeated request give its first answer (`idempotency`)."""
