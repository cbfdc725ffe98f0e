"""The clerk's pages: pick the year, take the blank workbook, upload, read the findings, take
the Word file and the web page. Routes are made per desk, so a unit's desk (issue 16) mounts the
same views under its own prefix."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..diagnostics import UserError
from ..output import safe_filename
from ..pipeline import Rendered, spec_for_year, summary_line
from .desk import Desk, Refusal, blank_workbook, counts, default_year, grouped, report_years
from .pages import Pages
from .security import CSRF_FIELD, PREVIEW_CSP
from .storage import Submission, TooLarge

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HISTORY = 30  # the latest uploads listed on the page; every one stays kept and reachable by its link
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment(name: str) -> str:
    """Content-Disposition for a download whose name may be Chinese (RFC 6266 / 5987)."""
    ascii_name = "".join(c if c.isascii() and c.isalnum() or c in "._-" else "_" for c in name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


class ClerkViews:
    """The desk's routes, mounted where the desk lives: "/" for the open desk; a unit's private
    link (issue 16) mounts the same routes with `desk_of` finding that unit's desk (None: refused).
    """

    template = "desk.html"  # a unit's desk (views_unit.py) shows its own page around the same steps

    def __init__(self, pages: Pages, desk_of: Callable[[Request], Desk | None], limit: int):
        self.pages, self.desk_of, self.limit = pages, desk_of, limit

    def routes(self) -> list[Route]:
        return [
            Route("/", self.home),
            Route("/year", self.choose_year),
            Route("/{year:int}/", self.page),
            Route("/{year:int}/blank.xlsx", self.blank),
            Route("/{year:int}/upload", self.upload, methods=["POST"]),
            Route("/{year:int}/submissions/{sub:int}", self.page),
            Route("/{year:int}/submissions/{sub:int}/preview", self.preview),
            Route("/{year:int}/submissions/{sub:int}/findings.json", self.findings_json),
            Route("/{year:int}/submissions/{sub:int}/report.{kind:str}", self.download),
        ]

    # --- helpers ---------------------------------------------------------------------------
    def _where(self, request: Request) -> tuple[Desk, int, Submission | None]:
        """The desk, year and (if named) submission of a request; _NotFound for anything else.

        Runs in a worker thread: it reads the database.
        """
        desk = self.desk_of(request)
        if desk is None:
            raise _NotFound("没有这个填报页面。")
        year = request.path_params["year"]
        if year not in report_years():
            raise _NotFound(f"没有 {year} 年度的报告格式。请从列表中选择年度。")
        try:
            spec_for_year(year)
        except UserError as exc:
            raise _NotFound(str(exc)) from None
        sub = None
        if "sub" in request.path_params:
            sub = desk.store.submission(request.path_params["sub"])
            if not desk.owns(sub, year):
                raise _NotFound("没有这份提交。")
        return desk, year, sub

    def _not_found(self, request: Request, exc: Exception) -> Response:
        return self.pages.render(request, "notfound.html", {"message": str(exc)}, status=404)

    def _context(
        self, request: Request, desk: Desk, year: int, shown: Submission | None = None, refusal: Refusal | None = None
    ) -> dict:
        """What desk.html shows (reads the database: call it in a worker thread)."""
        subs = desk.submissions(year, HISTORY)
        current = subs[0] if subs else None
        shown = shown or current
        ctx = dict(
            prefix=request.scope.get("root_path", "").rstrip("/"),
            year=year,
            years=report_years(),
            spec=spec_for_year(year),
            submissions=subs,
            total=desk.count(year) if subs else 0,
            current=current,
            shown=shown,
            refusal=refusal,
            limit_mb=self.limit // (1024 * 1024),
        )
        if refusal is not None:
            ctx["refusal_groups"] = grouped(refusal.findings)
        if shown is not None:
            check, findings = desk.findings(shown)
            ctx.update(check=check, groups=grouped(findings), counts=counts(findings), summary=summary_line(findings))
        return ctx

    # --- pages -----------------------------------------------------------------------------
    async def home(self, request: Request) -> Response:
        return RedirectResponse(f"{request.url.path.rstrip('/')}/{default_year()}/", status_code=303)

    async def choose_year(self, request: Request) -> Response:
        text = request.query_params.get("year", "")
        year = next((y for y in report_years() if str(y) == text), default_year())
        return RedirectResponse(f"{year}/", status_code=303)  # relative: stays under the desk's prefix

    async def page(self, request: Request) -> Response:
        try:
            desk, year, shown = await run_in_threadpool(self._where, request)
        except _NotFound as exc:
            return self._not_found(request, exc)
        context = await run_in_threadpool(self._context, request, desk, year, shown)
        return self.pages.render(request, self.template, context)

    async def blank(self, request: Request) -> Response:
        try:
            _, year, _ = await run_in_threadpool(self._where, request)
        except _NotFound as exc:
            return self._not_found(request, exc)
        data = await run_in_threadpool(blank_workbook, year)
        return Response(data, media_type=XLSX, headers={"Content-Disposition": attachment(f"{year}.xlsx")})

    async def upload(self, request: Request) -> Response:
        try:
            desk, year, _ = await run_in_threadpool(self._where, request)
        except _NotFound as exc:
            return self._not_found(request, exc)
        async with request.form(max_files=1, max_fields=5) as form:
            if not self.pages.csrf.valid(request, form.get(CSRF_FIELD)):
                return self.pages.forbidden(request)
            upload = form.get("workbook")
            if upload is None or isinstance(upload, str) or not upload.filename:
                context = await run_in_threadpool(self._context, request, desk, year)
                context["problem"] = "请先选择要上传的工作簿文件（.xlsx）。"
                return self.pages.render(request, self.template, context, status=400)
            try:
                received = await run_in_threadpool(desk.store.receive, upload.file, self.limit)
            except TooLarge:
                return self.pages.too_large(request)
            try:
                outcome = await desk.check(received, year, upload.filename)
            except BaseException:
                received.path.unlink(missing_ok=True)
                raise
            result = await run_in_threadpool(desk.keep, year, received, upload.filename, outcome)
        if isinstance(result, Refusal):
            context = await run_in_threadpool(self._context, request, desk, year, None, result)
            return self.pages.render(request, self.template, context, status=422)
        return RedirectResponse(f"submissions/{result}", status_code=303)

    async def findings_json(self, request: Request) -> Response:
        """The findings as `generate check --format json` prints them, for programs."""
        try:
            desk, _, sub = await run_in_threadpool(self._where, request)
        except _NotFound as exc:
            return self._not_found(request, exc)
        _, findings = await run_in_threadpool(desk.findings, sub)
        body = json.dumps([d.to_dict() for d in findings], ensure_ascii=False, indent=2) + "\n"
        return Response(body, media_type="application/json; charset=utf-8")

    async def _rendered(self, request: Request) -> tuple[int, Rendered] | Response:
        try:
            desk, year, sub = await run_in_threadpool(self._where, request)
        except _NotFound as exc:
            return self._not_found(request, exc)
        return year, await run_in_threadpool(desk.rendered, sub)

    async def preview(self, request: Request) -> Response:
        found = await self._rendered(request)
        if isinstance(found, Response):
            return found
        return Response(
            found[1].html, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": PREVIEW_CSP}
        )

    async def download(self, request: Request) -> Response:
        kind = request.path_params["kind"]
        if kind not in ("docx", "html"):
            return self._not_found(request, _NotFound("只能下载 Word（.docx）或网页（.html）文件。"))
        found = await self._rendered(request)
        if isinstance(found, Response):
            return found
        year, rendered = found
        name = f"{safe_filename(rendered.title, year=year)}.{kind}"
        body = rendered.docx if kind == "docx" else rendered.html
        media = DOCX if kind == "docx" else "text/html; charset=utf-8"
        return Response(body, media_type=media, headers={"Content-Disposition": attachment(name)})


class _NotFound(Exception):
    pass
