"""Trainable sequence models: the CT-RNN and the balanced E/I rate network.

Models compute in float32 on normalized data. Sequences are arrays of shape
(n, steps, inputs); a single sequence (steps, inputs) is accepted where noted.
Configuration keywords are the Go configuration fields in snake_case or as
spelled in Go (``hidden=64``, ``tau=5``, ``solver="rk4"``). An omitted keyword
takes its documented default, and so does a numeric one given as 0 (the Go
configuration's zero value means "default": ``hidden=0`` is the default
size); Model.train refuses an explicit 0 for the keywords where that would
be a surprise (``epochs=0`` would train 100 epochs).

Long calls (Network.run, Model.train, generate, stream, evaluate,
flipflop_score, valid_time, lyapunov, fixed_points, SNN.forecast,
SNN.fit_readout, Reservoir/ESN.fit, Reservoir.harvest) stop on Ctrl-C
promptly, raising KeyboardInterrupt with a note on the state left; cancel()
from another thread stops them with CancelledError. A cancelled analysis
returns nothing and leaves the object unchanged; a cancelled fit keeps the
previous readout.
"""

from __future__ import annotations

import os
import tempfile
from ctypes import byref, c_int64
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _capi as _lib
from ._object import Handle
from ._util import as_input, config_json, cstr, empty, nonneg_int, private_config, ptr, reject_zero_defaults
from .errors import CancelledError, InvalidParameterError, NeurodynError
from .tasks import Dataset, FlipFlop

__all__ = ["Model", "CTRNN", "RateNetwork", "SNN", "Reservoir", "ESN", "METRIC_NAMES", "load_model"]

#: The names of the values neurodyn_metrics and Model.evaluate return (then
#: one "r2_<i>" per variable).
METRIC_NAMES = ("mse", "rmse", "mae", "nrmse_range", "nrmse_std", "mean_r2", "r2_grand_mean", "pearson")


#: Training keywords whose 0 the library reads as the default (learn.TrainConfig,
#: capi's Window/Stride/ValWindow): what 0 would give.
_TRAIN_ZERO = {
    "Epochs": "100 epochs",
    "BatchSize": "64",
    "ValBatch": "256",
    "Patience": "20; patience < 0 disables early stopping",
    "ClipNorm": "1; clip_norm < 0 disables clipping",
    "Shards": "1",
    "CheckpointEvery": "1",
    "Window": "the dataset's seq_length",
    "ValWindow": "the dataset's seq_length",
    "Stride": "1",
}


def metrics_dict(values: np.ndarray) -> dict[str, Any]:
    """Names the values of a metrics array (8 + dim values)."""
    out: dict[str, Any] = dict(zip(METRIC_NAMES, values[:8].tolist()))
    out["r2"] = values[8:].tolist()
    return out


