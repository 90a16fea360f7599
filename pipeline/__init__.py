"""The service around the extractors and rules: each stage of a document's life has a
sub-package (intake, jobs, review, ledger, access, store); `cli` composes them."""
