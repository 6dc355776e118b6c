"""The errors curate reports to users as one line, and the exit codes they map to."""


class CurateError(Exception):
    """A problem with the user's input or data: shown as one line, exit code 1."""

    exit_code = 1


class ConfigError(CurateError):
    """A problem with the pipeline file or the command line: exit code 2."""

    exit_code = 2


class DataError(CurateError):
    """A problem with an input shard (corrupt file, missing column, bad encoding): exit code 1."""
