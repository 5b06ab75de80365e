#!/usr/bin/python3
"""Supersample CMI beyond one process: split a run into shards, compute each shard's statistics with
dask.delayed on a local scheduler, merge them pairwise, and check that the result is exactly the single pass
(and the `itbound cmi --bootstrap 0` result on the file).

Usage: PYTHONPATH=build/python dask_shards.py [RUNS.npz] [--scheduler threads|processes|sync]

Each task opens the file and reads only its shard, as a worker holding its own part of the runs would;
SupersampleStats objects travel between processes by pickling (their byte form).
"""
import argparse
import pathlib

import dask
import numpy as np

import itbound

DEFAULT = pathlib.Path(__file__).resolve().parents[2] / "data" / "examples" / "digits-logreg.npz"


def shard_stats(path, axis, start, stop):
    """Statistics of supersamples, runs or pairs [start, stop) of the runs in `path`."""
    z = np.load(path)
    index = [slice(None)] * 3
    index[("supersample", "run", "pair").index(axis)] = slice(start, stop)
    arrays = [z[k][tuple(index)] for k in ("mask", "loss", "pred") if k in z]
    return itbound.supersample_stats(*arrays, **{f"{axis}_offset": start})


def merge(a, b):
    return a.merge(b)


def tree(parts):
    """Pairwise merges, as a distributed reduction would do them."""
    while len(parts) > 1:
        parts = [dask.delayed(merge)(*parts[k:k + 2]) if k + 1 < len(parts) else parts[k] for k in range(0, len(parts), 2)]
    return parts[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="?", default=str(DEFAULT))
    parser.add_argument("--scheduler", default="processes", choices=["threads", "processes", "sync"])
    parser.add_argument("--shards", type=int, default=4)
    args = parser.parse_args()
    with np.load(args.runs) as z:
        k1, k2, n = z["mask"].shape
    single = itbound.cmi_from_stats(shard_stats(args.runs, "supersample", 0, k1), per_pair=True)
    assert single == itbound.cmi(runs=args.runs, bootstrap=0, per_pair=True)
    for axis, size in [("supersample", k1), ("run", k2), ("pair", n)]:
        step = -(-size // min(args.shards, size))
        parts = [dask.delayed(shard_stats)(args.runs, axis, start, min(start + step, size)) for start in range(0, size, step)]
        stats = tree(parts).compute(scheduler=args.scheduler, num_workers=2)
        result = itbound.cmi_from_stats(stats, per_pair=True)
        assert stats.shape == (k1, k2, n) and result == single, f"shards by {axis} differ from the single pass"
        print(f"{len(parts)} shards by {axis:11s} ({args.scheduler}): merged = single pass exactly; "
              f"e-CMI mean {result['estimates']['ecmi_mean']:.6f}, ld-MI mean {result['estimates']['ldmi_mean']:.6f}")


if __name__ == "__main__":
    main()
