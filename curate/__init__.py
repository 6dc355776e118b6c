"""curate: data-centric corpus curation for LLM training data."""

__version__ = "0.1.0"
