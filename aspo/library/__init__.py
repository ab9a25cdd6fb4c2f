"""The content library and the accounts: read, validated, cross-checked, then read-only."""
