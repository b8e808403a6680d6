"""Is the data folder on a network drive? SQLite must not be shared that way.

SQLite's own documentation warns that its file locking is unreliable over network file systems
and a file shared there can be corrupted. A firm with several PCs should use a PostgreSQL
server instead (设置 → 数据库…). Windows: a UNC path (\\\\server\\share) or a drive letter
the system reports as remote; elsewhere a folder on an NFS, SMB/CIFS or similar mount.
"""

from __future__ import annotations

import sys
from pathlib import Path, PurePath, PureWindowsPath

DRIVE_REMOTE = 4  # GetDriveTypeW's answer for a mapped network drive
NETWORK_FILE_SYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afs", "9p", "fuse.sshfs", "ncpfs"}
)
MOUNTS_FILE = Path("/proc/self/mounts")

WARNING = (
    "数据文件夹 {folder} 在网络驱动器上。SQLite 数据库不能通过网络共享给多台电脑使用，"
    "否则可能损坏数据。\n\n多台电脑共用数据，请在一台电脑上安装 PostgreSQL，用 "
    "kehu-admin copy-store 复制数据，再在每台电脑上用 设置 → 数据库… 连接该服务器"
    "（见 README“多台电脑共用”一节）。单台电脑使用，请把数据文件夹放在本机硬盘上。"
)


def is_network_folder(folder: Path) -> bool:
    """True when ``folder`` lives on a network share (best effort; False when unsure)."""
    if sys.platform == "win32":
        return _windows_network(PureWindowsPath(folder))
    try:
        mounts = MOUNTS_FILE.read_text(encoding="utf-8", errors="replace")
    except OSError:  # no /proc (macOS): nothing to tell by
        return False
    return mount_type(folder.resolve(), mounts) in NETWORK_FILE_SYSTEMS


def is_unc(path: PureWindowsPath) -> bool:
    return path.drive.startswith("\\\\")


def _windows_network(path: PureWindowsPath) -> bool:
    if is_unc(path):
        return True
    if not path.drive:
        return False
    if sys.platform != "win32":  # only called on Windows; tells mypy, which checks for Linux
        return False
    import ctypes

    return ctypes.windll.kernel32.GetDriveTypeW(f"{path.drive}\\") == DRIVE_REMOTE


def mount_type(path: PurePath, mounts: str) -> str:
    """The file-system type of the deepest mount point holding ``path``, from a
    ``/proc/mounts`` text (device, mount point, type, … per line)."""
    best, best_type = -1, ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = PurePath(_unescape(fields[1]))
        if (path == point or point in path.parents) and len(point.parts) > best:
            best, best_type = len(point.parts), fields[2]
    return best_type


def _unescape(field: str) -> str:
    """/proc/mounts writes a space in a mount point as ``\\040`` (and tab, newline, \\)."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field
