"""The collecting office's pages under /office/ (issue 16): sign-in, the review desk, a unit's
page and decisions; the roster and links (views_roster.py) and downloads (views_rollup.py) mix in.

Every route but the sign-in itself goes through `_guarded`: without a live session it answers
with the sign-in page (401) and reads nothing. Every form that changes anything carries the CSRF
token (security.py) and is refused (403) without it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..review import HEADLINES, Status
from .auth import SESSION_COOKIE, FirstCode, hash_password, password_problem, sign_in
from .desk import Desks, counts, default_year, grouped, report_years
from .office_rollup import desk_status
from .office_store import DECISIONS, RETURNED, OfficeStore
from .pages import Pages
from .security import CSRF_FIELD
from .views_rollup import RollupViews
from .views_roster import RosterViews

Handler = Callable[[Request], Awaitable[Response]]
SORTS = {
    "name": ("单位名称", lambda r: r["unit"].name),
    "status": ("状态", lambda r: (list(Status).index(r["status"]), r["unit"].id)),
    "time": ("上传时间", lambda r: r["current"].received_at.timestamp() if r["current"] else 0.0),
    "errors": ("错误", lambda r: -(r["check"].errors if r["check"] else -1)),
    "warnings": ("警告", lambda r: -(r["check"].warnings if r["check"] else -1)),
    "roster": ("名单顺序", lambda r: r["unit"].id),
}


class OfficeViews(RosterViews, RollupViews):
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

    # --- pages ------------------------------------------------------------------------------
    async def home(self, request: Request) -> Response:
        text = request.query_params.get("year", "")
        year = next((y for y in report_years() if str(y) == text), default_year())
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
        number = sub_text.isascii() and sub_text.isdigit()
        sub = await run_in_threadpool(self.desks.store.submission, int(sub_text)) if number else None
        if sub is None or sub.unit_id != unit.id:
            return await self.unit_page(request, "没有这份上传。", 404)
        if kind not in DECISIONS:
            return await self.unit_page(request, f"审核结论应为：{'、'.join(DECISIONS)}。", 400)
        if kind == RETURNED and not note:
            return await self.unit_page(request, "退回时请写明需要修改的内容（单位会在填报页面看到）。", 400)
        await run_in_threadpool(self.office.decide, sub.id, kind, note, request.state.user)
        return RedirectResponse(f"/office/{unit.year}/units/{unit.id}", status_code=303)
