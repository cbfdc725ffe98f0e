"""What the office's page classes share: the store, the desks, the page frame, year and unit lookups."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from .desk import Desks, report_years
from .office_store import OfficeStore
from .pages import Pages


class OfficeBase:
    pages: Pages
    office: OfficeStore
    desks: Desks
    limit: int

    def _year(self, request: Request) -> int | None:
        year = request.path_params.get("year")
        return year if year in report_years() else None

    def _render(self, request: Request, name: str, context: dict, status: int = 200) -> Response:
        year = context.get("year")
        base = dict(user=request.state.user, years=report_years(), office_year=year)
        return self.pages.render(request, name, {**base, **context}, status=status)

    def _missing(self, request: Request, message: str) -> Response:
        return self._render(request, "office_message.html", {"title": "找不到", "message": message}, status=404)

    async def _unit(self, request: Request):  # noqa: ANN202
        unit = await run_in_threadpool(self.office.unit, request.path_params["unit"])
        return unit if unit is not None and unit.year == request.path_params["year"] else None
