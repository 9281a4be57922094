"""Errors that carry a message meant for the user, and the cancel signal for long jobs."""

from collections.abc import Callable


class PitwallError(Exception):
    """A failure the user can understand and act on; str(e) is shown as is."""


class InvalidFile(PitwallError):
    """The input is not a file Pitwall can read, or it is damaged."""


class Cancelled(PitwallError):
    """The user cancelled a long job."""

    def __init__(self, message: str = "Cancelled") -> None:
        super().__init__(message)


# progress(done, total) -> keep going?  Returning False cancels the job.
Progress = Callable[[int, int], bool]


def no_progress(done: int, total: int) -> bool:
    return True


def check(progress: Progress, done: int, total: int) -> None:
    """Report progress and raise Cancelled when the callback asks to stop."""
    if progress(done, total) is False:
        raise Cancelled()
