"""Why an upload cannot be imported, in words for the person who sent it.

Apart from `reading`, because the sandboxed Excel reader (`excel_sandbox`, a child process
started for every file, which imports as little as it can) refuses files too.
"""

EXCEL_UNREADABLE = "Berkas Excel tidak dapat dibaca. Simpan ulang dari Excel atau unggah CSV."
TOO_COMPLEX = (
    "Berkas Excel ini terlalu besar atau terlalu rumit untuk dibaca. Simpan ulang sebagai CSV "
    "(di Excel: File > Save As > CSV) atau bagi menjadi beberapa berkas, lalu unggah lagi."
)
# The reason is shown on every poll of the import and stored with it; names taken from a file
# can make it as long as the file.
MESSAGE_CHARS = 1000


class UnreadableFile(ValueError):
    """The upload is not a table this import can read; the message says why, in Indonesian."""


class FileTooComplex(UnreadableFile):
    """Within the upload limit, but reading it would take more memory or time than an import
    may have: a sheet that reaches too far, a zip that inflates too much."""


def shortened(text: str, limit: int = MESSAGE_CHARS) -> str:
    """The text, cut with an ellipsis if it is longer than `limit` characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
