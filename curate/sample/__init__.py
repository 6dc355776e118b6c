"""Synthetic sample corpus (`curate sample OUT`): mixed zh/en documents with known noise."""

from curate.sample.generator import generate_sample

__all__ = ["generate_sample"]
