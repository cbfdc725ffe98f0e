"""Operating-system errors in words a clerk understands (strerror is English, so it is never shown)."""

from __future__ import annotations

import errno

_WORDS = {
    errno.EACCES: "没有访问权限",
    errno.EPERM: "没有访问权限",
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EEXIST: "同名的文件已存在，无法建立文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTEMPTY: "文件夹不是空的",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "磁盘或文件夹是只读的",
    errno.EBUSY: "文件正被其他程序占用",
    errno.ETXTBSY: "文件正被其他程序占用",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EIO: "磁盘读写错误",
    errno.ELOOP: "路径中的快捷方式（符号链接）循环指向自身",
    errno.EMFILE: "同时打开的文件太多",
    errno.ENFILE: "同时打开的文件太多",
    errno.EFBIG: "文件太大",
    errno.EXDEV: "不能跨磁盘移动文件",
    errno.EINVAL: "文件名或路径无效",
    errno.ENXIO: "设备不存在（可能是未连接的管道或设备文件）",
    errno.ENODEV: "设备不存在",
    errno.EAGAIN: "资源暂时不可用，请稍后重试",
    errno.ENOMEM: "内存不足",
    errno.ESTALE: "网络文件夹的连接已失效",
    errno.ETIMEDOUT: "连接超时",
    errno.ECONNREFUSED: "连接被拒绝",
    errno.EPIPE: "对方已关闭连接",
    errno.EADDRINUSE: "端口已被占用",
    errno.EADDRNOTAVAIL: "本机没有这个地址",
}


def describe(exc: OSError) -> str:
    """A short Chinese reason for an OSError; an unusual one names its error number for support."""
    own = getattr(exc, "chinese_reason", None)  # raised by nianbao itself with its own words
    if own:
        return own
    words = _WORDS.get(exc.errno or 0)
    if words is not None:
        return words
    if isinstance(exc, PermissionError):
        return "没有访问权限（文件可能正被 Word/WPS 打开）"
    if isinstance(exc, FileNotFoundError):
        return "文件或文件夹不存在"
    return f"系统错误（错误号 {exc.errno}）" if exc.errno else f"系统错误（{type(exc).__name__}）"
