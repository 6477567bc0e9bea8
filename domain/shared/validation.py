"""H2: all the problems with a request at once. A service runs its input's checks through one ``Validation``: each
check that fails is recorded (its field path, code and message) instead of ending the request, and before the
service acts — before its first write — ``done()`` refuses the request with every problem found, as an
``InvalidRequest``, which the schema turns into one ``userError`` each. A problem that leaves nothing more to check
(the order line does not exist) ends the request at once with ``fail``, still with everything found before it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from domain.shared.errors import DomainError

T = TypeVar("T")


class InvalidRequest(DomainError):
    """Every problem found with a request's input, each a ``DomainError`` with its field path and code; as a single
    error it reads as its first (so code that expects one error still sees one)."""

    def __init__(self, problems: list[DomainError]):
        first = problems[0]
        super().__init__(first.message, first.field, first.code)
        self.problems = problems


def problems_of(error: DomainError) -> list[DomainError]:
    """The problems an error stands for: an ``InvalidRequest``'s, or the error itself."""
    return list(error.problems) if isinstance(error, InvalidRequest) else [error]


class Validation:
    def __init__(self) -> None:
        self.problems: list[DomainError] = []

    def __call__(self, check: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """``check(*args, **kwargs)``'s value, or None when it refused (the refusal is recorded)."""
        try:
            return check(*args, **kwargs)
        except DomainError as error:
            self.problems.extend(problems_of(error))
            return None

    async def awaited(self, check: Awaitable[T]) -> T | None:
        """The same for a check that reads (a URL's addresses, a row): its value, or None when it refused."""
        try:
            return await check
        except DomainError as error:
            self.problems.extend(problems_of(error))
            return None

    def branch(self) -> Validation:
        """A validation that starts from the problems found so far (a transaction that may run again checks its
        reads afresh each time, without the last try's problems)."""
        copy = Validation()
        copy.problems = list(self.problems)
        return copy

    def add(self, error: DomainError) -> None:
        self.problems.extend(problems_of(error))

    def fail(self, error: DomainError) -> DomainError:
        """The refusal to raise when ``error`` leaves nothing more to check: it and every problem found before."""
        return refusal([*self.problems, *problems_of(error)])

    def done(self) -> None:
        """Refuses the request if any check failed (call it before the first write)."""
        if self.problems:
            raise refusal(list(self.problems))


def refusal(problems: list[DomainError]) -> DomainError:
    """One problem is refused as itself (its own class: a caller that catches ``NotFound`` still does); several as
    an ``InvalidRequest`` that carries them all."""
    return problems[0] if len(problems) == 1 else InvalidRequest(problems)
