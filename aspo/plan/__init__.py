"""One account's plan: what is chosen for it and why, keyed once."""
