"""The operator catalogue. Importing this package registers every operator."""

from curate.ops import exact_dedup, length_filter, normalize
from curate.ops.base import REGISTRY, GlobalOperator, Operator, RowOperator

__all__ = ["REGISTRY", "GlobalOperator", "Operator", "RowOperator", "exact_dedup",
           "length_filter", "normalize"]
