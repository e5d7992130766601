"""Analysis on numpy arrays: forecast metrics, baselines, the true Lorenz-63
system, delay embedding and Lyapunov exponents from time series.

The long ones (baselines, mutual_information, false_neighbours,
lyapunov_series, correlation_dimension, pulse_lif_lyapunov) stop on Ctrl-C
promptly, raising KeyboardInterrupt, as Network.run and Model.train do;
given token=Token(), token.cancel() from another thread stops them with
CancelledError. A stopped analysis returns nothing."""

from __future__ import annotations

from ctypes import byref, c_int64
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _capi as _lib
from ._object import Handle
from ._util import MAX_ELEMS, as_input, config_json, empty, nonneg_int, ptr, real
from .errors import InvalidParameterError
from .models import metrics_dict
from .tasks import Dataset

__all__ = [
    "Token",
    "metrics",
    "baselines",
    "lorenz_integrate",
    "delay_embed",
    "mutual_information",
    "auto_lag",
    "false_neighbours",
    "lyapunov_series",
    "correlation_dimension",
    "spike_stats",
    "pulse_lif_lyapunov",
]


class Token(Handle):
    """A cancellation token for the analyses of arrays, which belong to no
    object: pass it as token= to one or several calls, and token.cancel()
    from another thread stops those running at that moment with
    CancelledError (calls made afterwards are not affected). Without a
    token each call makes its own, so that Ctrl-C stops it."""

    __slots__ = ()

    def __init__(self):
        super().__init__(_lib.new_handle("neurodyn_token_new"))


def _cancellable(name: str, token: Token | None, *args: Any, result: bool = False) -> Any:
    """Calls the _cancellable variant of an analysis with token (a fresh
    one if None) as a call Ctrl-C stops (call_cancellable); with result,
    returns its JSON result in snake_case."""
    if token is not None and not isinstance(token, Token):
        raise TypeError(f"token must be a neurodyn.analysis.Token, not {type(token).__name__}")
    tok = Token() if token is None else token
    try:
        if result:
            return _lib.result_json(name + "_cancellable", tok.handle, *args, snake_case=True, cancellable=True)
        _lib.call_cancellable(name + "_cancellable", tok.handle, *args)
        return None
    finally:
        if token is None:
            tok.close()


def _series(x: ArrayLike, name: str) -> np.ndarray:
    a = as_input(x, np.float64, name)
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    if a.ndim != 2:
        raise InvalidParameterError(f"{name} must be (samples,) or (samples, dim), has shape {a.shape}")
    return a


def metrics(pred: ArrayLike, truth: ArrayLike) -> dict[str, Any]:
    """Forecast metrics of pred against truth (samples, dim): mse, rmse, mae,
    nrmse_range, nrmse_std, mean_r2, r2_grand_mean, pearson, r2 per variable."""
    p, t = _series(pred, "pred"), _series(truth, "truth")
    if p.shape != t.shape:
        raise InvalidParameterError(f"pred has shape {p.shape}, truth {t.shape}: they must match")
    out = np.empty(8 + p.shape[1], dtype=np.float64)
    _lib.call("neurodyn_metrics", ptr(p), ptr(t), p.shape[0], p.shape[1], ptr(out), out.size)
    return metrics_dict(out)


def baselines(dataset: Dataset, *, token: Token | None = None, **config: Any) -> list[dict[str, Any]]:
    """Fits persistence, linear extrapolation, train mean, AR(1..max_ar_lag)
    and NVAR on the dataset and evaluates them on its test split (original
    units): a list of {name, params, metrics}. Ctrl-C or token.cancel()
    stops it between the baselines' evaluations (KeyboardInterrupt,
    CancelledError) with no result."""
    if not isinstance(dataset, Dataset):
        raise TypeError(f"dataset must be a Dataset, not {type(dataset).__name__}")
    return _cancellable("neurodyn_baselines", token, dataset.handle, config_json(config), result=True)


