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


def cpu_capability(torch):
    """The SIMD level torch's CPU kernels dispatch to on this machine
    ("AVX512", "AVX2", "DEFAULT", ...): Inductor's generated code and the
    ATen kernels differ by it, so every record carries it (the same script
    on a Zen 3 and on a Zen 4 compares different code)."""
    try:
        return torch.backends.cpu.get_cpu_capability()
    except AttributeError:  # torch < 2.1: only the build summary says it
        for line in torch.__config__.show().splitlines():
            if "CPU capability usage:" in line:
                return line.split(":", 1)[1].strip()
    return "unknown"
