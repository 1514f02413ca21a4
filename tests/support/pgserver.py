"""A throwaway PostgreSQL server for the ledger tests: temp data folder, free port, socket in the folder.

initdb refuses to run as root, so as root the server runs as the `postgres` system user (or
`nobody`), with a data folder it owns. Tests skip only when the server binaries are absent.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def find_bindir() -> Path | None:
    initdb = shutil.which("initdb")
    if initdb:
        return Path(os.path.realpath(initdb)).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_user() -> pwd.struct_passwd | None:
    """The user to run the server as: ourselves, or an unprivileged account when we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and no postgres or nobody user to run PostgreSQL as")


@dataclass
class Server:
    bindir: Path
    folder: Path
    port: int
    user: pwd.struct_passwd | None

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://ledger@/{database}?host={self.socket_dir}&port={self.port}"

    def _run(self, *args: str) -> None:
        kwargs: dict = {}
        if self.user is not None:
            kwargs = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        env = {**os.environ, "LC_ALL": "C", "HOME": str(self.folder)}
        completed = subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            env=env,
            cwd=self.folder,
            check=False,
            timeout=120,
            **kwargs,
        )
        if completed.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {completed.stdout}{completed.stderr}{tail}")

    def start(self) -> None:
        data = self.folder / "data"
        self._run("initdb", "-D", str(data), "-A", "trust", "-U", "ledger", "-E", "UTF8", "--no-sync")
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl", "-D", str(data), "-o", options, "-l", str(self.folder / "server.log"), "-w", "-t", "60", "start"
        )

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start_server() -> Server | None:
    """A running server, or None when PostgreSQL is not installed."""
    bindir = find_bindir()
    if bindir is None or not (bindir / "pg_ctl").exists():
        return None
    user = _server_user()
    folder = Path(tempfile.mkdtemp(prefix="ledger-pg-"))
    (folder / "socket").mkdir()
    if user is not None:
        for path in (folder, folder / "socket"):
            os.chown(path, user.pw_uid, user.pw_gid)
    os.chmod(folder, 0o700)
    server = Server(bindir=bindir, folder=folder, port=_free_port(), user=user)
    try:
        server.start()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return server
