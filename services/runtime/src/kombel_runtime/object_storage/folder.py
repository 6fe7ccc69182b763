"""Objects as files in a folder of this machine: the store of the embedded stack.

An object `a/b` is the file `<root>/a/b@` and the folder `a/b/` holds what lies under it.
The `@` is not allowed in keys, so a file never takes the name a folder needs: `a/b` and
`a/b/c` coexist as they do in S3. Writes go to a temporary file that is then renamed, so a
reader never sees half an object. File work runs in a thread, off the event loop.
"""

import asyncio
import contextlib
import os
import secrets
import shutil
from pathlib import Path

from kombel_runtime.object_storage.store import ObjectNotFound, checked_key

_OBJECT_SUFFIX = "@"


class FolderObjectStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _file(self, key: str) -> Path:
        return self.root / (checked_key(key) + _OBJECT_SUFFIX)

    def _folder(self, prefix: str) -> Path:
        return self.root / checked_key(prefix)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._write, self._file(key), data)

    async def get(self, key: str) -> bytes:
        try:
            return await asyncio.to_thread(self._file(key).read_bytes)
        except (FileNotFoundError, NotADirectoryError):
            raise ObjectNotFound(key) from None

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._file(key).is_file)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._remove, self._file(key))

    async def delete_prefix(self, prefix: str) -> int:
        return await asyncio.to_thread(self._remove_folder, self._folder(prefix))

    async def aclose(self) -> None:
        pass

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        # The temporary name ends without the suffix, so a failed write is never an object.
        temporary = path.with_name(f"{path.name}{secrets.token_hex(8)}.tmp")
        for attempt in range(3):
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                file = temporary.open("wb")
                break
            except FileNotFoundError:
                # A delete pruned the folder between mkdir and open; make it again.
                if attempt == 2:
                    raise
        try:
            with file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            temporary.replace(path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    def _remove(self, path: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        self._prune(path.parent)

    def _remove_folder(self, folder: Path) -> int:
        if not folder.is_dir():
            return 0
        count = sum(1 for found in folder.rglob(f"*{_OBJECT_SUFFIX}") if found.is_file())
        shutil.rmtree(folder, ignore_errors=True)
        self._prune(folder.parent)
        return count

    def _prune(self, folder: Path) -> None:
        """Remove folders left empty, up to the root, so deleted activities leave no trace."""
        while folder != self.root and folder.is_relative_to(self.root):
            try:
                folder.rmdir()
            except OSError:  # not empty, or already gone with a concurrent delete
                return
            folder = folder.parent