class _Model(Handle):
    """What every model kind offers: sizes, info, one-step predictions,
    closed-loop generation and the closed-loop skill protocol."""

    __slots__ = ("_config", "_dims")

    def _init_dims(self) -> None:
        i, o, s, p = c_int64(), c_int64(), c_int64(), c_int64()
        _lib.call("neurodyn_model_dims", self.handle, byref(i), byref(o), byref(s), byref(p))
        self._dims = (i.value, o.value, s.value, p.value)

    @property
    def inputs(self) -> int:
        """Input size."""
        return self._dims[0]

    @property
    def outputs(self) -> int:
        """Output size."""
        return self._dims[1]

    @property
    def state_dim(self) -> int:
        """Length of the full stream state (hidden units of the CT-RNN, r_E
        and r_I of the rate network, every neuron's variables for spiking
        models and reservoirs)."""
        return self._dims[2]

    def info(self) -> dict[str, Any]:
        """kind, config (defaults filled in), sizes, the parameter tensors
        (name, shape, offset, frozen); counts for spiking models; features and
        the last fit for reservoirs."""
        return _lib.json_result("neurodyn_model_info", self.handle, snake_case=True)

    def _where(self, method: str) -> str:
        """The name errors give the calling method: "CTRNN.predict"."""
        return f"{type(self).__name__}.{method}"

    def _sequences(self, x: ArrayLike, name: str, width: int, method: str) -> tuple[np.ndarray, bool]:
        a = as_input(x, np.float32, name, finite=True, where=self._where(method))
        single = a.ndim == 2
        if single:
            a = a[None]
        if a.ndim != 3 or a.shape[2] != width or a.shape[0] == 0 or a.shape[1] == 0:
            raise InvalidParameterError(
                f"{self._where(method)}: {name} has shape {np.shape(x)}, want (n, steps, {width}) or (steps, {width})"
            )
        return a, single

    def predict(self, x: ArrayLike) -> np.ndarray:
        """One-step forecasts: the output after the last step of each sequence
        x (n, steps, inputs) → (n, outputs)."""
        a, single = self._sequences(x, "x", self.inputs, "predict")
        y = np.empty((a.shape[0], self.outputs), dtype=np.float32)
        _lib.call("neurodyn_model_predict", self.handle, ptr(a), a.shape[0], a.shape[1], ptr(y), y.size)
        return y[0] if single else y

    def generate(self, warm: ArrayLike, steps: int) -> np.ndarray:
        """Closed loop: warm up on observed inputs warm (n, warmup, inputs),
        then feed the output back for steps steps → (n, steps, outputs);
        output 0 is the prediction after the last warm-up input.

        Ctrl-C (KeyboardInterrupt) or cancel() from another thread
        (CancelledError) stops it promptly; the model is unchanged."""
        a, single = self._sequences(warm, "warm", self.inputs, "generate")
        steps = nonneg_int(steps, "steps")
        y = empty((a.shape[0], steps, self.outputs), np.float32, "generate")
        _lib.call_cancellable("neurodyn_model_generate", self.handle, ptr(a), a.shape[0], a.shape[1], steps, ptr(y), y.size)
        return y[0] if single else y

    def stream(self, x: ArrayLike) -> np.ndarray:
        """Teacher-forced run along an observed series x (samples, inputs)
        from the reset state: the output after every sample, the one-step
        prediction of the next (samples, outputs) float64. Ctrl-C or cancel()
        stops it promptly (KeyboardInterrupt, CancelledError); the model is
        unchanged."""
        a = as_input(x, np.float64, "x", ndim=2, shape=(None, self.inputs), finite=True, where=self._where("stream"))
        y = np.empty((a.shape[0], self.outputs), dtype=np.float64)
        _lib.call_cancellable("neurodyn_model_stream", self.handle, ptr(a), a.shape[0], a.shape[1], ptr(y), y.size)
        return y

    def valid_time(self, trajectory: ArrayLike, **config: Any) -> dict[str, Any]:
        """Closed-loop skill on a normalized trajectory (samples, dim):
        per-start valid prediction times, their quartiles and the 95%
        confidence interval of the median in Lyapunov times
        (median_ci95_lyapunov; NaNs below 6 starts). Keywords are
        analysis.ClosedLoopConfig's (starts, warmup, horizon, threshold, dt,
        lambda1, curve).

        Units: dt is the data time per sample, lambda1 the true system's
        largest Lyapunov exponent per that time unit; valid times are in
        time units (dt * steps) and in Lyapunov times (* lambda1). Left
        out, they come from the dataset the model was last trained or
        fitted on, as ``neurodyn train`` takes them: dt its dt, lambda1 its
        system's (Lorenz-63: 0.906 at the classic parameters, else from
        its Jacobian; a Series: Rosenstein's estimate on its train split,
        and InvalidParameterError saying why when there is none, e.g. a
        periodic series: give lambda1). A model not trained here takes a
        CTRNN's or RateNetwork's sample_dt (what ``neurodyn train`` set)
        or 0.01, and Lorenz-63's 0.906; "lambda1_source" in the result
        says where lambda1 came from, and "config" holds both.

        Ctrl-C or cancel() stops it promptly (KeyboardInterrupt,
        CancelledError) with no result; the model is unchanged."""
        a = as_input(trajectory, np.float64, "trajectory", ndim=2, finite=True, where=self._where("valid_time"))
        return _lib.result_json(
            "neurodyn_model_valid_time", self.handle, ptr(a), a.shape[0], a.shape[1], config_json(config), snake_case=True,
            cancellable=True,
        )


