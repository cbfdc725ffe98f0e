"""create_app(data_dir, database_url): the desk as an ASGI application (Starlette).

from generator.web.app import create_app
app = create_app(Path("data"))                  # SQLite in data/nianbao.sqlite3
app = create_app(Path("data"), "postgresql+psycopg://nianbao@/nianbao")
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.types import Receive, Scope, Send

from .auth import FirstCode
from .desk import Desks
from .office_store import OfficeStore
from .pages import Pages, web_templates
from .security import BodyLimit, Csrf, SecurityHeaders
from .storage import Store
from .views_clerk import ClerkViews
from .views_office import OfficeViews
from .views_unit import UnitViews

DEFAULT_LIMIT_MB = 20


def create_app(
    data_dir: Path,
    database_url: str | None = None,
    max_upload_mb: int = DEFAULT_LIMIT_MB,
    secure_cookies: bool = False,
    workers: int = 0,
    allowed_hosts: list[str] | None = None,
) -> Starlette:
    """The desk on the data folder `data_dir`: migrates the database, then serves.

    workers > 0: uploads are checked in that many worker processes (the server uses every core);
    0: in the server's own threads (tests).
    allowed_hosts: the Host headers answered (others get 400); the server passes the loopback
    names when it listens on 127.0.0.1, so a web page elsewhere cannot reach the desk by
    pointing its own domain name at 127.0.0.1 (DNS rebinding).
    """
    store = Store(data_dir, database_url)
    store.migrate()
    store.clear_tmp()
    limit = max_upload_mb * 1024 * 1024
    pages = Pages(Csrf(store.secret()), secure_cookies, max_upload_mb)
    executor = None
    if workers > 0:
        from concurrent.futures import ProcessPoolExecutor

        from .desk import quiet_worker

        executor = ProcessPoolExecutor(max_workers=workers, initializer=quiet_worker)
    desks = Desks(store, executor)
    open_desk = desks.open_desk()
    clerk = ClerkViews(pages, lambda request: open_desk, limit)
    office_store = OfficeStore(store)
    office = OfficeViews(pages, office_store, desks, limit, secure_cookies)
    units = UnitViews(pages, desks, office_store, limit)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):  # noqa: ANN202
        yield
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        store.engine.dispose()

    async def stylesheet(request: Request) -> Response:
        return FileResponse(web_templates() / "desk.css", media_type="text/css", headers={"Cache-Control": "no-cache"})

    async def refuse_large(scope: Scope, receive: Receive, send: Send) -> None:
        response = pages.too_large(Request(scope, receive))
        response.headers["Connection"] = "close"
        await response(scope, receive, send)

    async def not_found(request: Request, exc: Exception) -> Response:
        return pages.render(request, "notfound.html", {"message": "没有这个页面。"}, status=404)

    async def bad_request(request: Request, exc: Exception) -> Response:
        """A form the parser cannot read (a broken or hand-made post): told in Chinese, nothing kept."""
        message = (
            "这次提交的表单无法读取（可能上传中断，或文件名过长），没有保存任何内容。请回到页面重新选择文件上传。"
        )
        context = {"title": "无法读取提交的内容", "message": message}
        return pages.render(request, "message.html", context, status=400)

    async def failed(request: Request, exc: Exception) -> Response:
        """Never a traceback for the clerk: what went wrong, and that nothing half-done was kept."""
        from ..oserrors import describe

        # The exception's own text may quote SQL, paths or data: it goes to the console only
        # (uvicorn logs the traceback); an OSError is told in plain Chinese (disk full, no access).
        reason = f"（{describe(exc)}）" if isinstance(exc, OSError) else ""
        message = (
            f"服务器出了问题{reason}，这次操作没有完成，也没有保存不完整的内容。"
            "请稍后重试；如果一直这样，请把这条信息告诉管理这台服务器的同事"
            "（可能是磁盘已满、数据文件夹没有写入权限，或数据库服务停止了）。"
        )
        return pages.render(request, "message.html", {"title": "服务器出错", "message": message}, status=500)

    app = Starlette(
        routes=[
            Route("/static/desk.css", stylesheet),
            Mount("/office", routes=office.routes()),  # the collecting office (issue 16): signed-in only
            Mount("/u/{token}", routes=units.routes()),  # a unit's private link
            Mount("", routes=clerk.routes()),
        ],
        exception_handlers={400: bad_request, 404: not_found, Exception: failed},
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.desks = desks  # issue 16's pages open units' desks from here
    app.state.pages = pages
    app.state.office = office_store
    # No office account yet: a one-time code for /office/setup, printed by the server at start.
    app.state.first_code = office.first_code = FirstCode() if office_store.users() == 0 else None
    app.add_middleware(BodyLimit, limit=limit, refuse=refuse_large)
    if allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    app.add_middleware(SecurityHeaders)
    return app
