"""The service as a whole through its composition root (`backoffice` and `pipeline/cli.py`):
the command line, start-up, the real `backoffice run` and its outages. The stages are in the
sub-folders."""
