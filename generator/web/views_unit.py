"""A unit's private link (issue 16): /u/<token>/ opens the clerk's desk of that unit and year only.

The same views as the open desk (views_clerk.ClerkViews); `desk_of` finds the unit from the link
(by the token's SHA-256) and refuses any other year, and every submission it shows is checked to
be that unit's (Desk.owns). A revoked or unknown link gets the 404 page, never data. The first
step offers the workbook carried forward from the unit's last accepted workbook of last year (its
latest upload when the office recorded no decision), exactly as `generate init --from` writes it.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..diagnostics import UserError
from .desk import Desk, Desks, Outcome, Refusal, blank_workbook
from .office_store import OfficeStore
from .pages import Pages
from .storage import Received, Unit
from .views_clerk import XLSX, ClerkViews, _NotFound, attachment


class UnitDesk(Desk):
    """A roster unit's desk: uploads carry its unit id, and their headline figures are kept."""

    def __init__(self, desks: Desks, unit: Unit, office: OfficeStore):
        super().__init__(desks, unit.id)
        self.unit, self.office = unit, office

    def keep(self, year: int, received: Received, original_name: str, outcome: Outcome) -> int | Refusal:
        result = super().keep(year, received, original_name, outcome)
        if isinstance(result, int):
            self.office.keep_figures(result, outcome.figures)
        return result


class UnitViews(ClerkViews):
    template = "unit_desk.html"

    def __init__(self, pages: Pages, desks: Desks, office: OfficeStore, limit: int):
        super().__init__(pages, self._desk_of, limit)
        self.desks, self.office = desks, office

    def routes(self) -> list[Route]:
        return [Route("/{year:int}/prefilled.xlsx", self.prefilled), *super().routes()]

    def _desk_of(self, request: Request) -> UnitDesk | None:
        unit = self.office.link_unit(request.path_params.get("token", ""))
        if unit is None:
            return None
        if "year" in request.path_params and request.path_params["year"] != unit.year:
            return None
        return UnitDesk(self.desks, unit, self.office)

    def _context(self, request: Request, desk: Desk, year: int, shown=None, refusal=None) -> dict:  # noqa: ANN001
        ctx = super()._context(request, desk, year, shown, refusal)
        assert isinstance(desk, UnitDesk)
        latest = self.office.latest_note(desk.unit_id)
        current = ctx["current"]
        ctx.update(unit=desk.unit, decision=None, decided=None, superseded=False)
        if latest is not None:
            sub, decision = latest
            ctx.update(decided=sub, decision=decision, superseded=current is not None and current.id != sub.id)
        previous = self.office.accepted_workbook(year - 1, desk.unit.name)
        ctx["carried"] = None if previous is None else ("accepted" if previous[1] else "latest")
        return ctx

    async def home(self, request: Request) -> Response:
        desk = await run_in_threadpool(self._desk_of, request)
        if desk is None:
            return self._not_found(request, _NotFound("这个填报链接无效或已被收回。请向汇总单位索取新的链接。"))
        return RedirectResponse(f"{request.url.path.rstrip('/')}/{desk.unit.year}/", status_code=303)

    async def choose_year(self, request: Request) -> Response:
        return await self.home(request)

    def _prefilled(self, desk: UnitDesk, year: int) -> bytes:
        """`generate init --year Y --from <last year's accepted workbook>`, or the blank workbook."""
        import secrets

        from ..init_workbook import init_workbook

        found = self.office.accepted_workbook(year - 1, desk.unit.name)
        if found is None:
            return blank_workbook(year)
        previous = found[0]
        target = self.desks.store.tmp / f"init-{secrets.token_hex(8)}.xlsx"
        try:
            init_workbook(year, target, source=self.desks.store.blob(previous.sha256))
            return target.read_bytes()
        except UserError:  # last year's upload cannot be carried forward: the blank workbook
            return blank_workbook(year)
        finally:
            target.unlink(missing_ok=True)

    async def prefilled(self, request: Request) -> Response:
        try:
            desk, year, _ = await run_in_threadpool(self._where, request)
        except _NotFound as exc:
            return self._not_found(request, exc)
        data = await run_in_threadpool(self._prefilled, desk, year)
        return Response(data, media_type=XLSX, headers={"Content-Disposition": attachment(f"{year}.xlsx")})
