"""Trainable sequence models: the CT-RNN and the balanced E/I rate network.

Models compute in float32 on normalized data. Sequences are arrays of shape
(n, steps, inputs); a single sequence (steps, inputs) is accepted where noted.
Configuration keywords are the Go configuration fields in snake_case or as
spelled in Go (``hidden=64``, ``tau=5``, ``solver="rk4"``).
"""

from __future__ import annotations

import os
from ctypes import byref, c_int64
from typing import Any

import numpy as np

from . import _capi as _lib
from ._object import Handle
from ._util import as_input, config_json, cstr, nonneg_int, ptr
from .errors import InvalidParameterError
from .tasks import Dataset, FlipFlop

__all__ = ["Model", "CTRNN", "RateNetwork", "METRIC_NAMES"]

#: The names of the values neurodyn_metrics and Model.evaluate return (then
#: one "r2_<i>" per variable).
METRIC_NAMES = ("mse", "rmse", "mae", "nrmse_range", "nrmse_std", "mean_r2", "r2_grand_mean", "pearson")


def metrics_dict(values: np.ndarray) -> dict[str, Any]:
    """Names the values of a metrics array (8 + dim values)."""
    out: dict[str, Any] = dict(zip(METRIC_NAMES, values[:8].tolist()))
    out["r2"] = values[8:].tolist()
    return out


