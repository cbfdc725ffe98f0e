"""`generate serve`: the desk under uvicorn, one process, stopped cleanly by Ctrl-C.

uvicorn is a maintained ASGI server that runs on Windows as well as Linux; the socket is bound
here first so that a port already in use is told in Chinese, not as a traceback.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from pathlib import Path

from ..diagnostics import UserError
from ..oserrors import describe

LOOPBACK_HINT = (
    "注意：服务正在监听 {host}，同一网络中的其他计算机都能用本机的局域网地址（http://本机IP:{port}/）"
    "打开本页面并上传文件（没有登录）。"
    "请只在办公内网使用，并按 docs/serve.md 的说明放在单位的 HTTPS 网站服务器之后。"
)


# Host headers a desk on 127.0.0.1 answers: the browser on this computer, or the office's web
# server in front of it (which forwards to 127.0.0.1:PORT; see docs/serve.md).
LOOPBACK_NAMES = ["127.0.0.1", "localhost"]


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def bind(host: str, port: int) -> socket.socket:
    """The listening socket; an address in use or not available is a UserError (exit 2)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    if sys.platform != "win32":  # on Windows SO_REUSEADDR would let two servers share a port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UserError(
            f"无法在 {host}:{port} 上启动服务：{describe(exc)}。"
            "可能已有另一个程序（或另一个 generate serve）在使用这个端口：请用 --port 换一个端口，如 --port 8001。"
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/"


def serve(
    data: Path,
    host: str,
    port: int,
    database: str | None,
    max_upload_mb: int,
    workers: int = 0,
    out=None,  # noqa: ANN001
) -> None:
    """Open the data folder (migrating its database), bind, print the address, serve until Ctrl-C."""
    import uvicorn

    from .app import create_app

    out = out or sys.stdout
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    try:
        app = create_app(
            data, database, max_upload_mb, workers=workers, allowed_hosts=LOOPBACK_NAMES if is_loopback(host) else None
        )
    except OSError as exc:
        raise UserError(
            f"无法使用数据文件夹 {data}：{describe(exc)}。请检查文件夹权限，或用 --data 指定另一个文件夹。"
        ) from None
    except (ArgumentError, ValueError) as exc:
        raise UserError(
            f"数据库地址无法识别：{database}（{exc}）。格式如 postgresql+psycopg://用户:密码@主机/库名。"
        ) from None
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise UserError(
            f"无法打开数据库（{reason}）。请检查 --database 地址、数据库服务是否启动、用户名和密码。"
        ) from None
    sock = bind(host, port)
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=10)
    server = uvicorn.Server(config)
    port = sock.getsockname()[1]  # --port 0: the port the system chose
    print(f"年报填报服务已启动：请在浏览器中打开 {url_of(host, port)}", file=out)
    print(
        f"数据文件夹：{data.resolve()}（数据库：{'PostgreSQL' if database and database.startswith('postgres') else 'SQLite'}）。按 Ctrl-C 停止。",
        file=out,
    )
    if not is_loopback(host):
        print(LOOPBACK_HINT.format(host=host, port=port), file=out)
    first = getattr(app.state, "first_code", None)
    if first is not None and first.code:  # issue 16: no office account yet
        print(
            f"汇总单位还没有账号：请在浏览器中打开 {url_of(host, port)}office/setup，输入一次性代码 {first.code} 设置用户名和密码"
            "（也可以停止服务后运行 generate serve --set-password）。",
            file=out,
        )
    out.flush()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn has shut down gracefully and passes Ctrl-C on
        pass
    finally:
        sock.close()
    print("服务已停止。", file=out)
