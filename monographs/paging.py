"""Page links for long public lists (search results, a letter of the A to Z, a condition's medicines): the numbers
around the current page, the first and the last, previous and next. Pure: no database."""

from dataclasses import dataclass
from urllib.parse import urlencode

AROUND = 2  # pages linked on each side of the current one


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: a gap ("…")
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    page: int
    pages: int
    links: tuple[PageLink, ...]
    previous_url: str
    next_url: str
    label: str  # what the navigation is called, for screen readers: "Pages of search results"


def page_url(base: str, params: dict[str, str], number: int) -> str:
    """The address of page `number`: page 1 has no page parameter (one address per page, for the cache)."""
    query = {**params, **({"page": str(number)} if number > 1 else {})}
    return f"{base}?{urlencode(query)}" if query else base


def pagination(*, page: int, pages: int, base: str, params: dict[str, str], label: str) -> Pagination | None:
    """Links for page `page` of `pages`, or None when there is only one page."""
    if pages <= 1:
        return None
    shown = sorted({1, pages, *range(max(1, page - AROUND), min(pages, page + AROUND) + 1)})
    links: list[PageLink] = []
    for number in shown:
        if links and links[-1].number is not None and number - links[-1].number > 1:
            links.append(PageLink(None))
        links.append(PageLink(number, page_url(base, params, number), number == page))
    return Pagination(
        page=page,
        pages=pages,
        links=tuple(links),
        previous_url=page_url(base, params, page - 1) if page > 1 else "",
        next_url=page_url(base, params, page + 1) if page < pages else "",
        label=label,
    )
