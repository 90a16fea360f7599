"""The HTTP API and the web pages, in-process and served for real (browser, proxy, schemathesis)."""