def lorenz_integrate(
    x0: ArrayLike, samples: int, dt: float = 0.01, transient: float = 0.0, sigma: float = 10.0, rho: float = 28.0, beta: float = 8 / 3
) -> np.ndarray:
    """The true Lorenz-63 trajectory from x0 (3,): samples (samples, 3) dt
    apart after dropping transient time units (Dormand-Prince, rtol 1e-10).

    sigma, rho and beta equal to 0 select the classic values 10, 28 and 8/3
    (the C API reads 0 as "default"), so a system with a zero parameter, such
    as rho=0, cannot be integrated by this function; NaN is refused."""
    a = as_input(x0, np.float64, "x0", ndim=1, shape=(3,))
    samples = nonneg_int(samples, "samples", MAX_ELEMS // 3)
    out = empty((samples, 3), np.float64, "lorenz_integrate")
    _lib.call(
        "neurodyn_lorenz_integrate",
        ptr(a),
        real(sigma, "sigma"),
        real(rho, "rho"),
        real(beta, "beta"),
        real(dt, "dt"),
        real(transient, "transient"),
        samples,
        ptr(out),
        out.size,
    )
    return out


def delay_embed(x: ArrayLike, m: int, tau: int) -> np.ndarray:
    """The delay embedding of x (samples, dim): row i is (x_i, x_{i+tau}, ...,
    x_{i+(m-1)tau}) → (samples-(m-1)tau, m*dim)."""
    a = _series(x, "x")
    m, tau = nonneg_int(m, "m"), nonneg_int(tau, "tau")
    rows = c_int64()
    _lib.call("neurodyn_delay_embed_rows", a.shape[0], m, tau, byref(rows))
    out = empty((rows.value, m * a.shape[1]), np.float64, "delay_embed")
    _lib.call("neurodyn_delay_embed", ptr(a), a.shape[0], a.shape[1], m, tau, ptr(out), out.size)
    return out


def mutual_information(x: ArrayLike, max_lag: int, bins: int = 0, *, token: Token | None = None) -> np.ndarray:
    """Auto mutual information (nats) of a scalar series for lags
    0..max_lag. Ctrl-C or token.cancel() stops it before a lag
    (KeyboardInterrupt, CancelledError) with no result."""
    a = as_input(x, np.float64, "x", ndim=1)
    max_lag = nonneg_int(max_lag, "max_lag", MAX_ELEMS - 1)
    out = empty((max_lag + 1,), np.float64, "mutual_information")
    _cancellable("neurodyn_mutual_information", token, ptr(a), a.size, max_lag, nonneg_int(bins, "bins"), ptr(out), out.size)
    return out


def auto_lag(x: ArrayLike) -> int:
    """The embedding lag of a scalar series: the first minimum of the auto
    mutual information, judged against the histogram estimator's own noise
    (measured on a seeded shuffle), or the autocorrelation's 1/e lag when
    the information decays without one (maps, noise); see analysis.AutoLag."""
    a = as_input(x, np.float64, "x", ndim=1)
    lag = c_int64()
    _lib.call("neurodyn_auto_lag", ptr(a), a.size, byref(lag))
    return lag.value


def false_neighbours(x: ArrayLike, tau: int, max_dim: int, theiler: int = 0, *, token: Token | None = None) -> np.ndarray:
    """Fractions of false nearest neighbours for embedding dimensions
    1..max_dim. Ctrl-C or token.cancel() stops it within 256 points
    (KeyboardInterrupt, CancelledError) with no result."""
    a = as_input(x, np.float64, "x", ndim=1)
    max_dim = nonneg_int(max_dim, "max_dim", MAX_ELEMS)
    out = empty((max_dim,), np.float64, "false_neighbours")
    _cancellable(
        "neurodyn_false_neighbours",
        token,
        ptr(a),
        a.size,
        nonneg_int(tau, "tau"),
        max_dim,
        nonneg_int(theiler, "theiler"),
        ptr(out),
        out.size,
    )
    return out


def lyapunov_series(x: ArrayLike, *, token: Token | None = None, **config: Any) -> dict[str, Any]:
    """The largest Lyapunov exponent of a series (samples, dim) by
    Rosenstein's method; keywords are analysis.RosensteinConfig's (dt,
    embed_dim, lag, theiler, horizon, fit_start, fit_end). Returns lambda
    (per time unit) with the divergence curve and the choices made,
    false_neighbours among them. Leave dt out for exponents per sample;
    dt=0 is an error (the library would read 0 as "per sample" and return
    a per-sample exponent for a series meant in time units). A scalar
    series whose false neighbours never fall below 1% (noise) is an
    InvalidParameterError naming EmbedDim unless embed_dim is given. When
    the divergence curve does not rise (a periodic or quasi-periodic
    series), diverges is False and lambda and fit_r2 are NaN. Ctrl-C or
    token.cancel() stops it within 256 points (KeyboardInterrupt,
    CancelledError) with no result."""
    if "dt" in config and config["dt"] is not None and float(config["dt"]) == 0:
        raise InvalidParameterError("dt must be > 0 (leave it out for exponents per sample)")
    a = _series(x, "x")
    return _cancellable("neurodyn_lyapunov_series", token, ptr(a), a.shape[0], a.shape[1], config_json(config), result=True)




def correlation_dimension(x: ArrayLike, *, token: Token | None = None, **config: Any) -> dict[str, Any]:
    """The correlation dimension D2 of a series (samples, dim) from the
    Grassberger-Procaccia sums with an automatic scaling region; keywords are
    analysis.DimensionConfig's (theiler, centers, seed, radii, r_min, r_max,
    ...). Returns d2 with the radii, sums, local slopes and the region.
    Ctrl-C or token.cancel() stops it within 256 reference points
    (KeyboardInterrupt, CancelledError) with no result."""
    a = _series(x, "x")
    return _cancellable("neurodyn_correlation_dimension", token, ptr(a), a.shape[0], a.shape[1], config_json(config), result=True)


def spike_stats(times_ms: ArrayLike, ids: ArrayLike, neurons: int, t0: float, t1: float, bin_ms: float = 5.0, seed: int = 1) -> dict[str, Any]:
    """Statistics of the spike trains of neurons neurons over [t0, t1) ms:
    mean_rate, std_rate (Hz), silent, mean_cv (ISI), mean_fano, mean_corr,
    peak_hz (bins of bin_ms)."""
    t = as_input(times_ms, np.float64, "times_ms", ndim=1)
    i = as_input(ids, np.uint32, "ids", ndim=1, shape=(t.size,))
    return _lib.result_json(
        "neurodyn_spike_stats", ptr(t), ptr(i), t.size, nonneg_int(neurons, "neurons"), real(t0, "t0"), real(t1, "t1"),
        real(bin_ms, "bin_ms"), nonneg_int(seed, "seed", 2**64 - 1), snake_case=True,
    )


def pulse_lif_lyapunov(
    v_inf_mv: ArrayLike,
    v0_mv: ArrayLike,
    sources: ArrayLike,
    targets: ArrayLike,
    weights_mv: ArrayLike,
    *,
    tau_ms: float,
    v_th_mv: float,
    v_reset_mv: float,
    token: Token | None = None,
    **config: Any,
) -> dict[str, Any]:
    """The exact Lyapunov spectrum (1/s) of leaky integrate-and-fire neurons
    coupled by instantaneous inhibitory pulses, in continuous time
    (analysis.PulseLIFLyapunov): neuron i relaxes with tau_ms towards
    v_inf_mv[i], fires at v_th_mv and is reset to v_reset_mv; v0_mv are the
    initial potentials; synapse k is a pulse of weights_mv[k] <= 0 mV from
    sources[k] to targets[k]. Keywords are analysis.PulseLIFConfig's (k,
    warmup_ms, duration_ms, renorm_ms, blocks, checkpoints). Returns
    exponents and std_err (1/s), spikes, rate_hz, isi_cv (NaN when no
    neuron fired 3 times) and contraction_rate, the exact sum of the whole
    spectrum. Keyword seed seeds the random start of the tangent vectors.
    Ctrl-C or token.cancel() stops it within a renormalization interval
    (KeyboardInterrupt, CancelledError) with no result."""
    vi = as_input(v_inf_mv, np.float64, "v_inf_mv", ndim=1)
    n = vi.size
    if n == 0:
        raise InvalidParameterError("v_inf_mv is empty: one value per neuron is needed")
    v0 = as_input(v0_mv, np.float64, "v0_mv", ndim=1, shape=(n,))
    s = as_input(sources, np.int64, "sources", ndim=1)
    t = as_input(targets, np.int64, "targets", ndim=1, shape=(s.size,))
    w = as_input(weights_mv, np.float64, "weights_mv", ndim=1, shape=(s.size,))
    r = _cancellable(
        "neurodyn_pulse_lif_lyapunov", token, real(tau_ms, "tau_ms"), real(v_th_mv, "v_th_mv"), real(v_reset_mv, "v_reset_mv"),
        ptr(vi), ptr(v0), n, ptr(s), ptr(t), ptr(w), s.size, config_json(config), result=True,
    )
    r["isi_cv"] = r.pop("isicv")  # ISICV: one word per letter group
    return r
