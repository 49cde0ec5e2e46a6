"""How uvicorn serves the app: HTTP/1.1 with TCP_NODELAY on every connection, whatever the worker count."""

from __future__ import annotations

import asyncio
import contextlib
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, setting TCP_NODELAY itself.

    With --workers N uvicorn binds the listening socket with proto 0; accepted sockets inherit it and asyncio
    sets TCP_NODELAY only when proto is IPPROTO_TCP (Kludex/uvicorn#3149, open). Nagle's algorithm then holds
    a response's body back until the client's delayed ACK of its headers: ~40 ms more per keep-alive request.
    """

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


HTTP_PROTOCOL = "app.server:NoDelayH11Protocol"  # for uvicorn's --http option
