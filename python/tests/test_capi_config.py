"""Keywords become configuration keys exactly (the library decodes them
strictly: no case-insensitive matching, no repeated key), and checkpoints
refuse an existing file unless told to replace it."""

from __future__ import annotations

import numpy as np
import pytest
from capi_util import SMALL_LORENZ, nd

from neurodyn import _capi
from neurodyn._capi import snake_key
from neurodyn._util import camel


def _series():
    t = np.arange(600) * 0.05
    return np.c_[np.sin(t), np.cos(1.3 * t)]


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: nd.CTRNN(hidden=7, Hidden=9), "hidden and Hidden both set Hidden"),
        (lambda: nd.Series(_series(), trainfrac=0.5), r'config key = "trainfrac": must be a known key \(.*"train_frac"'),
        (lambda: nd.Series(_series(), TRAINFRAC=0.5), r'config key = "TRAINFRAC": must be a known key \(.*"train_frac"'),
        (lambda: nd.Series(_series(), train__frac=0.5), r"train__frac: not a keyword: must be snake_case"),
        (lambda: nd.Series(_series(), _train_frac=0.5), r"_train_frac: not a keyword"),
        (lambda: nd.CTRNN(hiden=8), r'config key = "hiden": must be a known key: one of .*\bhidden\b.*\bsample_dt\b'),
        (lambda: nd.Lorenz(**SMALL_LORENZ, seq_len=5), r'config key = "seq_len": must be a known key: one of .*seq_length'),
        (lambda: nd.Network.preset("brunel", n=100, N=200), "n and N both set N"),
    ],
)
def test_keywords_exact(make, match):
    with pytest.raises(nd.InvalidParameterError, match=match):
        make()


def test_nested_keywords_exact(tmp_path):
    d = nd.Series(_series(), seq_length=10)
    m = nd.CTRNN(hidden=4, inputs=2, outputs=2, seed=1)
    with pytest.raises(nd.InvalidParameterError, match=r'config key = "adam.lrate": must be a known key: one of .*\blr\b'):
        m.train(d, epochs=1, adam={"lrate": 0.01})
    with pytest.raises(nd.InvalidParameterError, match="lr and LR both set LR"):
        m.train(d, epochs=1, adam={"lr": 0.01, "LR": 0.02})
    r = m.train(d, epochs=1, adam={"lr": 0.01}, plateau={"min_lr": 1e-5})
    assert r["epochs"] == 1


def test_camel_inverts_snake_key():
    """Every configuration field of every model the library reports (Go
    names) is reached by the snake_case keyword Python reports for it."""
    x = _series()
    objs = [
        nd.CTRNN(hidden=4),
        nd.RateNetwork(ne=8, ni=4),
        nd.SNN(ne=4, ni=1, inputs=2, outputs=2),
        nd.ESN(dim=2, n=20),
        nd.Reservoir(dim=2, n=20),
    ]
    names = set()

    def walk(v):
        if isinstance(v, dict):
            for k, x in v.items():
                names.add(k)
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    for o in objs:
        walk(_capi.json_result("neurodyn_model_info", o.handle)["config"])
    for cfg in (nd.Lorenz(**SMALL_LORENZ).info(), nd.Series(x).info()):
        walk(cfg.get("config", {}))
    names = {n for n in names if n[:1].isupper()}
    assert {"LR", "NE", "WeightPA", "SampleDt"} & names, names
    bad = {n: camel(snake_key(n)) for n in names if camel(snake_key(n)) != n}
    assert not bad, f"keyword of Go name -> name camel() makes of it: {bad}"
    for o in objs:
        o.close()


def test_network_checkpoint_refuses_an_existing_file(tmp_path):
    notes = tmp_path / "important.txt"
    notes.write_text("my notes")
    with nd.Network.preset("brunel", n=200) as net:
        net.run(10.0)
        with pytest.raises(nd.NeurodynIOError, match="file exists: .*important.txt .*pass overwrite=True to replace it"):
            net.checkpoint(notes)
        assert notes.read_text() == "my notes"
        with pytest.raises(nd.NeurodynIOError, match="is a directory"):
            net.checkpoint(tmp_path)
        net.checkpoint(notes, overwrite=True)
        assert notes.read_bytes().startswith(b"NDYNCKP2")
        net.checkpoint(tmp_path / "new.ckpt")
        with nd.Network.preset("brunel", n=200) as again:
            again.restore(notes)
            assert again.step == net.step
    assert sorted(p.name for p in tmp_path.iterdir()) == ["important.txt", "new.ckpt"]  # no .partial left


def test_training_checkpoint_refuses_an_existing_file(tmp_path):
    d = nd.Series(_series(), seq_length=10)
    notes = tmp_path / "notes.npz"
    notes.write_text("my notes")
    m = nd.CTRNN(hidden=4, inputs=2, outputs=2, seed=1)
    with pytest.raises(nd.NeurodynIOError, match="pass overwrite=True to replace it, or resume=True to continue from it"):
        m.train(d, epochs=1, checkpoint=str(notes))
    assert notes.read_text() == "my notes"
    with pytest.raises(nd.NeurodynError):  # not a checkpoint: nothing to resume from
        m.train(d, epochs=1, checkpoint=str(notes), resume=True)
    assert notes.read_text() == "my notes"
    assert m.train(d, epochs=1, checkpoint=str(notes), overwrite=True)["epochs"] == 1
    r = m.train(d, epochs=2, checkpoint=str(notes), resume=True)  # its own checkpoint: continued
    assert r["epochs"] == 2 and r["resumed"] == 1
    with pytest.raises(nd.InvalidParameterError, match="Checkpoint = .*ck.txt: must be a path ending in .h5 or .hdf5"):
        m.train(d, epochs=1, checkpoint=str(tmp_path / "ck.txt"))
    with pytest.raises(nd.NeurodynIOError, match="missing"):
        m.train(d, epochs=1, checkpoint=str(tmp_path / "missing" / "ck.npz"))
    with pytest.raises(nd.InvalidParameterError, match="MaxDuration = -5ns: must be >= 0"):
        m.train(d, epochs=1, max_duration=-5)
