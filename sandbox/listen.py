"""A listening TCP socket for uvicorn, created so that asyncio will set TCP_NODELAY on connections.

asyncio only sets TCP_NODELAY on sockets whose `proto` is IPPROTO_TCP; `socket.create_server`
leaves it 0, and then Nagle's algorithm plus delayed ACKs add ~40 ms to every response that is
written in two parts (headers, then body) - i.e. to every uvicorn response.
"""

from __future__ import annotations

import socket


def tcp_listener(host: str, port: int, backlog: int = 2048) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)[
        0
    ]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    return sock
