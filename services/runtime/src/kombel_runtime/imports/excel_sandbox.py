"""Excel uploads turned into CSV in a child process, so that a file made to exhaust memory or
time takes down that process only.

calamine (Rust) allocates what a sheet asks for and aborts the whole process when it cannot
have it, and in the embedded mode all four services share one process. So every Excel upload
is read by `python -m kombel_runtime.imports.excel_sandbox`: the file goes in on stdin, the first
sheet comes out on stdout as UTF-8 CSV (blank rows kept, so rows keep their numbers), and a
refusal comes out on stderr with exit status 3 (unreadable) or 4 (too large).

The child caps its own address space and CPU time before it reads anything, checks the
workbook against the limits (`sheet_limits`), and only then lets calamine read it. It gets no
environment but what finds its packages: no database URL or key sits in a process that parses
strangers' files. The parent waits no longer than the time limit, takes no more CSV than its
limit, and turns whatever else becomes of the child (killed, crashed, out of time) into an
`UnreadableFile`.

An import reads its file twice (to count, then to process): flattened once, neither pass
parses Excel again, and the sheet's memory is never the service's.
"""

import asyncio
import csv
import io
import json
import logging
import os
import sys
from dataclasses import asdict
from typing import BinaryIO, NoReturn

from python_calamine import CalamineWorkbook

from kombel_runtime.imports.cell_text import cell_text, without_control_characters
from kombel_runtime.imports.refusals import (
    EXCEL_UNREADABLE,
    TOO_COMPLEX,
    FileTooComplex,
    UnreadableFile,
    shortened,
)
from kombel_runtime.imports.sheet_limits import SheetLimits, check_extent, check_workbook

log = logging.getLogger(__name__)

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (OLE2)
REFUSED = 3
REFUSED_TOO_COMPLEX = 4
_COMPLAINT_BYTES = 4096
_WRITE_BYTES = 1024 * 1024
_ENVIRONMENT = ("PATH", "PYTHONPATH", "LANG", "LC_ALL")


def is_excel(content: bytes) -> bool:
    return content.startswith((XLSX_MAGIC, XLS_MAGIC))


async def flatten(content: bytes, limits: SheetLimits) -> bytes:
    """An Excel upload as UTF-8 CSV, anything else as it is."""
    if not is_excel(content):
        return content
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-P",  # the working directory is not searched for modules
        "-m",
        __name__,
        json.dumps(asdict(limits)),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={name: os.environ[name] for name in _ENVIRONMENT if name in os.environ},
    )
    assert child.stdin is not None
    assert child.stdout is not None
    assert child.stderr is not None
    feeding = asyncio.ensure_future(_feed(child.stdin, content))
    complaint = asyncio.ensure_future(_first_bytes(child.stderr, _COMPLAINT_BYTES))
    output: bytes | None = None
    stopped = "died"
    try:
        async with asyncio.timeout(limits.seconds):
            output = await _at_most(child.stdout, limits.max_csv_bytes)
            if output is None:
                stopped = "too much output"
            else:
                await child.wait()
    except TimeoutError:
        stopped = "out of time"
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
        await feeding
        refusal = (await complaint).decode("utf-8", "replace")
    if child.returncode == 0 and output is not None:
        return output
    if child.returncode == REFUSED:
        raise UnreadableFile(shortened(refusal) or EXCEL_UNREADABLE)
    if child.returncode == REFUSED_TOO_COMPLEX:
        raise FileTooComplex(shortened(refusal) or TOO_COMPLEX)
    log.warning("excel reader stopped", extra={"returncode": child.returncode, "why": stopped})
    raise FileTooComplex(TOO_COMPLEX)


async def _feed(stdin: asyncio.StreamWriter, content: bytes) -> None:
    try:
        stdin.write(content)
        await stdin.drain()
        stdin.close()
        await stdin.wait_closed()
    except OSError:
        pass  # the child stopped reading (it refused the file or died); its exit says why


async def _at_most(stream: asyncio.StreamReader, limit: int) -> bytes | None:
    """All the stream holds, or None once it passes `limit` bytes."""
    chunks, size = [], 0
    while chunk := await stream.read(_WRITE_BYTES):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _first_bytes(stream: asyncio.StreamReader, limit: int) -> bytes:
    """The first `limit` bytes; the rest is read and dropped, so the child never waits on a
    full pipe."""
    kept = b""
    while chunk := await stream.read(_COMPLAINT_BYTES):
        kept += chunk[: max(0, limit - len(kept))]
    return kept


def _confine(limits: SheetLimits) -> None:
    """Caps this process cannot raise again, set once calamine is loaded (a cap is never
    taken for a damaged file). Where the system refuses one (macOS refuses RLIMIT_AS), the
    parent's time limit and output cap still hold."""
    import resource

    caps = [
        (resource.RLIMIT_AS, limits.memory_bytes),
        (resource.RLIMIT_CPU, max(1, int(limits.seconds))),
        (resource.RLIMIT_CORE, 0),  # a crash must not write the sheet's memory to disk
        (resource.RLIMIT_FSIZE, 0),  # the only output is the pipe
    ]
    for which, cap in caps:
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        try:
            resource.setrlimit(which, (cap, cap))
        except (ValueError, OSError):
            continue


def _write_csv(content: bytes, limits: SheetLimits, out: BinaryIO) -> None:
    if content.startswith(XLSX_MAGIC):
        check_workbook(content, limits)
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    except Exception as error:  # a damaged zip or sheet, or a format calamine does not know
        raise UnreadableFile(EXCEL_UNREADABLE) from error
    if sheet.end is not None:
        check_extent(sheet.end[0] + 1, sheet.end[1] + 1, limits)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # Rows come from the sheet's first row on, even when its used range starts lower (a test
    # holds calamine to it), so their numbers are the sheet's.
    for row in sheet.iter_rows():
        writer.writerow([cell_text(value) for value in row])
        if buffer.tell() > _WRITE_BYTES:
            out.write(without_control_characters(buffer.getvalue()).encode())
            buffer.seek(0)
            buffer.truncate()
    out.write(without_control_characters(buffer.getvalue()).encode())
    out.flush()


def main() -> None:
    limits = SheetLimits(**json.loads(sys.argv[1]))
    _confine(limits)
    try:
        _write_csv(sys.stdin.buffer.read(), limits, sys.stdout.buffer)
    except FileTooComplex as refusal:
        _refuse(str(refusal), REFUSED_TOO_COMPLEX)
    except UnreadableFile as refusal:
        _refuse(str(refusal), REFUSED)
    except MemoryError:
        _refuse(TOO_COMPLEX, REFUSED_TOO_COMPLEX)
    except Exception:  # calamine fails in its own ways on a damaged sheet
        _refuse(EXCEL_UNREADABLE, REFUSED)


def _refuse(complaint: str, status: int) -> NoReturn:
    sys.stderr.buffer.write(complaint.encode())
    sys.stderr.flush()
    sys.exit(status)


if __name__ == "__main__":
    main()
