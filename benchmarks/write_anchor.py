"""The anchor for export: writes SIZE bytes to PATH in 64 KiB writes and fdatasyncs, as a
program that had the bytes ready would. Usage: python write_anchor.py PATH SIZE"""
import os
import sys

path, size = sys.argv[1], int(sys.argv[2])
chunk = b"x" * 65536
descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
written = 0
while written < size:
    written += os.write(descriptor, chunk[: min(len(chunk), size - written)])
os.fdatasync(descriptor)
os.close(descriptor)
os.unlink(path)
