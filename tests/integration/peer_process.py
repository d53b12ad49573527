# What the Python peers of the tests share: a listening socket on a port the kernel picks, and
# running until the test closes standard input.
import asyncio
import socket
import sys


def listening_socket():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.setblocking(False)
    return sock


async def until_stdin_closes(lifetime):
    """Returns when standard input closes (the test ended) or after `lifetime` seconds."""
    stop = asyncio.Event()
    asyncio.get_running_loop().add_reader(
        sys.stdin.fileno(), lambda: sys.stdin.buffer.read1(4096) or stop.set())
    try:
        await asyncio.wait_for(stop.wait(), lifetime)
    except asyncio.TimeoutError:
        pass
