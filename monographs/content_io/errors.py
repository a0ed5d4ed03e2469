"""What a rejected load reports: each problem with the file, the line and the table it is in."""

from dataclasses import dataclass


@dataclass
class ContentError:
    file: str
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place}: {self.where}: {self.message}" if self.where else f"{place}: {self.message}"


class ContentInvalid(Exception):
    """The files were rejected whole; `errors` lists every problem found."""

    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
