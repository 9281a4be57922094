"""`pitwall record`: record live AMS2 telemetry over UDP into a race file, then (optionally) ingest it.

The file is written as packets arrive (readable even if the recorder is killed, minus the last second);
Ctrl+C or SIGTERM stop cleanly and terminate the stream.
"""

import signal
import sys
import threading
import time
from pathlib import Path

from app.cli.common import open_store, print_json, settings_from


def register(sub) -> None:
    p = sub.add_parser("record", help="record live AMS2 UDP telemetry into a race file (Ctrl+C stops)")
    p.add_argument("-o", "--output", type=Path,
                   help="race file to write (default: recordings/ams2-DATE-TIME.ams2 in the data directory)")
    p.add_argument("--port", type=int, help="UDP port (default: $PITWALL_AMS2_UDP_PORT or 5606)")
    p.add_argument("--host", default="0.0.0.0")
    p.add_argument("--seconds", type=float, help="stop after this long")
    p.add_argument("--idle", type=float, default=None, help="stop when no packet arrives for this many seconds")
    p.add_argument("--ingest", action="store_true", help="open the recording into the cache when done")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_record)


def _stop_on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt  # the recorder treats it as a stop: the stream is terminated, the file complete


def cmd_record(args) -> int:
    from app.sources.ams2.live import record
    from app.store.paths import DataPaths

    settings = settings_from(args)
    port = args.port if args.port is not None else settings.ams2_udp_port
    output = args.output or DataPaths(settings.home).recordings_dir / f"ams2-{time.strftime('%Y%m%d-%H%M%S')}.ams2"
    deadline = time.monotonic() + args.seconds if args.seconds else None
    tty = sys.stderr.isatty()
    shown = [0.0]

    def keep_going(stats) -> bool:
        now = time.monotonic()
        if tty and now - shown[0] >= 0.2:  # a terminal line a few times a second, not per packet
            shown[0] = now
            sys.stderr.write(f"\rrecording: {stats.summary()}, {stats.seconds:.0f} s ")
        return deadline is None or now < deadline

    def on_ready(port: int) -> None:
        print(f"listening on UDP {args.host}:{port}, writing {output}", file=sys.stderr, flush=True)

    main_thread = threading.current_thread() is threading.main_thread()  # only there can signals be handled
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm) if main_thread else None
    try:
        stats = record(output, port, args.host, keep_going, idle_timeout=args.idle, on_ready=on_ready)
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    if tty:
        sys.stderr.write("\n")
    out = {"file": str(output), "packets": stats.packets, "telemetry": stats.telemetry, "timings": stats.timings,
           "seconds": round(stats.seconds, 1), "dropped": stats.dropped, "counter_gaps": stats.gaps,
           "socket_overflows": stats.overflows, "bytes_written": stats.file_bytes}
    if args.ingest:
        from app.services.ingest import ingest_file
        from app.services.laps import lap_dict, race_dict

        result = ingest_file(open_store(args), output)
        out["race"] = {**race_dict(result.race, len(result.laps)), "laps": [lap_dict(lap) for lap in result.laps]}
    if args.json:
        print_json(out)
    else:
        print(f"{output}: {stats.packets} packets in {stats.seconds:.0f} s, {stats.dropped} dropped")
    return 0
