"""Commands that write input files: init, new account, import, layouts use."""
