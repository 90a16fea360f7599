"""What the ledger refuses: a record that cannot become an entry or a register row yet."""


class NotPostable(Exception):
    """The record cannot become a balanced entry or a register row as it stands; it needs
    correcting first."""
