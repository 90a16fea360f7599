"""Ledger: what approval leaves behind for other systems. Posting turns an approved invoice
into a balanced journal entry exactly once (journal, account mapping, gap-free counters); the
contract, candidate and correspondence registers; the feeds pullers read with a cursor, the
webhooks that tell them to, and the exports for accounting software."""
