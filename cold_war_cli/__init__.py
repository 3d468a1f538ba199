"""cwc: a sourced Cold War chronology for the command line."""

__version__ = "0.1.0"
