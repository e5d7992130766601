"""The PSC amplitude of NEST's alpha-synapse Brunel example
(brunel_alpha_nest.py's ComputePSPnorm), shared by the NEST and Brian2
twins of BenchmarkSpikingBrunelAlpha (neurodyn's kernel.AlphaPSCForPSP
computes the same: 20.680155244 pA for a 0.1 mV PSP at C_m 250 pF,
tau_m 20 ms, tau_syn 0.5 ms)."""
import math


def psp_peak_per_pa(tau_m, c_m, tau_s):
    """The peak PSP (mV) of an alpha current of 1 pA peak,
    (t/tau_s) e^(1 - t/tau_s), from rest, at the time where dV/dt = 0 (found
    by bisection on I(t)/C_m = V(t)/tau_m)."""
    b = 1.0 / tau_s - 1.0 / tau_m

    def v(t):  # (e/(tau_s C)) int_0^t exp(-(t-s)/tau_m) s exp(-s/tau_s) ds, closed form
        return math.e / (tau_s * c_m * b) * ((math.exp(-t / tau_m) - math.exp(-t / tau_s)) / b
                                             - t * math.exp(-t / tau_s))

    def current(t):
        return t / tau_s * math.exp(1.0 - t / tau_s)

    lo, hi = 1e-9 * tau_s, 100.0 * (tau_m + tau_s)
    for _ in range(200):
        mid = lo + (hi - lo) / 2
        if current(mid) / c_m - v(mid) / tau_m > 0:
            lo = mid
        else:
            hi = mid
    return v(lo)
