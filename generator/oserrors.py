"""Operating-system errors in words a clerk understands (strerror is English)."""

from __future__ import annotations

import errno

_WORDS = {
    errno.EACCES: "没有访问权限",
    errno.EPERM: "没有访问权限",
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EEXIST: "同名的文件已存在，无法建立文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "磁盘或文件夹是只读的",
    errno.EBUSY: "文件正被其他程序占用",
    errno.ETXTBSY: "文件正被其他程序占用",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EIO: "磁盘读写错误",
}


def describe(exc: OSError) -> str:
    """A short Chinese reason for an OSError, with the system's own words kept for support."""
    words = _WORDS.get(exc.errno or 0)
    if isinstance(exc, PermissionError) and words is None:
        words = "没有访问权限（文件可能正被 Word/WPS 打开）"
    system = exc.strerror or type(exc).__name__
    return f"{words}（{system}）" if words else f"系统错误（{system}）"
