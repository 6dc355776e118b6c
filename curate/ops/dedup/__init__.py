"""Deduplication at scale: exact (hashes), MinHash LSH near-duplicate and repeated-line
removal."""
