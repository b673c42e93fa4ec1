#!/usr/bin/env python3
"""Dev-only reference: Faiss HNSW on the same .fvecs files as `patmatch bench index`.

Prints the same JSON fields, so the two indexes can be compared at equal recall. Needs Debian's
python3-faiss and python3-numpy (`apt-get install python3-faiss python3-numpy`; run it with
/usr/bin/python3). Not used by patmatch itself.

  /usr/bin/python3 scripts/faiss-bench.py --base B.fvecs --queries Q.fvecs --k 1000 \
      --ef-search 1500 [--gt GT.ivecs | --write-gt GT.ivecs] [--out R.ivecs]

--write-gt only computes exact neighbours (inner product of unit vectors) for --recall-queries
queries and writes them, for both benchmarks to use with --gt.
"""
import argparse
import json
import os
import tempfile
import time

import faiss
import numpy as np


def read_vecs(path, dtype):
    raw = np.fromfile(path, dtype=np.int32)
    dim = int(raw[0])
    rows = raw.reshape(-1, dim + 1)
    if not (rows[:, 0] == dim).all():
        raise SystemExit(f"{path}: rows of differing dimension")
    return np.ascontiguousarray(rows[:, 1:]).view(dtype)


def write_ivecs(path, ids):
    rows = np.hstack([np.full((ids.shape[0], 1), ids.shape[1], dtype=np.int32), ids.astype(np.int32)])
    rows.tofile(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--k", type=int, default=1000)
    parser.add_argument("--gt")
    parser.add_argument("--write-gt")
    parser.add_argument("--out")
    parser.add_argument("--recall-queries", type=int, default=100)
    parser.add_argument("--m", type=int, default=32)
    parser.add_argument("--ef-construction", type=int, default=128)
    parser.add_argument("--ef-search", type=int, nargs="+", default=[1500])
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()

    base = read_vecs(args.base, np.float32)
    queries = read_vecs(args.queries, np.float32)
    faiss.normalize_L2(base)
    faiss.normalize_L2(queries)
    n, dim = base.shape
    k = args.k

    if args.gt:
        truth = read_vecs(args.gt, np.int32)[:, :k]
    else:
        flat = faiss.IndexFlatIP(dim)
        flat.add(base)
        truth = flat.search(queries[: args.recall_queries], k)[1]
        if args.write_gt:
            write_ivecs(args.write_gt, truth)
            return

    faiss.omp_set_num_threads(args.threads)
    index = faiss.IndexHNSWFlat(dim, args.m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = args.ef_construction
    started = time.perf_counter()
    index.add(base)
    build_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.faiss")
        faiss.write_index(index, path)
        memory_bytes = os.path.getsize(path)

    faiss.omp_set_num_threads(1)  # one query at a time, as patmatch searches
    for ef in args.ef_search:
        index.hnsw.efSearch = max(ef, k)
        latencies = []
        results = np.full((len(queries), k), -1, dtype=np.int64)
        for q in range(len(queries)):
            begin = time.perf_counter()
            _, ids = index.search(queries[q : q + 1], k)
            latencies.append((time.perf_counter() - begin) * 1000)
            results[q] = ids[0]
        recall = np.mean([len(set(results[q]) & set(truth[q])) / len(truth[q]) for q in range(len(truth))])
        if args.out:
            write_ivecs(args.out, results)
        print(json.dumps({
            "n": n, "dim": dim, "k": k, "queries": len(queries),
            "buildSeconds": round(build_seconds, 2), "buildVectorsPerSecond": round(n / build_seconds),
            "searchP50Ms": round(float(np.percentile(latencies, 50)), 3),
            "searchP99Ms": round(float(np.percentile(latencies, 99)), 3),
            "memoryBytes": memory_bytes, "recall": round(float(recall), 4), "recallQueries": len(truth),
            "index": {"library": "faiss " + faiss.__version__, "m": args.m,
                      "efConstruction": args.ef_construction, "efSearch": index.hnsw.efSearch},
        }), flush=True)


if __name__ == "__main__":
    main()
