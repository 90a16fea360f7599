"""The rule language, the shipped rule packs and their checks on records."""
