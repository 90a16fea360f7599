"""Review: everything a person decides about a document. The rules step and the review queue
query (`checking`), field and line-item corrections, reopening and type changes (`changes`),
approve and reject (`documents`), the segregation-of-duties policy (`approval`) and the page
images reviewers look at (`pages`). Services take the session; callers own the transaction."""
