"""The Mesa models of neurohive and everything they are built from."""

from model.network import NetworkModel
from model.hive import HiveModel

__all__ = ["NetworkModel", "HiveModel"]
