"""aspo: Account-Specific Point Offerings generated from marketing's approved content."""

__version__ = "0.1.0"
