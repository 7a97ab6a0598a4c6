#!/usr/bin/env python3
"""Draws Sigil's app icon (a white diamond seal on an indigo rounded square) at the sizes the
bundlers need, with the standard library only: RGBA PNGs (Linux, the window), icon.ico (Windows
MSI/NSIS) and icon.icns (macOS), the last two holding PNG images. Run from the repository root."""
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

def ico(sizes):
    """ICONDIR, one ICONDIRENTRY per image (0 means 256 px), then the PNGs."""
    images = [png(size) for size in sizes]
    offset = 6 + 16 * len(images)
    head, body = struct.pack("<HHH", 0, 1, len(images)), b""
    for size, image in zip(sizes, images):
        side = size % 256
        head += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(image), offset + len(body))
        body += image
    return head + body

def icns(kinds):
    """The 'icns' container: (type, length, PNG) elements for the given sizes."""
    body = b"".join(kind + struct.pack(">I", 8 + len(image)) + image
                    for kind, image in ((kind, png(size)) for kind, size in kinds))
    return b"icns" + struct.pack(">I", 8 + len(body)) + body

for name, size in [("32x32.png", 32), ("128x128.png", 128), ("128x128@2x.png", 256), ("icon.png", 512)]:
    with open(f"icons/{name}", "wb") as out:
        out.write(png(size))
with open("icons/icon.ico", "wb") as out:
    out.write(ico([16, 24, 32, 48, 64, 256]))
with open("icons/icon.icns", "wb") as out:
    out.write(icns([(b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512), (b"ic10", 1024)]))
