#!/usr/bin/env python3
"""Draws Sigil's app icon (a white diamond seal on an indigo rounded square) at the sizes the
bundlers need, as RGBA PNGs, with the standard library only. Run from the repository root."""
import math, struct, zlib

def png(size):
    rows = []
    r = size * 0.18            # corner radius
    for y in range(size):
        row = bytearray([0])   # filter: none
        for x in range(size):
            cx, cy = x + 0.5, y + 0.5
            # Rounded square mask with a one-pixel soft edge.
            dx = max(r - cx, 0, cx - (size - r)); dy = max(r - cy, 0, cy - (size - r))
            edge = r - math.hypot(dx, dy)
            alpha = max(0.0, min(1.0, edge + 0.5))
            # The seal: a diamond ring and a dot in the middle.
            u, v = abs(cx - size / 2) / size, abs(cy - size / 2) / size
            d = u + v
            ring = 0.26 <= d <= 0.34
            dot = d <= 0.09
            if ring or dot:
                color = (255, 255, 255)
            else:
                color = (75, 63, 214)
            row += bytes([*color, int(alpha * 255)])
        rows.append(bytes(row))
    raw = b"".join(rows)
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")

for name, size in [("32x32.png", 32), ("128x128.png", 128), ("128x128@2x.png", 256), ("icon.png", 512)]:
    with open(f"icons/{name}", "wb") as out:
        out.write(png(size))
