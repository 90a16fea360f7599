"""The suite, laid out like the code: extractors/, rules/, pipeline/<stage>/ and api/ test the
folder of the same name; cross-cutting checks (the architecture, the lock files, the document
generator and the golden records) sit here at the top. Shared helpers: support/; shared
fixtures: conftest.py; generated documents: docgen/."""
