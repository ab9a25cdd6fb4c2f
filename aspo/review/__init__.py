"""Comparing builds: text diffs and the review page."""
