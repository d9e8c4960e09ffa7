"""Paging shared by the list states: page number, total, search text, the pager's label and events."""

from __future__ import annotations

import math

import reflex as rx

from services.platform.errors import DomainError, PermissionDenied

PAGE_SIZE = 25
MAX_SEARCH_LENGTH = 100


class PagedMixin(rx.State, mixin=True):
    """Mix into an AuthState subclass (each list keeps its own vars) that implements
    `_fetch()` (read one page for the principal, re-checking the role) and `_empty()`."""

    page: int = 1
    total: int = 0
    search: str = ""
    loading: bool = True

    @rx.var
    def has_previous(self) -> bool:
        return self.page > 1

    @rx.var
    def has_next(self) -> bool:
        return self.page * PAGE_SIZE < self.total

    @rx.var
    def pager_label(self) -> str:
        pages = max(1, math.ceil(self.total / PAGE_SIZE))
        return (
            self.t("common.page_of", page=self.fmt_number(self.page), pages=self.fmt_number(pages))
            + " · "
            + self.t("common.rows_total", total=self.fmt_number(self.total), count=self.total)
        )

    def _reload(self):
        self.loading = True
        yield
        try:
            self._fetch()
        except PermissionDenied:
            self._empty()
        except DomainError as error:
            yield self._denied(error)
        self.loading = False

    @rx.event
    def set_search(self, text: str):
        self.search = text[:MAX_SEARCH_LENGTH]
        self.page = 1
        yield from self._reload()

    @rx.event
    def next_page(self):
        if self.page * PAGE_SIZE < self.total:
            self.page += 1
            yield from self._reload()

    @rx.event
    def previous_page(self):
        if self.page > 1:
            self.page -= 1
            yield from self._reload()
