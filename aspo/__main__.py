"""Lets `python -m aspo` run the command line."""

from aspo.cli import main

main()