class Model(_Model):
    """Base class of the trainable models (CTRNN, RateNetwork, SNN):
    parameters, training, forecasting, closed loop and analysis. Picklable:
    it travels as its configuration and parameters (so it works with
    multiprocessing's spawn start method)."""

    __slots__ = ()
    _ctor = ""

    def __init__(self, **config: Any):
        self._config = private_config(config)
        super().__init__(_lib.new_handle(self._ctor, config_json(config)))
        self._init_dims()

    def __reduce__(self):
        return (_rebuild_model, (type(self), self._config, self.params))

    @property
    def num_params(self) -> int:
        """Number of parameter values."""
        return self._dims[3]

    @property
    def params(self) -> np.ndarray:
        """A copy of all parameter values (float32, tensor order)."""
        out = np.empty(self.num_params, dtype=np.float32)
        _lib.call("neurodyn_model_params", self.handle, ptr(out), out.size)
        return out

    @params.setter
    def params(self, values: ArrayLike) -> None:
        a = as_input(
            values, np.float32, "params", ndim=1, shape=(self.num_params,),
            finite=True,
            where=self._where("params"),
        )
        _lib.call("neurodyn_model_set_params", self.handle, ptr(a), a.size)

    def tensors(self) -> dict[str, np.ndarray]:
        """The parameters by name, shaped (copies)."""
        flat = self.params
        return {
            t["name"]: flat[t["offset"] : t["offset"] + int(np.prod(t["shape"]))].reshape(t["shape"])
            for t in self.info()["tensors"]
        }

    def train(self, task: Dataset | FlipFlop, **config: Any) -> dict[str, Any]:
        """Trains on a dataset (one-step forecasts of its train windows,
        validated on val) or a flip-flop task (every step). Keywords are
        learn.TrainConfig's fields (epochs, batch_size, adam={"lr": ...},
        patience, loss={"kind": "last"|"all"|"next"|"closedloop"}, seed,
        max_duration in ns (>= 0), checkpoint (a path ending in .npz, .h5 or
        .hdf5 in an existing directory), resume, overwrite, ...) plus
        window, stride, val_window for datasets. An existing checkpoint
        file is refused (NeurodynIOError) unless overwrite=True, or
        resume=True continues from it (a checkpoint of the same model and
        training configuration). Returns the training result (history per
        epoch, best epoch, best validation loss, stop reason). Training on a
        dataset sets a CTRNN's or RateNetwork's sample_dt to the dataset's dt
        (the time unit of lyapunov(); it does not change the dynamics), and
        valid_time takes the dataset's dt and lambda1 by default.

        An omitted keyword takes its default: epochs 100, batch_size 64,
        val_batch 256, patience 20 (early stopping; < 0 disables it),
        clip_norm 1 (< 0 disables clipping), shards 1, checkpoint_every 1,
        window and val_window the dataset's seq_length, stride 1. The C
        interface reads an explicit 0 of these as the default too (epochs=0
        would train 100 epochs), so here 0 raises InvalidParameterError.

        Ctrl-C (KeyboardInterrupt), or cancel() from another thread
        (CancelledError), stops training within a batch: the model is left
        as if training had been asked for the epochs it finished (the best
        epoch's parameters when validation selected one, unless keep_last;
        else those after the last finished epoch; unchanged when none
        finished), and train_result() reports them with stop "cancelled".
        close() from another thread cancels the training too: train then
        raises CancelledError saying so, with the training's result (stop
        "cancelled") as its ``.result``."""
        if not isinstance(task, (Dataset, FlipFlop)):
            raise TypeError(f"task must be a Dataset or a FlipFlop, not {type(task).__name__}")
        reject_zero_defaults(config, _TRAIN_ZERO, self._where("train"))
        cfg = config_json(config)
        h = self._begin()  # close() from another thread waits for the result below
        try:
            try:
                _lib.call_cancellable("neurodyn_model_train", h, task.handle, cfg)
            except CancelledError as e:
                if not self.closed:
                    raise
                err = CancelledError(
                    f"{self._where('train')}: the model was closed (close() from another thread), which cancelled "
                    f"its training; its result is this exception's .result ({e})",
                    CancelledError.code,
                )
                try:
                    err.result = _lib.json_result("neurodyn_model_train_result", h, snake_case=True)
                except NeurodynError:
                    err.result = None
                raise err from None
            return _lib.json_result("neurodyn_model_train_result", h, snake_case=True)
        finally:
            self._end()

    def train_result(self) -> dict[str, Any]:
        """The last training's result."""
        return _lib.json_result("neurodyn_model_train_result", self.handle, snake_case=True)

    def forward(self, x: ArrayLike, hidden: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """The output after every step (n, steps, outputs) and, with hidden,
        the states h_0 .. h_steps (n, steps+1, state_dim) as a tuple (y, h);
        a single sequence (steps, inputs) gives (steps, outputs) and
        (steps+1, state_dim)."""
        a, single = self._sequences(x, "x", self.inputs, "forward")
        n, L = a.shape[:2]
        y = np.empty((n, L, self.outputs), dtype=np.float32)
        h = np.empty((n, L + 1, self.state_dim), dtype=np.float32) if hidden else None
        _lib.call(
            "neurodyn_model_forward", self.handle, ptr(a), n, L, ptr(y), y.size, ptr(h), 0 if h is None else h.size
        )
        if single:
            y = y[0]
            h = None if h is None else h[0]
        return (y, h) if hidden else y

    def evaluate(self, dataset: Dataset, split: str = "test") -> dict[str, Any]:
        """One-step metrics on every window of a dataset split, in original
        units: mse, rmse, mae, nrmse_range, nrmse_std, mean_r2, r2_grand_mean,
        pearson and r2 per variable. Ctrl-C or cancel() stops it within a
        batch of windows (KeyboardInterrupt, CancelledError) with no result;
        the model is unchanged."""
        if not isinstance(dataset, Dataset):
            raise TypeError(f"dataset must be a Dataset, not {type(dataset).__name__}")
        out = np.empty(8 + self.outputs, dtype=np.float64)
        _lib.call_cancellable("neurodyn_model_evaluate", self.handle, dataset.handle, cstr(split, "split"), ptr(out), out.size)
        return metrics_dict(out)

    def flipflop_score(self, task: FlipFlop, split: str = "test") -> dict[str, float]:
        """Flip-flop mse and bit accuracy (outputs thresholded at 0.5).
        Ctrl-C or cancel() stops it within a batch of trials
        (KeyboardInterrupt, CancelledError) with no result."""
        if not isinstance(task, FlipFlop):
            raise TypeError(f"task must be a FlipFlop, not {type(task).__name__}")
        out = np.empty(2, dtype=np.float64)
        _lib.call_cancellable("neurodyn_model_flipflop_score", self.handle, task.handle, cstr(split, "split"), ptr(out), 2)
        return {"mse": float(out[0]), "accuracy": float(out[1])}

    def lyapunov(self, warm: ArrayLike, **config: Any) -> dict[str, Any]:
        """The Lyapunov spectrum of the model run closed loop after warming up
        on warm (warmup, inputs). Keywords are analysis.MapSpectrumConfig's
        (k, transient, steps, renorm, blocks, checkpoints). Exponents are
        per time unit of the data: one step is the model's sample_dt
        (info()["config"]), which training on a dataset sets to its dt (as
        ``neurodyn train`` does; before any, the default 0.01 of the
        Lorenz reference); "time" is steps * sample_dt. Ctrl-C or
        cancel() stops it within a step (KeyboardInterrupt, CancelledError)
        with no result; the model is unchanged."""
        a = as_input(
            warm, np.float64, "warm", ndim=2, shape=(None, self.inputs),
            finite=True,
            where=self._where("lyapunov"),
        )
        return _lib.result_json(
            "neurodyn_model_lyapunov", self.handle, ptr(a), a.shape[0], config_json(config), snake_case=True,
            cancellable=True,
        )

    def fixed_points(self, visited: ArrayLike, input: ArrayLike | None = None, **config: Any) -> dict[str, Any]:
        """Fixed and slow points of the flow at a constant input (default
        zeros), searched from visited states (rows, state_dim), e.g.
        forward(x, hidden=True)[1].reshape(-1, state_dim); each with its
        state, decoded output, speed, eigenvalues ([re, im]), kind and number
        of unstable modes. Keywords are analysis.FixedPointConfig's (starts,
        seed, fixed_tol, slow_speed, ...). CT-RNN and rate models only.
        Ctrl-C or cancel() stops the search within an iteration
        (KeyboardInterrupt, CancelledError) with no result; the model is
        unchanged."""
        v = as_input(
            visited, np.float64, "visited", ndim=2, shape=(None, self.state_dim),
            finite=True,
            where=self._where("fixed_points"),
        )
        x = as_input(
            np.zeros(self.inputs) if input is None else input, np.float64, "input", ndim=1, shape=(self.inputs,),
            finite=True,
            where=self._where("fixed_points"),
        )
        return _lib.result_json(
            "neurodyn_model_fixed_points", self.handle, ptr(x), x.size, ptr(v), v.shape[0], v.shape[1],
            config_json(config), snake_case=True, cancellable=True,
        )

    def save(self, path: str | os.PathLike, overwrite: bool = False) -> None:
        """Saves the parameters to .npz (np.load gives them by name) or, for a
        path ending in .h5 or .hdf5, to HDF5 (datasets params/<name>, as
        h5py reads them), with the model's kind, configuration and
        provenance as JSON metadata (the npz member "neurodyn_model", the
        HDF5 root attribute of that name); load() and load_model() read
        both. An existing file raises NeurodynIOError and is kept, unless
        overwrite (as write_nir and the other writers)."""
        _lib.call("neurodyn_model_save", self.handle, cstr(path, "path"), int(bool(overwrite)))

    def load(self, path: str | os.PathLike, best: bool = False) -> None:
        """Loads parameters saved by save(), by ``neurodyn train`` or the
        tutorial, or by training's checkpoint (best: the best parameters of
        a training checkpoint) into this model. A file saved from another
        kind of model, or from a configuration that differs from this
        model's in the dynamics or the parameter layout (size, τ, solver,
        Dale transform, discretization, bias currents, ...), raises
        InvalidParameterError naming each differing key with its stored and
        given values, and leaves the model unchanged; so does a file with a
        tensor this model does not have. To get the model a file describes,
        use Model.from_file(path) or neurodyn.load_model(path)."""
        _lib.call("neurodyn_model_load", self.handle, cstr(path, "path"), int(bool(best)))

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> "Model":
        """The model saved in a file (by save(), ``neurodyn train`` or the
        tutorial), built with the configuration stored in it and its
        parameters: a CTRNN, RateNetwork or SNN (load_model). Called on a
        subclass (SNN.from_file), a file holding another kind raises
        InvalidParameterError."""
        m = load_model(path)
        if not isinstance(m, cls):
            kind = type(m).__name__
            m.close()
            raise InvalidParameterError(f"{cls.__name__}.from_file: {os.fspath(path)} holds a {kind}, not a {cls.__name__}: use neurodyn.load_model")
        return m


class CTRNN(Model):
    """The continuous-time RNN, tau dh/dt = -h + phi(W_rec h + W_in x + b),
    y = D h + d; no keyword gives the reference's 64-unit Lorenz model."""

    __slots__ = ()
    _ctor = "neurodyn_ctrnn_new"


class RateNetwork(Model):
    """The balanced E/I rate network with Dale's law; no keyword gives
    notebook 02's 48 E / 16 I Lorenz network."""

    __slots__ = ()
    _ctor = "neurodyn_rate_new"

    def balance(self, states: ArrayLike) -> dict[str, Any]:
        """Balance metrics over states (k, state_dim), rows [r_E, r_I] (e.g.
        forward(..., hidden=True)[1].reshape(-1, state_dim))."""
        a = as_input(
            states, np.float64, "states", ndim=2, shape=(None, self.state_dim),
            finite=True,
            where=self._where("balance"),
        )
        return _lib.result_json("neurodyn_rate_balance", self.handle, ptr(a), a.shape[0], a.shape[1], snake_case=True)

    def weights(self) -> np.ndarray:
        """The signed effective recurrent matrix (N, N), row = post-synaptic."""
        n = self.state_dim
        out = np.empty((n, n), dtype=np.float64)
        _lib.call("neurodyn_rate_weights", self.handle, ptr(out), out.size)
        return out


class SNN(Model):
    """The recurrent E/I spiking network trained by surrogate gradients (no
    keyword: notebook 03's 128 E / 32 I network at dt 1 ms). Keywords are
    snn.Config's; enumerations by name: dale="abs", readout="filtered",
    discretization="exact", reset="soft",
    surrogate={"kind": "fastsigmoid", "alpha": 10}. forward() returns no
    hidden states and lyapunov() is not available (spikes have no step
    Jacobian: use analysis.lyapunov_series on generated trajectories)."""

    __slots__ = ()
    _ctor = "neurodyn_snn_new"

    def forecast(self, dataset: Dataset, split: str = "test") -> dict[str, Any]:
        """One-step forecasts of every window of a split in original units:
        rmse, mae, silenced_rmse (spike features zeroed), rate_e, rate_i (Hz),
        rates_below1_hz, rates_above50_hz, windows. Ctrl-C or cancel()
        stops it within a batch of windows (KeyboardInterrupt,
        CancelledError) with no result; the model is unchanged."""
        if not isinstance(dataset, Dataset):
            raise TypeError(f"dataset must be a Dataset, not {type(dataset).__name__}")
        return _lib.result_json(
            "neurodyn_snn_forecast", self.handle, dataset.handle, cstr(split, "split"), snake_case=True,
            cancellable=True,
        )

    def fit_readout(self, dataset: Dataset, warmup: int = 10) -> dict[str, Any]:
        """Sets the readout by ridge regression on the train windows (features
        after every sample from warmup-1 on), regularization chosen on val.
        Ctrl-C or cancel() stops it within a batch of windows or between
        regularizations (KeyboardInterrupt, CancelledError): the model then
        keeps its previous readout."""
        if not isinstance(dataset, Dataset):
            raise TypeError(f"dataset must be a Dataset, not {type(dataset).__name__}")
        return _lib.result_json(
            "neurodyn_snn_fit_readout", self.handle, dataset.handle, nonneg_int(warmup, "warmup"), snake_case=True,
            cancellable=True,
        )

    def weights(self) -> np.ndarray:
        """The effective recurrent weights (N, N) float32, row = post-synaptic
        neuron, E first, Dale signs and masks applied."""
        n = self.info()["config"]["ne"] + max(self.info()["config"]["ni"], 0)
        out = np.empty((n, n), dtype=np.float32)
        _lib.call("neurodyn_snn_weights", self.handle, ptr(out), out.size)
        return out


    def write_nir(self, path: str | os.PathLike, overwrite: bool = False) -> None:
        """Writes the network as a NIR graph (HDF5) whose meaning under NIR's
        continuous equations is this network (Go: snn.Model.NIRWith). nir.read
        reads it; snnTorch 1.0.0 and Norse 1.1.0 do not (no LI node for the
        readout filters). Needs readout="filtered", reset="hard", binary spikes
        and, with discretization="euler", time constants longer than dt_ms
        (else InvalidParameterError)."""
        _lib.call("neurodyn_snn_write_nir", self.handle, cstr(path, "path"), int(bool(overwrite)))


class _Reservoir(_Model):
    """A reservoir with a linear readout fitted in closed form."""

    __slots__ = ("_dim",)
    _ctor = ""

    def __init__(self, dim: int = 3, **config: Any):
        self._config = private_config(config)
        self._dim = nonneg_int(dim, "dim")
        super().__init__(_lib.new_handle(self._ctor, config_json(config), self._dim))
        self._init_dims()

    def __reduce__(self):
        # A fitted reservoir travels as its model file (configuration, seed
        # and readout: save()), rebuilt by load_model; an unfitted one as
        # its configuration.
        if self.info().get("fit") is None:
            return (_rebuild_reservoir, (type(self), self._dim, self._config, None))
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "model.npz")
            self.save(path)
            with open(path, "rb") as f:
                data = f.read()
        return (_rebuild_reservoir, (type(self), self._dim, self._config, data))

    def save(self, path: str | os.PathLike, overwrite: bool = False) -> None:
        """Saves the fitted readout with the configuration (seed included),
        the number of variables, the fit and provenance to .npz, the file
        format of ``neurodyn train`` (members readout.W, readout.B,
        readout.lambda and the JSON member "neurodyn_model"): load_model()
        rebuilds the network from its seed and gives the same predictions,
        bit for bit, and info()["fit"] the stored fit (NaN numbers as None).
        Another extension than .npz raises InvalidParameterError, an
        unfitted reservoir StateError; an existing file raises
        NeurodynIOError and is kept, unless overwrite."""
        _lib.call("neurodyn_model_save", self.handle, cstr(path, "path"), int(bool(overwrite)))

    def fit(self, dataset: Dataset) -> dict[str, Any]:
        """Fits the readout by ridge regression on the dataset (each split one
        stream, the regularization chosen on val); returns the fit with the
        validation and test errors in original units.

        Ctrl-C (KeyboardInterrupt) or cancel() from another thread
        (CancelledError) stops it promptly (between pieces of the runs and
        between regularizations): the reservoir then keeps its previous
        readout and fit, or stays unfitted if it had none."""
        if not isinstance(dataset, Dataset):
            raise TypeError(f"dataset must be a Dataset, not {type(dataset).__name__}")
        return _lib.result_json("neurodyn_reservoir_fit", self.handle, dataset.handle, snake_case=True, cancellable=True)


