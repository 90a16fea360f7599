"""Ledger: posting, the journal, exports, registers, feeds and webhooks, pulls."""
