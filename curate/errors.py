"""The errors curate reports to users as one line, and the exit codes they map to."""


class CurateError(Exception):
    """A problem with the user's input or data: shown as one line, exit code 1."""

    exit_code = 1


class ConfigError(CurateError):
    """A problem with the pipeline file or the command line: exit code 2. Several problems
    found at once are one line each."""

    exit_code = 2


class DataError(CurateError):
    """A problem with an input shard (corrupt file, missing column, bad encoding): exit code 1."""


class ShardError(DataError):
    """An input shard that cannot be read as part of the corpus (damaged file, wrong schema,
    a line that is not a JSON object, bad encoding). `[pipeline] on_error = "quarantine"`
    skips such a shard instead of failing the run.

    `str()` is the one-line message `PATH[:LINE]: DETAIL`; `reason` is the same without the path.
    """

    def __init__(self, path: object, detail: str, line: int | None = None) -> None:
        super().__init__(path, detail, line)
        self.path = str(path)
        self.detail = detail
        self.line = line

    @property
    def reason(self) -> str:
        """The problem without the file name: `line N: DETAIL` or `DETAIL`."""
        return f"line {self.line}: {self.detail}" if self.line is not None else self.detail

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.detail}"
