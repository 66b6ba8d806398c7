"""A TCP proxy in front of PostgreSQL that a test can cut and restore, to see how
the app behaves while its database is unreachable, and after it comes back."""

import asyncio
import contextlib

from sqlalchemy.engine import make_url


class DatabaseProxy:
    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        self._url = url
        socket_dir = url.query.get("host")
        if isinstance(socket_dir, str) and socket_dir.startswith("/"):
            self._unix_path: str | None = f"{socket_dir}/.s.PGSQL.{url.port or 5432}"
        else:
            self._unix_path = None
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    @property
    def url(self) -> str:
        """The database URL through the proxy."""
        return (
            self._url.set(host="127.0.0.1", port=self.port)
            .difference_update_query(["host"])
            .render_as_string(hide_password=False)
        )

    async def _open_upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._unix_path is not None:
            return await asyncio.open_unix_connection(self._unix_path)
        return await asyncio.open_connection(self._url.host or "127.0.0.1", self._url.port or 5432)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await self._open_upstream()
        self._writers.update({writer, upstream_writer})
        await asyncio.gather(
            self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer)
        )

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._handle, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Refuse new connections and drop every open one."""
        if self._server is not None:
            self._server.close()
        for writer in self._writers:
            writer.close()
        self._writers.clear()
        if self._server is not None:
            # Since Python 3.12 this also waits for the open connections to end.
            await self._server.wait_closed()
