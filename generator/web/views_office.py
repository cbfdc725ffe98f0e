"""The collecting office's pages under /office/ (issue 16): sign-in, roster, links, review desk,
decisions, roll-up downloads.

Every route but the sign-in itself goes through `_guarded`: without a live session it answers
with the sign-in page (401) and reads nothing. Every form that changes anything carries the CSRF
token (security.py) and is refused (403) without it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..diagnostics import InputError, UserError
from ..review import HEADLINES, Status
from ..rollup.roster import CATEGORIES, RosterUnit, build_roster, read_roster
from .auth import SESSION_COOKIE, FirstCode, hash_password, password_problem, sign_in
from .desk import Desks, counts, default_year, grouped, report_years, shown_as
from .office_rollup import desk_status, run_rollup
from .office_store import DECISIONS, RETURNED, OfficeStore, RosterError
from .pages import Pages
from .security import CSRF_FIELD
from .views_clerk import XLSX, attachment

Handler = Callable[[Request], Awaitable[Response]]
SORTS = {
    "name": ("单位名称", lambda r: r["unit"].name),
    "status": ("状态", lambda r: (list(Status).index(r["status"]), r["unit"].id)),
    "time": ("上传时间", lambda r: r["current"].received_at.timestamp() if r["current"] else 0.0),
    "errors": ("错误", lambda r: -(r["check"].errors if r["check"] else -1)),
    "warnings": ("警告", lambda r: -(r["check"].warnings if r["check"] else -1)),
    "roster": ("名单顺序", lambda r: r["unit"].id),
}
ROLLUP_FILES = {"rollup.xlsx": "汇总工作簿.xlsx", "review.xlsx": "审核表.xlsx", "review.html": "审核.html"}


class OfficeViews:
    first_code: FirstCode | None = None  # set by create_app when there is no account yet

    def __init__(self, pages: Pages, office: OfficeStore, desks: Desks, limit: int, secure_cookies: bool = False):
        self.pages, self.office, self.desks, self.limit, self.secure = pages, office, desks, limit, secure_cookies

    def routes(self) -> list[Route]:
        g = self._guarded
        return [
            Route("/login", self.login, methods=["GET", "POST"]),
            Route("/setup", self.setup, methods=["GET", "POST"]),
            Route("/logout", g(self.logout), methods=["POST"]),
            Route("/", g(self.home)),
            Route("/{year:int}/", g(self.desk)),
            Route("/{year:int}/roster", g(self.roster)),
            Route("/{year:int}/roster.xlsx", g(self.roster_xlsx)),
            Route("/{year:int}/roster/import", g(self.roster_import), methods=["POST"]),
            Route("/{year:int}/roster/add", g(self.roster_add), methods=["POST"]),
            Route("/{year:int}/roster/next", g(self.roster_next), methods=["POST"]),
            Route("/{year:int}/roster/{unit:int}/edit", g(self.roster_edit), methods=["POST"]),
            Route("/{year:int}/roster/{unit:int}/remove", g(self.roster_remove), methods=["POST"]),
            Route("/{year:int}/links", g(self.links)),
            Route("/{year:int}/links/issue", g(self.links_issue), methods=["POST"]),
            Route("/{year:int}/units/{unit:int}", g(self.unit_page)),
            Route("/{year:int}/units/{unit:int}/decide", g(self.decide), methods=["POST"]),
            Route("/{year:int}/units/{unit:int}/revoke", g(self.revoke), methods=["POST"]),
            Route("/{year:int}/download/{what:str}", g(self.download)),
            Route("/{year:int}/own", g(self.own)),
            Route("/{year:int}/own/upload", g(self.own_upload), methods=["POST"]),
            Route("/{year:int}/own/report.{kind:str}", g(self.own_report)),
        ]

    # --- sign-in ----------------------------------------------------------------------------
    def _guarded(self, handler: Handler) -> Handler:
        async def guarded(request: Request) -> Response:
            user = await run_in_threadpool(self.office.signed_in, request.cookies.get(SESSION_COOKIE, ""))
            if user is None:
                return await self._login_page(request, status=401)
            request.state.user = user
            if request.method == "POST":
                async with request.form(max_files=1, max_fields=20) as form:
                    if not self.pages.csrf.valid(request, form.get(CSRF_FIELD)):
                        return self.pages.forbidden(request)
                    request.state.form = form
                    return await handler(request)
            return await handler(request)

        return guarded

    async def _login_page(self, request: Request, message: str = "", status: int = 200) -> Response:
        users = await run_in_threadpool(self.office.users)
        return self.pages.render(
            request, "office_login.html", {"message": message, "no_users": users == 0}, status=status
        )

    async def login(self, request: Request) -> Response:
        if request.method == "GET":
            return await self._login_page(request)
        async with request.form(max_files=0, max_fields=5) as form:
            if not self.pages.csrf.valid(request, form.get(CSRF_FIELD)):
                return self.pages.forbidden(request)
            name, password = str(form.get("name") or "")[:100], str(form.get("password") or "")[:200]
        result = await run_in_threadpool(sign_in, self.office, name, password)
        if result.token is None:
            return await self._login_page(request, result.message, status=401)
        response = RedirectResponse("/office/", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            result.token,
            httponly=True,
            samesite="strict",
            secure=self.secure or request.url.scheme == "https",
            path="/office",
        )
        return response

    async def setup(self, request: Request) -> Response:
        """The first account, with the one-time code the server printed (only while there is none)."""
        users = await run_in_threadpool(self.office.users)
        code = self.first_code
        if users or code is None or code.code is None:
            return await self._login_page(
                request,
                "汇总单位的账号已经设置（或一次性代码已失效）：请登录，或在服务器上运行 generate serve --set-password。",
                404,
            )
        if request.method == "GET":
            return self.pages.render(request, "office_setup.html", {"message": ""})
        async with request.form(max_files=0, max_fields=6) as form:
            if not self.pages.csrf.valid(request, form.get(CSRF_FIELD)):
                return self.pages.forbidden(request)
            offered = str(form.get("code") or "")[:100]
            name = " ".join(str(form.get("name") or "").split())[:100]
            password, again = str(form.get("password") or "")[:300], str(form.get("again") or "")[:300]
        problem = password_problem(password) or ("两次输入的密码不一致。" if password != again else None)
        problem = problem or ("用户名不能为空。" if not name else None)
        if problem:
            return self.pages.render(request, "office_setup.html", {"message": problem + "没有设置。"}, status=400)
        if not code.take(offered):
            left = "" if code.code is None else "请核对服务器控制台上打印的代码。"
            gone = "错误次数过多，这个代码已失效：请重新启动服务取得新代码，或运行 generate serve --set-password。"
            return self.pages.render(
                request, "office_setup.html", {"message": "一次性代码不正确。" + (left or gone)}, status=401
            )
        await run_in_threadpool(self.office.set_password, name, hash_password(password))
        return await self._login_page(request, f"已设置“{name}”的密码，请登录。")

    async def logout(self, request: Request) -> Response:
        await run_in_threadpool(self.office.sign_out, request.cookies.get(SESSION_COOKIE, ""))
        response = RedirectResponse("/office/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/office")
        return response

    # --- helpers ----------------------------------------------------------------------------
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

    # --- pages ------------------------------------------------------------------------------
    async def home(self, request: Request) -> Response:
        text = request.query_params.get("year", "")
        year = int(text) if text.isdigit() and int(text) in report_years() else default_year()
        return RedirectResponse(f"/office/{year}/", status_code=303)

    def _desk_rows(self, year: int) -> list[dict]:
        out = []
        for r in self.office.rows(year):
            out.append(
                dict(
                    unit=r.unit,
                    current=r.current,
                    check=r.check,
                    decision=r.decision,
                    uploads=r.uploads,
                    figures=r.figures,
                    status=desk_status(r),
                )
            )
        return out

    async def desk(self, request: Request) -> Response:
        year = self._year(request)
        if year is None:
            return self._missing(request, "没有这个年度。")
        rows = await run_in_threadpool(self._desk_rows, year)
        tally = {s: sum(1 for r in rows if r["status"] is s) for s in Status}
        wanted = request.query_params.get("status", "")
        decision = request.query_params.get("decision", "")
        shown = [r for r in rows if not wanted or r["status"].value == wanted]
        if decision == "未审核":
            shown = [r for r in shown if r["current"] is not None and r["decision"] is None]
        elif decision in DECISIONS:
            shown = [r for r in shown if r["decision"] is not None and r["decision"].kind == decision]
        sort = request.query_params.get("sort", "roster")
        sort = sort if sort in SORTS else "roster"
        shown.sort(key=SORTS[sort][1])
        return self._render(
            request,
            "office_desk.html",
            dict(
                year=year,
                rows=shown,
                total=len(rows),
                tally={s: n for s, n in tally.items() if n},
                statuses=[s.value for s in Status if tally[s]],
                wanted=wanted,
                decision=decision,
                decisions=("未审核", *DECISIONS),
                sort=sort,
                sorts={k: v[0] for k, v in SORTS.items()},
                headlines=HEADLINES,
            ),
        )

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
        received = await run_in_threadpool(self.desks.store.receive, upload.file, self.limit)
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
        base = str(request.base_url).rstrip("/")
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

    def _unit_context(self, unit_id: int, year: int) -> dict:
        desk = self.desks.unit_desk(unit_id)
        subs = desk.submissions(year)
        decisions = self.office.decisions([s.id for s in subs])
        row = next(r for r in self.office.rows(year) if r.unit.id == unit_id)
        ctx: dict = dict(submissions=subs, decisions=decisions, status=desk_status(row), row=row)
        if subs:
            check, findings = desk.findings(subs[0])
            ctx.update(check=check, groups=grouped(findings), counts=counts(findings))
        return ctx

    async def unit_page(self, request: Request, message: str = "", status: int = 200) -> Response:
        unit = await self._unit(request)
        if unit is None:
            return self._missing(request, "名单中没有这个单位。")
        ctx = await run_in_threadpool(self._unit_context, unit.id, unit.year)
        return self._render(
            request,
            "office_unit.html",
            dict(year=unit.year, unit=unit, message=message, kinds=DECISIONS, **ctx),
            status=status,
        )

    async def decide(self, request: Request) -> Response:
        unit = await self._unit(request)
        if unit is None:
            return self._missing(request, "名单中没有这个单位。")
        form = request.state.form
        kind, note = str(form.get("kind") or ""), str(form.get("note") or "").strip()[:2000]
        sub_text = str(form.get("submission") or "")
        sub = await run_in_threadpool(self.desks.store.submission, int(sub_text)) if sub_text.isdigit() else None
        if sub is None or sub.unit_id != unit.id:
            return await self.unit_page(request, "没有这份上传。", 404)
        if kind not in DECISIONS:
            return await self.unit_page(request, f"审核结论应为：{'、'.join(DECISIONS)}。", 400)
        if kind == RETURNED and not note:
            return await self.unit_page(request, "退回时请写明需要修改的内容（单位会在填报页面看到）。", 400)
        await run_in_threadpool(self.office.decide, sub.id, kind, note, request.state.user)
        return RedirectResponse(f"/office/{unit.year}/units/{unit.id}", status_code=303)

    async def download(self, request: Request) -> Response:
        year = self._year(request)
        what = request.path_params["what"]
        if year is None or what not in (*ROLLUP_FILES, "reports.zip"):
            return self._missing(request, "没有这个文件。")
        if what == "reports.zip":
            data = await run_in_threadpool(self._reports_zip, year)
            return Response(
                data,
                media_type="application/zip",
                headers={"Content-Disposition": attachment(f"{year}-各单位报告.zip")},
            )
        folder, _ = await run_in_threadpool(run_rollup, self.desks.store, self.office, year)
        path = folder / ROLLUP_FILES[what]
        if not path.is_file():
            return self._render(
                request,
                "office_message.html",
                {
                    "title": "还不能汇总",
                    "message": "还没有可以汇总的单位工作簿（需要至少一个单位上传且纳入汇总）。",
                    "year": year,
                },
                status=409,
            )
        media = XLSX if what.endswith(".xlsx") else "text/html; charset=utf-8"
        data = await run_in_threadpool(path.read_bytes)
        return Response(
            data, media_type=media, headers={"Content-Disposition": attachment(f"{year}-{ROLLUP_FILES[what]}")}
        )

    # --- the government's own report -----------------------------------------------------------
    def _own_context(self, year: int) -> dict:
        from .office_rollup import government_report

        own = self.office.own(year)
        made = government_report(self.desks.store, self.office, year)
        ctx: dict = dict(own=own, made=made)
        if made.own_findings is not None:
            ctx["own_groups"] = grouped(made.own_findings)
            ctx["own_counts"] = counts(made.own_findings)
        if made.checked is not None:
            ctx["report_groups"] = grouped(made.checked.findings)
            ctx["report_counts"] = counts(made.checked.findings)
        return ctx

    async def own(
        self, request: Request, message: str = "", status: int = 200, problems: list | None = None
    ) -> Response:
        year = self._year(request)
        if year is None:
            return self._missing(request, "没有这个年度。")
        ctx = await run_in_threadpool(self._own_context, year)
        return self._render(
            request,
            "office_own.html",
            dict(year=year, message=message, problems=problems or [], limit_mb=self.limit // (1024 * 1024), **ctx),
            status=status,
        )

    async def own_upload(self, request: Request) -> Response:
        from .desk import check_upload, display_name

        year = self._year(request)
        if year is None:
            return self._missing(request, "没有这个年度。")
        upload = request.state.form.get("workbook")
        if upload is None or isinstance(upload, str) or not upload.filename:
            return await self.own(request, "请先选择本级政府的工作簿（.xlsx）。", 400)
        received = await run_in_threadpool(self.desks.store.receive, upload.file, self.limit)
        outcome = await run_in_threadpool(check_upload, str(received.path), year)
        name = display_name(upload.filename)
        if outcome.refused:
            received.path.unlink(missing_ok=True)
            shown = shown_as(outcome.findings, name)
            return await self.own(request, f"“{name}”无法读取，没有保存：", 422, [d.format() for d in shown])
        await run_in_threadpool(self.office.add_own, year, received, name, request.state.user)
        return RedirectResponse(f"/office/{year}/own", status_code=303)

    async def own_report(self, request: Request) -> Response:
        from ..output import safe_filename
        from ..pipeline import render
        from .office_rollup import government_report
        from .views_clerk import DOCX

        year, kind = self._year(request), request.path_params["kind"]
        if year is None or kind not in ("docx", "html"):
            return self._missing(request, "没有这个文件。")
        made = await run_in_threadpool(government_report, self.desks.store, self.office, year)
        if made.checked is None:
            return self._missing(request, "还没有可以汇总的单位工作簿，不能生成本级政府的报告。")
        rendered = await run_in_threadpool(render, made.checked.report, made.checked.provenance)
        name = f"{safe_filename(rendered.title, year=year)}.{kind}"
        body = rendered.docx if kind == "docx" else rendered.html
        media = DOCX if kind == "docx" else "text/html; charset=utf-8"
        return Response(body, media_type=media, headers={"Content-Disposition": attachment(name)})

    def _reports_zip(self, year: int) -> bytes:
        """Every unit's current DOCX and HTML exactly as `generate batch` writes them from the export."""
        from .office_rollup import batch_folder

        folder = batch_folder(self.desks.store, self.office, year)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for p in sorted(folder.rglob("*")):
                if p.is_file():
                    zf.write(p, p.relative_to(folder).as_posix())
        return buf.getvalue()
