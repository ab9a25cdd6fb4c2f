"""The build: accounts planned, rendered and written, whole or not at all."""
