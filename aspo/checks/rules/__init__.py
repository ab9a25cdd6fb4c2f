"""The rules `aspo check` runs, one concern a module; aspo/checks/registry.py lists the modules."""
