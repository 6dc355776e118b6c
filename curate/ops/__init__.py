"""The operator catalogue. Importing this package registers every operator module in it
(and in its sub-packages), so adding an operator is adding a module."""

import importlib
import pkgutil

from curate.ops.base import REGISTRY, GlobalOperator, Operator, RowOperator

for _module in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
    importlib.import_module(_module.name)

__all__ = ["REGISTRY", "GlobalOperator", "Operator", "RowOperator"]
