"""The Mesa models of neurohive and everything they are built from."""

from model.hive import HiveModel
from model.network import NetworkModel

__all__ = ["NetworkModel", "HiveModel"]
