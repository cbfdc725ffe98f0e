"""Rendering the desk's pages: Jinja templates in templates/web/, every value escaped."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..provenance import tool_version
from .security import CSRF_COOKIE, CSRF_FIELD, Csrf


def web_templates() -> Path:
    """templates/web beside the package (a checkout) or inside it (an installed wheel)."""
    here = Path(__file__).resolve().parent.parent
    source = here.parent / "templates" / "web"
    return source if (source / "base.html").is_file() else here / "templates" / "web"


class Pages:
    def __init__(self, csrf: Csrf, secure_cookies: bool = False):
        self.csrf = csrf
        self.secure = secure_cookies
        self.env = Environment(
            loader=FileSystemLoader(str(web_templates())),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def render(self, request: Request, name: str, context: dict, status: int = 200) -> Response:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        fresh = not cookie or len(cookie) > 100
        if fresh:
            cookie = Csrf.new_cookie()
        html = self.env.get_template(name).render(
            **context, csrf_token=self.csrf.token_for(cookie), csrf_field=CSRF_FIELD, version=tool_version()
        )
        response = HTMLResponse(html, status_code=status)
        if fresh:
            response.set_cookie(
                CSRF_COOKIE,
                cookie,
                httponly=True,
                samesite="strict",
                secure=self.secure or request.url.scheme == "https",  # behind the office's HTTPS server
                path="/",
            )
        return response

    def forbidden(self, request: Request) -> Response:
        return self.render(
            request,
            "message.html",
            {
                "title": "请求已拒绝",
                "message": "这次提交缺少有效的表单令牌（可能页面停留太久，或来自其他网站），没有保存任何内容。"
                "请回到报告页面，重新选择文件上传。",
            },
            status=403,
        )

    def too_large(self, request: Request, limit_mb: int | None = None) -> Response:
        return self.render(
            request,
            "message.html",
            {
                "title": "文件太大",
                "message": f"上传的文件超过了 {limit_mb or self.limit_mb} MB 的上限，没有保存。正常的工作簿通常不到 1 MB："
                "请删除无关的工作表、图片后重新保存再上传。",
            },
            status=413,
        )

    limit_mb = 20