class Model(Handle):
    """Base class of the models: parameters, training, forecasting, closed
    loop and analysis. Picklable: it travels as its configuration and
    parameters (so it works with multiprocessing's spawn start method)."""

    __slots__ = ("_config", "_dims")
    _ctor = ""

    def __init__(self, **config):
        self._config = config
        super().__init__(_lib.new_handle(self._ctor, config_json(config)))
        i, o, s, p = c_int64(), c_int64(), c_int64(), c_int64()
        _lib.call("neurodyn_model_dims", self.handle, byref(i), byref(o), byref(s), byref(p))
        self._dims = (i.value, o.value, s.value, p.value)

    def __reduce__(self):
        return (_rebuild_model, (type(self), self._config, self.params))

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
        """State size (hidden units; r_E and r_I for the rate network)."""
        return self._dims[2]

    @property
    def num_params(self) -> int:
        """Number of parameter values."""
        return self._dims[3]

    def info(self) -> dict[str, Any]:
        """kind, config (defaults filled in), sizes and the parameter tensors
        (name, shape, offset, frozen)."""
        return _lib.json_result("neurodyn_model_info", self.handle, snake_case=True)

    @property
    def params(self) -> np.ndarray:
        """A copy of all parameter values (float32, tensor order)."""
        out = np.empty(self.num_params, dtype=np.float32)
        _lib.call("neurodyn_model_params", self.handle, ptr(out), out.size)
        return out

    @params.setter
    def params(self, values) -> None:
        a = as_input(values, np.float32, "params", ndim=1, shape=(self.num_params,))
        _lib.call("neurodyn_model_set_params", self.handle, ptr(a), a.size)

    def tensors(self) -> dict[str, np.ndarray]:
        """The parameters by name, shaped (copies)."""
        flat = self.params
        return {
            t["name"]: flat[t["offset"] : t["offset"] + int(np.prod(t["shape"]))].reshape(t["shape"])
            for t in self.info()["tensors"]
        }

    def train(self, task: Dataset | FlipFlop, **config) -> dict[str, Any]:
        """Trains on a dataset (one-step forecasts of its train windows,
        validated on val) or a flip-flop task (every step). Keywords are
        learn.TrainConfig's fields (epochs, batch_size, adam={"lr": ...},
        patience, loss={"kind": "last"|"all"|"next"|"closedloop"}, seed,
        max_duration in ns, checkpoint, ...) plus window, stride, val_window
        for datasets. Returns the training result (history per epoch, best
        epoch, best validation loss, stop reason)."""
        if not isinstance(task, (Dataset, FlipFlop)):
            raise TypeError(f"task must be a Dataset or a FlipFlop, not {type(task).__name__}")
        _lib.call("neurodyn_model_train", self.handle, task.handle, config_json(config))
        return self.train_result()

    def train_result(self) -> dict[str, Any]:
        """The last training's result."""
        return _lib.json_result("neurodyn_model_train_result", self.handle, snake_case=True)

    def _sequences(self, x, name: str, width: int) -> tuple[np.ndarray, bool]:
        a = as_input(x, np.float32, name)
        single = a.ndim == 2
        if single:
            a = a[None]
        if a.ndim != 3 or a.shape[2] != width or a.shape[0] == 0 or a.shape[1] == 0:
            raise InvalidParameterError(f"{name} has shape {np.shape(x)}, want (n, steps, {width}) or (steps, {width})")
        return a, single

    def predict(self, x) -> np.ndarray:
        """One-step forecasts: the output after the last step of each sequence
        x (n, steps, inputs) → (n, outputs)."""
        a, single = self._sequences(x, "x", self.inputs)
        y = np.empty((a.shape[0], self.outputs), dtype=np.float32)
        _lib.call("neurodyn_model_predict", self.handle, ptr(a), a.shape[0], a.shape[1], ptr(y), y.size)
        return y[0] if single else y

    def forward(self, x, hidden: bool = False):
        """The output after every step (n, steps, outputs) and, with hidden,
        the states h_0 .. h_steps (n, steps+1, state_dim)."""
        a, single = self._sequences(x, "x", self.inputs)
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

    def generate(self, warm, steps: int) -> np.ndarray:
        """Closed loop: warm up on observed inputs warm (n, warmup, inputs),
        then feed the output back for steps steps → (n, steps, outputs);
        output 0 is the prediction after the last warm-up input."""
        a, single = self._sequences(warm, "warm", self.inputs)
        steps = nonneg_int(steps, "steps")
        y = np.empty((a.shape[0], steps, self.outputs), dtype=np.float32)
        _lib.call("neurodyn_model_generate", self.handle, ptr(a), a.shape[0], a.shape[1], steps, ptr(y), y.size)
        return y[0] if single else y

    def evaluate(self, dataset: Dataset, split: str = "test") -> dict[str, Any]:
        """One-step metrics on every window of a dataset split, in original
        units: mse, rmse, mae, nrmse_range, nrmse_std, mean_r2, r2_grand_mean,
        pearson and r2 per variable."""
        if not isinstance(dataset, Dataset):
            raise TypeError(f"dataset must be a Dataset, not {type(dataset).__name__}")
        out = np.empty(8 + self.outputs, dtype=np.float64)
        _lib.call("neurodyn_model_evaluate", self.handle, dataset.handle, cstr(split, "split"), ptr(out), out.size)
        return metrics_dict(out)

    def flipflop_score(self, task: FlipFlop, split: str = "test") -> dict[str, float]:
        """Flip-flop mse and bit accuracy (outputs thresholded at 0.5)."""
        if not isinstance(task, FlipFlop):
            raise TypeError(f"task must be a FlipFlop, not {type(task).__name__}")
        out = np.empty(2, dtype=np.float64)
        _lib.call("neurodyn_model_flipflop_score", self.handle, task.handle, cstr(split, "split"), ptr(out), 2)
        return {"mse": float(out[0]), "accuracy": float(out[1])}

    def valid_time(self, trajectory, **config) -> dict[str, Any]:
        """Closed-loop skill on a normalized trajectory (samples, dim):
        per-start valid prediction times and their quartiles. Keywords are
        analysis.ClosedLoopConfig's (starts, warmup, horizon, threshold, dt,
        lambda1, curve)."""
        a = as_input(trajectory, np.float64, "trajectory", ndim=2)
        return _lib.json_result(
            "neurodyn_model_valid_time", self.handle, ptr(a), a.shape[0], a.shape[1], config_json(config), snake_case=True
        )

    def lyapunov(self, warm, **config) -> dict[str, Any]:
        """The Lyapunov spectrum of the model run closed loop after warming up
        on warm (warmup, inputs). Keywords are analysis.MapSpectrumConfig's
        (k, transient, steps, renorm, blocks, checkpoints)."""
        a = as_input(warm, np.float64, "warm", ndim=2, shape=(None, self.inputs))
        return _lib.json_result("neurodyn_model_lyapunov", self.handle, ptr(a), a.shape[0], config_json(config), snake_case=True)

    def save(self, path: str | os.PathLike) -> None:
        """Saves the parameters to .npz (np.load gives them by name)."""
        _lib.call("neurodyn_model_save", self.handle, cstr(path, "path"))

    def load(self, path: str | os.PathLike, best: bool = False) -> None:
        """Loads parameters saved by save() or by training's checkpoint
        (best: the best parameters of a training checkpoint)."""
        _lib.call("neurodyn_model_load", self.handle, cstr(path, "path"), int(bool(best)))


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

    def balance(self, states) -> dict[str, Any]:
        """Balance metrics over states (k, state_dim), rows [r_E, r_I] (e.g.
        forward(..., hidden=True)[1].reshape(-1, state_dim))."""
        a = as_input(states, np.float64, "states", ndim=2, shape=(None, self.state_dim))
        return _lib.json_result("neurodyn_rate_balance", self.handle, ptr(a), a.shape[0], a.shape[1], snake_case=True)

    def weights(self) -> np.ndarray:
        """The signed effective recurrent matrix (N, N), row = post-synaptic."""
        n = self.state_dim
        out = np.empty((n, n), dtype=np.float64)
        _lib.call("neurodyn_rate_weights", self.handle, ptr(out), out.size)
        return out


def _rebuild_model(cls, config, params):
    m = cls(**config)
    m.params = params
    return m
