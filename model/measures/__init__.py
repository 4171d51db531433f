"""Complexity measures that read the network and the hive alike."""
