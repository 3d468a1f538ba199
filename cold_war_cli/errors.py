"""Domain errors. The core raises these; cli.py turns them into one-line messages and exit codes."""


class CwcError(Exception):
    """A failure the user should see as one line on stderr (exit status 1)."""

    exit_code = 1


class DatasetError(CwcError):
    """The data file is missing, unreadable, not JSON, or does not follow the format."""


class LookupFailed(CwcError):
    """A name or id matched nothing, or more than one thing."""

    def __init__(self, message: str, suggestions: list[str] | None = None):
        self.suggestions = suggestions or []
        if self.suggestions:
            message = f"{message}. Did you mean: {', '.join(self.suggestions)}?"
        super().__init__(message)


class BadDate(ValueError):
    """A date typed by the user that cwc cannot read. A usage error (exit status 2)."""
