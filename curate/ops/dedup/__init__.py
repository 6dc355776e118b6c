"""Deduplication at scale: MinHash LSH near-duplicate removal and repeated-line removal."""
