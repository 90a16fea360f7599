"""Intake, queue, workers, storage, posting and the command line."""
