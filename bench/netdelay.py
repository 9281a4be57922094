"""A TCP relay that adds a fixed one-way delay in each direction: a LAN/WAN link between client and server.

Run in its own process (`start(upstream_port, delay_s) -> (port, process)`), so it does not share the GIL
with what is measured. Bytes are forwarded unchanged and in order; only their arrival is delayed.
"""

import asyncio
import multiprocessing
import socket
import time


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    line: asyncio.Queue = asyncio.Queue()

    async def deliver() -> None:
        while (entry := await line.get()) is not None:
            due, data = entry
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            writer.write(data)
            await writer.drain()
        writer.close()

    sender = asyncio.create_task(deliver())
    try:
        while data := await reader.read(1 << 16):
            line.put_nowait((time.monotonic() + delay, data))
    except ConnectionError:
        pass
    line.put_nowait(None)
    await sender


async def _serve(listener: socket.socket, upstream_port: int, delay: float) -> None:
    async def handle(reader, writer) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
        await asyncio.gather(_pipe(reader, up_writer, delay), _pipe(up_reader, writer, delay),
                             return_exceptions=True)

    server = await asyncio.start_server(handle, sock=listener)
    async with server:
        await server.serve_forever()


def _run(listener: socket.socket, upstream_port: int, delay: float) -> None:
    asyncio.run(_serve(listener, upstream_port, delay))


def start(upstream_port: int, delay: float) -> tuple[int, multiprocessing.Process]:
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    proc = multiprocessing.get_context("fork").Process(target=_run, args=(listener, upstream_port, delay),
                                                       daemon=True)
    proc.start()
    return listener.getsockname()[1], proc
