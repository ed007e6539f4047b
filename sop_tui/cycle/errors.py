"""The error every command raises when its input does not hold."""

from __future__ import annotations


class CommandError(ValueError):
    """A command refused its input; ``problems`` maps each field to what is wrong with it.

    Nothing has been written when this is raised.
    """

    def __init__(self, problems: dict[str, str] | str) -> None:
        self.problems = problems if isinstance(problems, dict) else {"": problems}
        super().__init__(
            "; ".join(f"{k}: {v}" if k else v for k, v in self.problems.items())
        )
