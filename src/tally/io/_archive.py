"""Archives (``.xlsx`` workbooks are zip files) checked before anything unpacks them.

A zip member declares its unpacked size; a small file can declare gigabytes (a "zip
bomb": 2 MB of deflated zeros unpack to 2 GB). :func:`check_zip` compares each member's
declared size with its packed size and with the caps of :mod:`tally.limits`
(``archive_ratio``, ``archive_bytes``) before a byte is unpacked. A member that unpacks to
more than it declares is refused by both unpackers tally uses (Python's :mod:`zipfile`
stops at the declared size and checks the CRC; calamine refuses a member "larger than
its declared uncompressed size"), so the declared sizes bound the work.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from .. import limits
from ..errors import BallotError, LimitError
from ._common import check_regular

__all__ = ["check_zip"]

MAX_MEMBERS = 100_000
SMALL_MEMBER = 1 << 20  # members this small may pack as tightly as they like


def check_zip(path: str | os.PathLike[str]) -> None:
    """Refuse a zip file whose members would unpack past the caps, naming the member.

    Raises
    ------
    BallotError
        Not a zip file, or too many members.
    LimitError
        A member packed more tightly than ``archive_ratio`` allows, or members adding up
        past ``archive_bytes``.
    """
    file = str(path)
    caps = limits.current()
    try:
        check_regular(Path(path), file)
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise BallotError(f"not a zip archive (an .xlsx workbook is one): {exc}", file=file) from None
    if len(members) > MAX_MEMBERS:
        raise BallotError(f"the archive holds {len(members):,} members", file=file)
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > SMALL_MEMBER and ratio > caps.archive_ratio:
            raise LimitError(
                f"member {member.filename!r} unpacks {ratio:,.0f} times its packed size "
                f"({member.file_size:,} bytes from {member.compress_size:,}), past the limit of "
                f"{caps.archive_ratio:g} (set {limits.env_name('archive_ratio')} to raise it)",
                file=file,
                limit="archive_ratio",
            )
    limits.check("archive_bytes", total, what="unpacked size", file=file)
