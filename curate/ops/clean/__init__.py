"""Cleaners: row operators that rewrite the text column and record, per document, what they
changed (as signals in stats/)."""
