"""The office's downloads (issue 16): the roll-up by `generate rollup`, every unit's documents as
`generate batch` writes them, and the government's own report."""

from __future__ import annotations

import dataclasses
import io
import zipfile

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from .desk import counts, grouped, shown_as
from .office_base import OfficeBase
from .office_rollup import export_folder, run_rollup, units_folder
from .storage import TooLarge
from .views_clerk import XLSX, attachment

ROLLUP_FILES = {"rollup.xlsx": "汇总工作簿.xlsx", "review.xlsx": "审核表.xlsx", "review.html": "审核.html"}


class RollupViews(OfficeBase):
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
        # The checks ran on the export in the data folder: the findings name the files as the
        # office knows them (its upload's name; the roll-up workbook it downloads), not that path.
        if made.own_findings is not None:
            shown = shown_as(made.own_findings, own.original_name if own else "本级政府工作簿.xlsx")
            # U3 names the folder it summed: here that is the units' current uploads
            folder = str(units_folder(export_folder(self.desks.store), year))
            said = {f" {folder} 中 ": "各单位当前上传的 ", folder: "各单位当前上传"}
            shown = [dataclasses.replace(d, message=_said(d.message, said)) for d in shown]
            ctx["own_groups"] = grouped(shown)
            ctx["own_counts"] = counts(shown)
        if made.checked is not None:
            shown = shown_as(made.checked.findings, ROLLUP_FILES["rollup.xlsx"])
            ctx["report_groups"] = grouped(shown)
            ctx["report_counts"] = counts(shown)
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
        try:
            received = await run_in_threadpool(self.desks.store.receive, upload.file, self.limit)
        except TooLarge:
            return self.pages.too_large(request)
        name = display_name(upload.filename)
        outcome = await run_in_threadpool(check_upload, str(received.path), year, name)
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


def _said(message: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        message = message.replace(old, new)
    return message
