"""sop: a terminal facilitator for the monthly S&OP cycle."""

__version__ = "0.1.0"
