"""The commands of the command line, grouped by what they are for.

Each module holds plain functions, one a command: load the store, compute,
render, pick the exit code (a handful of lines; the logic lives in the library
modules). ``common`` holds what they share: the consoles, the global options,
loading, printing and error handling. ``claimcmp.cli`` names every command on
the typer app, in the order ``claimcmp --help`` lists them.
"""
