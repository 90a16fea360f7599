"""The one error the rules refuse bad input with, so callers catch a single type."""

from __future__ import annotations

from extractors.errors import BackofficeError


class RulePackError(BackofficeError):
    """A rule pack, overlay or data file that cannot be loaded. The message starts with the
    file and, when known, the line and the rule: `invoice.yaml:12: rule invoice.totals: …`."""

    code = "rule_pack"
    http_status = 422
