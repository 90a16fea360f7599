"""Rules engine and rule packs."""
