"""HTTP API: review queue, documents, entries, web pages."""
