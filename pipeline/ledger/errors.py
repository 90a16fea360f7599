"""What the ledger refuses: a record that cannot become an entry or a register row yet."""

from extractors.errors import BackofficeError


class NotPostable(BackofficeError):
    """The record cannot become a balanced entry or a register row as it stands; it needs
    correcting first."""

    code = "not_postable"
    http_status = 422


class DuplicateInvoice(NotPostable):
    """The invoice is, or probably is, one already held by another document."""

    code = "duplicate_invoice"