class Reservoir(_Reservoir):
    """A liquid-state machine on the event-driven spiking engine for inputs of
    dim dimensions (no keyword: 800 E / 200 I LIF neurons, 20 ms per sample,
    spikes filtered at 10 and 50 ms: 2,000 features), read out by ridge
    regression from its filtered spike trains plus the input and a bias.
    Keywords are snn.ReservoirConfig's (n, frac_e, dt_ms, sample_ms, p,
    weight_pa, g, dynamic_synapses, readout_tau_ms, washout, seed, ...)."""

    __slots__ = ()
    _ctor = "neurodyn_reservoir_new"

    @property
    def features(self) -> int:
        """The number of spike features."""
        return self.info()["features"]

    def harvest(self, x: ArrayLike) -> np.ndarray:
        """Runs the reservoir from its initial state over a normalized series
        x (samples, dim) and returns its spike features after every sample,
        (samples, features) float32. Ctrl-C or cancel() stops it promptly
        (KeyboardInterrupt, CancelledError); the reservoir is unchanged."""
        a = as_input(x, np.float64, "x", ndim=2, shape=(None, self.inputs), finite=True, where=self._where("harvest"))
        out = np.empty((a.shape[0], self.features), dtype=np.float32)
        _lib.call_cancellable("neurodyn_reservoir_harvest", self.handle, ptr(a), a.shape[0], a.shape[1], ptr(out), out.size)
        return out


