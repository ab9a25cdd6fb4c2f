"""Measuring what works: account histories read into a funnel by buying stage and content compared by outcome."""
