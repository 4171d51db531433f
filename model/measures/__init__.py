"""Complexity measures that read the network and the hive alike.

`systems` holds the protocol both models implement (NetworkSystem, HiveSystem); `information` the estimators;
`features` one measure per feature; `scorecard` puts each system beside its controls; `reporters` the cheap
measures as DataCollector reporters.
"""

from model.measures.scorecard import FEATURES, scorecard
from model.measures.series import MeasureError
from model.measures.systems import HiveSystem, NetworkSystem, System

__all__ = ["FEATURES", "HiveSystem", "MeasureError", "NetworkSystem", "System", "scorecard"]
