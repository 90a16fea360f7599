"""Reading, classifying and extracting records from files, with no database."""
