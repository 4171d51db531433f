"""The Mesa agents of neurohive: neurons, the network's environment, bees and the hive's weather."""
