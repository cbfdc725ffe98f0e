"""The office's roster and links pages (issue 16): import, edit, export, next year; units' private links."""

from __future__ import annotations

import io
import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..diagnostics import InputError, UserError
from ..rollup.roster import CATEGORIES, RosterUnit, build_roster, read_roster
from .desk import report_years, shown_as
from .office_base import OfficeBase
from .office_store import RosterError
from .storage import TooLarge
from .views_clerk import XLSX, attachment


class RosterViews(OfficeBase):
    async def roster(self, request: Request, message: str = "", status: int = 200, problems: list | None = None):  # noqa: ANN201
        year = self._year(request)
        if year is None:
            return self._missing(request, "没有这个年度。")
        units = await run_in_threadpool(self.office.units, year)
        nxt = await run_in_threadpool(self.office.units, year + 1) if year + 1 in report_years() else None
        return self._render(
            request,
            "office_roster.html",
            dict(
                year=year,
                units=units,
                categories=CATEGORIES,
                message=message,
                problems=problems or [],
                next_year=year + 1 if nxt is not None and not nxt else None,
            ),
            status=status,
        )

    async def roster_xlsx(self, request: Request) -> Response:
        year = self._year(request)
        if year is None:
            return self._missing(request, "没有这个年度。")

        def build() -> bytes:
            buf = io.BytesIO()
            build_roster(self.office.roster(year)).save(buf)
            return buf.getvalue()

        data = await run_in_threadpool(build)
        return Response(data, media_type=XLSX, headers={"Content-Disposition": attachment(f"{year}-名单.xlsx")})

    async def roster_import(self, request: Request) -> Response:
        year = self._year(request)
        if year is None:
            return self._missing(request, "没有这个年度。")
        upload = request.state.form.get("roster")
        if upload is None or isinstance(upload, str) or not upload.filename:
            return await self.roster(request, "请先选择名单工作簿（.xlsx）。", 400)
        try:
            received = await run_in_threadpool(self.desks.store.receive, upload.file, self.limit)
        except TooLarge:
            return self.pages.too_large(request)
        try:
            units = await run_in_threadpool(read_roster, received.path)
            added, updated = await run_in_threadpool(self.office.import_roster, year, units)
        except InputError as exc:
            shown = shown_as(exc.diagnostics, "名单工作簿")
            return await self.roster(request, "名单工作簿有问题，没有导入任何单位：", 422, [d.format() for d in shown])
        except UserError as exc:
            return await self.roster(request, f"名单工作簿无法读取，没有导入：{exc}", 422)
        finally:
            received.path.unlink(missing_ok=True)
        return await self.roster(request, f"已导入名单：新增 {added} 个单位，更新 {updated} 个单位。")

    def _unit_form(self, request: Request) -> RosterUnit | str:
        form = request.state.form
        name = " ".join(str(form.get("name") or "").split())[:200]
        category = str(form.get("category") or "")
        if not name:
            return "单位名称不能为空。"
        if category not in CATEGORIES:
            return f"类别应为：{'、'.join(CATEGORIES)}。"
        return RosterUnit(name, category, form.get("included") == "是")

    async def roster_add(self, request: Request) -> Response:
        year = self._year(request)
        if year is None:
            return self._missing(request, "没有这个年度。")
        unit = self._unit_form(request)
        if isinstance(unit, str):
            return await self.roster(request, unit, 400)
        try:
            await run_in_threadpool(self.office.add_unit, year, unit)
        except RosterError as exc:
            return await self.roster(request, str(exc), 409)
        return RedirectResponse(f"/office/{year}/roster", status_code=303)

    async def roster_edit(self, request: Request) -> Response:
        unit = await self._unit(request)
        if unit is None:
            return self._missing(request, "名单中没有这个单位。")
        new = self._unit_form(request)
        if isinstance(new, str):
            return await self.roster(request, new, 400)
        try:
            await run_in_threadpool(self.office.edit_unit, unit.id, new.name, new.category, new.included)
        except RosterError as exc:
            return await self.roster(request, str(exc), 409)
        return RedirectResponse(f"/office/{unit.year}/roster", status_code=303)

    async def roster_remove(self, request: Request) -> Response:
        unit = await self._unit(request)
        if unit is None:
            return self._missing(request, "名单中没有这个单位。")
        try:
            await run_in_threadpool(self.office.remove_unit, unit.id)
        except RosterError as exc:
            return await self.roster(request, str(exc), 409)
        return RedirectResponse(f"/office/{unit.year}/roster", status_code=303)

    async def roster_next(self, request: Request) -> Response:
        year = self._year(request)
        if year is None or year + 1 not in report_years():
            return self._missing(request, "没有下一个年度。")

        def copy() -> None:
            if self.office.units(year + 1):
                raise RosterError(f"{year + 1} 年度已有名单，没有覆盖。")
            self.office.import_roster(year + 1, self.office.roster(year))

        try:
            await run_in_threadpool(copy)
        except RosterError as exc:
            return await self.roster(request, str(exc), 409)
        return RedirectResponse(f"/office/{year + 1}/roster", status_code=303)

    async def links(self, request: Request, issued: dict[int, str] | None = None) -> Response:
        year = self._year(request)
        if year is None:
            return self._missing(request, "没有这个年度。")
        units = await run_in_threadpool(self.office.units, year)
        live = await run_in_threadpool(self.office.links_issued, year)
        base = public_base(request)
        return self._render(
            request,
            "office_links.html",
            dict(year=year, units=units, live=live, issued=issued or {}, base=base),
        )

    async def links_issue(self, request: Request) -> Response:
        """Issue new links: for every unit (all=1) or one unit (unit=ID); old links stop working."""
        year = self._year(request)
        if year is None:
            return self._missing(request, "没有这个年度。")
        form = request.state.form
        one = str(form.get("unit") or "")

        def issue() -> dict[int, str]:
            units = self.office.units(year)
            chosen = [u for u in units if str(u.id) == one] if one else units
            return {u.id: self.office.issue_link(u.id) for u in chosen}

        issued = await run_in_threadpool(issue)
        return await self.links(request, issued)

    async def revoke(self, request: Request) -> Response:
        unit = await self._unit(request)
        if unit is None:
            return self._missing(request, "名单中没有这个单位。")
        await run_in_threadpool(self.office.revoke_link, unit.id)
        return RedirectResponse(f"/office/{unit.year}/links", status_code=303)


_HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


def public_base(request: Request) -> str:
    """Where units open the desk: behind the office's web server (docs/serve.md) the name it
    forwards in X-Forwarded-Host, since the server itself is reached as 127.0.0.1:PORT there."""
    forwarded = request.headers.get("x-forwarded-host", "").split(",")[0].strip()
    if forwarded and _HOST.fullmatch(forwarded):
        return str(request.base_url.replace(netloc=forwarded)).rstrip("/")
    return str(request.base_url).rstrip("/")
