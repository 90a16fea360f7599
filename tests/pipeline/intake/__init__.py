"""Intake: the watcher, ingest of a dropped file, and its crash safety."""