class ESN(_Reservoir):
    """An echo-state network (tanh rate reservoir with spectral-radius
    scaling) for inputs of dim dimensions, read out by ridge regression.
    Keywords are snn.ESNConfig's (n, density, spectral_radius, leak,
    input_scale, bias_scale, washout, seed)."""

    __slots__ = ()
    _ctor = "neurodyn_esn_new"


#: The Python class of each model kind neurodyn_model_info names.
_KINDS = {"ctrnn": "CTRNN", "rate": "RateNetwork", "snn": "SNN", "reservoir": "Reservoir", "esn": "ESN"}


def load_model(path: str | os.PathLike) -> "_Model":
    """Opens a model file with the configuration stored in it
    (neurodyn_model_open) and returns the model as its class: a CTRNN,
    RateNetwork or SNN with the file's parameters (from save(),
    ``neurodyn train`` or the tutorial), or a Reservoir or ESN rebuilt from
    its stored configuration and seed with its fitted readout (from its
    save(), ``neurodyn train`` or the tutorial, whose files hold them; its
    info()["fit"] is the stored fit, or for train's files the readout's
    lambda and features). A file without a stored configuration (a
    training checkpoint) raises InvalidParameterError."""
    h = _lib.new_handle("neurodyn_model_open", cstr(path, "path"))
    try:
        info = _lib.json_result("neurodyn_model_info", h)
        cls = globals()[_KINDS[info["kind"]]]
        m = cls.__new__(cls)
        Handle.__init__(m, h)
    except BaseException:
        _lib.call("neurodyn_free", h)
        raise
    # The configuration as the constructor takes it (Go field names), so
    # that a trainable model pickles as a built one does.
    m._config = info["config"]
    if isinstance(m, _Reservoir):
        m._dim = info["inputs"]
    m._init_dims()
    return m


def _rebuild_reservoir(cls, dim, config, data):
    if data is None:
        return cls(dim, **config)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.npz")
        with open(path, "wb") as f:
            f.write(data)
        m = load_model(path)
    if not isinstance(m, cls):
        kind = type(m).__name__
        m.close()
        raise InvalidParameterError(f"unpickling a {cls.__name__}: its model file holds a {kind}")
    return m


def _rebuild_model(cls, config, params):
    m = cls(**config)
    m.params = params
    return m
