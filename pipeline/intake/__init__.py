"""Intake: how a file in the shared folder becomes a stored, recorded document. The watcher
decides when a file is complete, ingest hashes and stores its bytes and records a `Document`
before the file leaves the inbox, the blob store keeps originals content-addressed, and pairing
joins an e-invoice XML with the PDF that only shows it. Nothing here parses a document."""
