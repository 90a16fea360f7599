"""What the test modules share, so that no test module imports another: records and documents
made through the real models (`documents`), the registers' documents (`registers`), the real
programs and the machine they run on (`machine`), the printed-truth checks of the document
generator (`truth`), signing in (`signin`) and serving the app over HTTP (`serving`).
Shared pytest fixtures live in tests/conftest.py."""
