#!/usr/bin/env python3
"""sha256 of files' whole content, reading only their data extents (SEEK_DATA/SEEK_HOLE).

Disk images on the embedded engine's storage are sparse files of up to 500 GiB: a hole reads as
zeros, so hashing each data extent with its offset, plus the size, identifies the content exactly
without reading the holes. Paths on stdin, one per line; JSON {path: "sha256:<hex> size"} on stdout.
"""
import hashlib
import json
import os
import sys


def digest(path):
    h = hashlib.sha256()
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        fd = f.fileno()
        offset = 0
        while offset < size:
            try:
                start = os.lseek(fd, offset, os.SEEK_DATA)
            except OSError:  # ENXIO: no data after offset
                break
            end = os.lseek(fd, start, os.SEEK_HOLE)
            f.seek(start)
            h.update(start.to_bytes(8, "big"))
            remaining = end - start
            while remaining:
                chunk = f.read(min(remaining, 1 << 20))
                if not chunk:
                    break
                h.update(chunk)
                remaining -= len(chunk)
            offset = end
    return "sha256:%s %d" % (h.hexdigest(), size)


print(json.dumps({p: digest(p) for p in (line.strip() for line in sys.stdin) if p}))
