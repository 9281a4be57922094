"""`pitwall camera add|list|remove|grab|import|frames`: pit-lane cameras from the command line.

Exit codes: 0 done; 1 failed (one line on stderr); 2 partly done (a burst that stopped early, or an import
where some files were refused; what succeeded is stored and listed).
"""

import os
import sys
from datetime import datetime
from pathlib import Path

from app.cli.common import open_store, print_json, settings_from, stderr_progress, table
from app.errors import PitwallError

# Services are imported inside each command: capture loads OpenCV, and registering must stay cheap.

PARTIAL = 2


def _meta(pairs: list[str] | None) -> dict[str, str]:
    meta = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise PitwallError(f"--meta expects key=value, got {pair!r}")
        meta[key.strip()] = value
    return meta


def _link_args(p) -> None:
    p.add_argument("--race", help="link the stills to this race/session id")
    p.add_argument("--session-time", type=float, help="session time (s) of the first still, with --race")
    p.add_argument("--meta", action="append", metavar="KEY=VALUE", help="metadata (session, location, ...)")
    p.add_argument("--json", action="store_true")


def register(sub) -> None:
    cam = sub.add_parser("camera", help="pit-lane cameras: register, grab stills, import images")
    csub = cam.add_subparsers(dest="camera_command", required=True, metavar="ACTION")

    p = csub.add_parser("add", help="register a camera (credentials in the URL are stored apart and masked)")
    p.add_argument("id")
    p.add_argument("url")
    p.add_argument("--transport", choices=("tcp", "udp"), default="tcp")
    p.add_argument("--username")
    p.add_argument("--password-env", metavar="VAR", help="read the password from this environment variable")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_add)

    p = csub.add_parser("list", help="list registered cameras")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_list)

    p = csub.add_parser("remove", help="forget a camera and its credentials (its stills stay)")
    p.add_argument("id")
    p.set_defaults(run=cmd_remove)

    p = csub.add_parser("grab", help="grab a still, or a burst of N frames at F fps")
    p.add_argument("target", metavar="ID|URL")
    p.add_argument("--camera-id", help="file the stills under this camera id (default: the camera's id)")
    p.add_argument("--frames", type=int, default=1)
    p.add_argument("--fps", type=float)
    p.add_argument("--transport", choices=("tcp", "udp"))
    _link_args(p)
    p.set_defaults(run=cmd_grab)

    p = csub.add_parser("import", help="import image files (JPEG, PNG, WebP) as stills")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--camera-id", required=True)
    p.add_argument("--captured-at", help="capture time, ISO-8601 (default: each file's modification time)")
    _link_args(p)
    p.set_defaults(run=cmd_import)

    p = csub.add_parser("frames", help="list stored stills")
    p.add_argument("--camera-id")
    p.add_argument("--race")
    p.add_argument("--session", help="session name from the metadata, e.g. FP1")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_frames)


def cmd_add(args) -> int:
    from app.services.cameras import add_camera, camera_dict
    from app.sources.camera.urls import Credentials

    store = open_store(args)
    creds = None
    if args.username or args.password_env:
        password = os.environ.get(args.password_env, "") if args.password_env else ""
        if args.password_env and not password:
            raise PitwallError(f"Environment variable {args.password_env} is empty or not set")
        creds = Credentials(args.username or "", password)
    cam = add_camera(store, args.id, args.url, args.transport, creds)
    out = camera_dict(cam)
    if args.json:
        print_json(out)
    else:
        print(f"{out['id']}  {out['url']}  {out['transport']}")
    return 0


def cmd_list(args) -> int:
    from app.services.cameras import camera_dict, list_cameras

    cams = [camera_dict(c) for c in list_cameras(open_store(args))]
    if args.json:
        print_json(cams)
    else:
        print(table([[c["id"], c["url"], c["transport"]] for c in cams], ["camera id", "url", "transport"]))
    return 0


def cmd_remove(args) -> int:
    from app.services.cameras import remove_camera

    remove_camera(open_store(args), args.id)
    return 0


def _link(args):
    from app.services.frames import LinkRequest

    if args.session_time is not None and not args.race:
        raise PitwallError("--session-time needs --race")
    return LinkRequest(race_id=args.race, session_time=args.session_time)


def cmd_grab(args) -> int:
    from app.services.cameras import target_for
    from app.services.capture import grab_stills
    from app.services.frames import frame_dict

    store, settings = open_store(args), settings_from(args)
    target = target_for(store, args.target, args.camera_id, args.transport)
    out = grab_stills(store, settings, target, args.frames, args.fps, _meta(args.meta), _link(args),
                      progress=stderr_progress(target.camera_id))
    if args.json:
        print_json({"camera_id": out.camera_id, "requested": out.requested, "stored": len(out.frames),
                    "partial": out.partial, "error": out.error, "burst_id": out.burst_id,
                    "reconnects": out.reconnects, "frames": [frame_dict(store, f) for f in out.frames]})
    else:
        for f in out.frames:
            print(f"{f.id}  {f.captured_at.isoformat()}Z  {f.width}x{f.height}  {store.paths.absolute(f.path)}")
    if out.partial:
        print(f"pitwall: {out.error}; kept {len(out.frames)} of {out.requested} frames (marked partial)",
              file=sys.stderr)
        return PARTIAL
    return 0


def cmd_import(args) -> int:
    from app.services.capture import import_images
    from app.services.frames import frame_dict

    store, settings = open_store(args), settings_from(args)
    when = None
    if args.captured_at:
        try:
            when = datetime.fromisoformat(args.captured_at.replace("Z", "+00:00"))
        except ValueError:
            raise PitwallError(f"--captured-at: not an ISO-8601 time: {args.captured_at!r}") from None
    items = import_images(store, settings, args.files, args.camera_id, _meta(args.meta), _link(args), when,
                          progress=stderr_progress("import"))
    failed = [i for i in items if i.error]
    if args.json:
        print_json({
            "camera_id": args.camera_id, "imported": sum(1 for i in items if i.frame and not i.duplicate),
            "duplicates": sum(1 for i in items if i.duplicate), "failed": len(failed),
            "files": [{"file": i.file, "ok": i.error is None, "error": i.error, "duplicate": i.duplicate,
                       "frame": frame_dict(store, i.frame) if i.frame else None} for i in items],
        })
    else:
        for i in items:
            if i.frame:
                note = "  (already imported)" if i.duplicate else ""
                print(f"{i.frame.id}  {i.frame.width}x{i.frame.height}  {i.file}{note}")
    for i in failed:
        print(f"pitwall: {i.error}", file=sys.stderr)
    return PARTIAL if failed else 0


def cmd_frames(args) -> int:
    from app.services.frames import frame_dict, list_frames

    store = open_store(args)
    frames = list_frames(store, args.camera_id, args.race, args.session)
    if args.json:
        print_json([frame_dict(store, f) for f in frames])
    else:
        rows = [[f.id, f.camera_id, f.source, f.captured_at.isoformat(timespec="seconds") + "Z",
                 f"{f.width}x{f.height}", "partial" if f.partial else "", f.race_id or ""] for f in frames]
        print(table(rows, ["frame id", "camera", "source", "captured (UTC)", "size", "", "race"]))
    return 0
