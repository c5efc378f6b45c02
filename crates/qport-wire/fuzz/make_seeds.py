#!/usr/bin/env python3
"""Writes the seed corpora in seeds/<target>/ from ../tests/data/ipc-vectors.json.

deserialize: every message in the file (accepted and rejected ones, either form).
decompress: the compressed messages, and the uncompressed messages behind them (the
target also compresses its input as a payload). The compressed_vector_* seeds there are
written by `cargo run -p qport-wire --example compressed_vector_seeds` and left alone here.
"""

import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
VECTORS = HERE.parent / "tests" / "data" / "ipc-vectors.json"
FIELDS = (("hex", ""), ("uncompressed_hex", ".uncompressed"), ("q_reference_hex", ".q_reference"))


def is_hex(text):
    try:
        bytes.fromhex(text)
    except (TypeError, ValueError):
        return False
    return len(text) >= 18


def write(target, name, data):
    directory = HERE / "seeds" / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)


def main():
    for target in ("deserialize", "decompress"):
        for old in (HERE / "seeds" / target).glob("*"):
            if not old.name.startswith("compressed_vector_"):
                old.unlink()
    doc = json.loads(VECTORS.read_text())
    messages = {}
    for name, vector in doc["vectors"].items():
        for field, suffix in FIELDS:
            if is_hex(vector.get(field)):
                messages.setdefault(bytes.fromhex(vector[field]), f"{name}{suffix}.bin")
    for name, vector in doc["kx_d9_rejects"].items():
        messages.setdefault(bytes.fromhex(vector["hex"]), f"reject_{name}.bin")
    for mode, values in doc["b9_capability_modes"].items():
        for name, text in values.items():
            if is_hex(text):
                messages.setdefault(bytes.fromhex(text), f"mode{mode}_{name}.bin")
    for name, text in doc["large_message_observations"].items():
        # Headers of messages too large to store: truncated, so refused, but their
        # byte-3 length extensions are worth having.
        if is_hex(text):
            messages.setdefault(bytes.fromhex(text), f"large_{name}.bin")

    for data, name in sorted(messages.items(), key=lambda item: item[1]):
        write("deserialize", name, data)
        compressed = data[2] in (1, 2)
        if compressed or len(data) > 2000:
            write("decompress", name, data)


if __name__ == "__main__":
    main()
