"""The one exception the front doors turn into exit code 2 and a one-line Chinese reason."""


class UnusableWorkbook(Exception):
    """The file cannot be used at all (missing, not xlsx, encrypted, a required sheet absent)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
