"""The `aspo` command line: `app` the group and its core commands, one module per further group of commands."""
