"""Lets `python -m aspo` run the command line."""

from aspo.cli.app import main

main()
