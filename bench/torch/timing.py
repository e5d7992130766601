"""What the PyTorch peer scripts of bench/torch share: the thread limit that
must be set before torch is imported, and the timing loop.

Imported as a sibling module (the scripts run as bench/torch/<name>.py, so
their directory is on sys.path).
"""
import os
import time


def limit_threads(n=1):
    """Sets OMP/OPENBLAS/MKL_NUM_THREADS to n; call before importing torch
    (and call torch.set_num_threads(n) after)."""
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[v] = str(n)


def timed(run, repeats, warmups=1):
    """Calls run() warmups times untimed, then repeats times timed, and
    returns the wall-clock and the thread-CPU seconds of the timed calls
    (two lists)."""
    for _ in range(warmups):
        run()
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.thread_time()
        run()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
    return wall, cpu
