"""Errors as values with a location, so `check` can list every problem at once."""

from typing import NamedTuple


class Problem(NamedTuple):
    """One thing wrong in the store, located as precisely as the source allows."""

    file: str
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class CoopError(Exception):
    """A mistake a person can fix: bad input, bad data, a busy store.

    `exit_code` is 1 for data problems and 2 for usage errors, as the CLI
    contract says. `field` names the value the message is about (`end`,
    `type`, ...), so an interface can say where it came from (the command
    line names its option; a form marks its field): the core speaks of
    fields, never of flags.
    """

    exit_code = 1

    def __init__(self, message: str, problems: list[Problem] | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []
        self.field = field

    def __str__(self) -> str:
        return self.message


class UsageError(CoopError):
    """A value that is missing or malformed (exit 2)."""

    exit_code = 2


class StoreInvalid(CoopError):
    """The store failed to load; it carries every problem found."""
