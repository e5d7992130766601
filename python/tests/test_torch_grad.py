"""neurodyn's hand-written BPTT against PyTorch's autograd, on shared weights.

The Go test ctrnn.TestWriteTorchCase writes small cases (CT-RNN and balanced
rate networks; Euler, midpoint, RK4, RK4 3/8; the last/all/next/closed-loop
losses; |W| and softplus Dale transforms) as .npz files: parameters by name,
inputs, targets, the solver's Butcher tableau, the summed loss and neurodyn's
gradient. Here each model is rebuilt from its equations in float64 PyTorch,
run with the same solver and loss, differentiated by autograd, and compared.

Needs torch (Debian: apt-get install python3-torch, then run with
/usr/bin/python3) and numpy; skips without torch. Run it with pytest or as a
script: /usr/bin/python3 python/tests/test_torch_grad.py
"""
import os
import pathlib
import subprocess
import sys
import tempfile

import numpy as np

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None

REPO = pathlib.Path(__file__).resolve().parents[2]
TANH, RELU, SIGMOID, HALFTANH, SOFTPLUS, IDENTITY = range(6)
LAST, ALL, NEXT, CLOSEDLOOP = range(4)


def write_cases(out):
    env = dict(os.environ, NEURODYN_TORCH_CASE=str(out))
    subprocess.run(["go", "test", "-count=1", "-run", "^TestWriteTorchCase$", "./ctrnn/"],
                   cwd=REPO, env=env, check=True, capture_output=True)
    return sorted(pathlib.Path(out).glob("*.npz"))


def act(a, z):
    return {TANH: torch.tanh, RELU: torch.relu, SIGMOID: torch.sigmoid,
            HALFTANH: lambda z: 0.5 + 0.5 * torch.tanh(z),
            SOFTPLUS: torch.nn.functional.softplus, IDENTITY: lambda z: z}[a](z)


def effective(case, p):
    """W (N×N), U (N×I), b (N), D (O×R), d (O) from the named parameters."""
    model = bytes(case["model"]).decode()
    if model == "ctrnn":
        return p["cell.W_rec.weight"], p["cell.W_in.weight"], p["cell.W_in.bias"], p["decoder.weight"], p["decoder.bias"]
    T = {0: torch.abs, 1: torch.nn.functional.softplus, 2: torch.relu}[int(case["dale"])]
    W = torch.cat([torch.cat([T(p["W_ee"]), -T(p["W_ei"])], 1),
                   torch.cat([T(p["W_ie"]), -T(p["W_ii"])], 1)], 0)
    U = torch.cat([p["W_in_e"], p["W_in_i"]], 0)
    b = torch.cat([p["b_e"], p["b_i"]], 0)
    return W, U, b, p["decoder.weight"], p["decoder.bias"]


def loss_sum(case, p):
    W, U, b, D, d = effective(case, p)
    x = torch.tensor(case["x"])
    y = torch.tensor(case["y"])
    A, bw = case["tableau_A"], case["tableau_b"]
    tau = torch.tensor(case["tau"])
    a = int(case["activation"])
    R = int(case["readout"])
    h_int = float(case["interval"]) / int(case["substeps"])
    kind, W0, K, ww = int(case["loss_kind"]), int(case["warmup"]), int(case["horizon"]), float(case["warmup_weight"])
    n, L, _ = x.shape
    steps = W0 + K - 1 if kind == CLOSEDLOOP else L

    def f(h, u):
        return (act(a, h @ W.T + u @ U.T + b) - h) / tau

    h = torch.zeros(n, W.shape[0], dtype=torch.float64)
    total = torch.zeros((), dtype=torch.float64)
    prev = None
    for t in range(steps):
        u = prev if (kind == CLOSEDLOOP and t >= W0) else x[:, t]
        for _ in range(int(case["substeps"])):
            ks = []
            for i in range(len(bw)):
                yi = h
                for j in range(i):
                    if A[i, j] != 0:
                        yi = yi + h_int * A[i, j] * ks[j]
                ks.append(f(yi, u))
            h = h + h_int * sum(bw[i] * ks[i] for i in range(len(bw)) if bw[i] != 0)
        out = h[:, :R] @ D.T + d
        prev = out
        if kind == LAST:
            wt, target = (1.0, y) if t == steps - 1 else (0.0, None)
        elif kind == ALL:
            wt, target = 1.0, y[:, t]
        else:
            if kind == NEXT:
                wt = 1.0 if t >= W0 - 1 else 0.0
            else:
                wt = 1.0 if t >= W0 - 1 else ww
            target = x[:, t + 1] if t + 1 < L else y
        if wt != 0:
            total = total + wt * ((out - target) ** 2).sum()
    return total


def check_case(path):
    z = np.load(path)
    case = {k: z[k] for k in z.files}
    names = [k[len("param:"):] for k in case if k.startswith("param:")]
    p = {k: torch.tensor(case["param:" + k], requires_grad=True) for k in names}
    total = loss_sum(case, p)
    total.backward()
    assert abs(total.item() - float(case["loss_sum"])) <= 1e-12 * max(1.0, abs(total.item())), \
        f"{path.name}: loss {total.item()} (torch) vs {float(case['loss_sum'])} (neurodyn)"
    worst = 0.0
    for k in names:
        g = p[k].grad.numpy() if p[k].grad is not None else np.zeros_like(case["grad:" + k])
        ours = case["grad:" + k]
        scale = max(1.0, np.abs(g).max())
        err = np.abs(g - ours).max() / scale
        worst = max(worst, err)
        assert err < 1e-10, f"{path.name}: gradient of {k} differs by {err:.3g} (relative)"
    return worst


def test_torch_grad():
    if torch is None:
        import pytest
        pytest.skip("torch is not installed (apt-get install python3-torch; run with /usr/bin/python3)")
    torch.set_default_dtype(torch.float64)
    with tempfile.TemporaryDirectory() as out:
        paths = write_cases(out)
        assert len(paths) >= 7
        for path in paths:
            check_case(path)


if __name__ == "__main__":
    if torch is None:
        print("test_torch_grad: SKIP (torch not installed)")
        sys.exit(0)
    torch.set_default_dtype(torch.float64)
    with tempfile.TemporaryDirectory() as out:
        for path in write_cases(out):
            w = check_case(path)
            print(f"{path.stem:36s} loss and gradient agree with torch {torch.__version__} autograd (max rel diff {w:.2e})")
    print("test_torch_grad: ok")
