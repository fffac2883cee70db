"""XGBoost side of bench/quality (issue #10): the feature matrix fleetcast trains on, three objectives.

Usage: python3 run_xgboost.py DIR
DIR holds <split>.X.f32 / <split>.y.f64 for tune-train, tune-valid, train, test and meta.json
(nFeatures, rows per split, params). Per objective: rounds by early stopping (20) on tune-valid
after fitting tune-train — as `fleetcast train` chooses them — then a refit on train with those
rounds; predictions on test go to pred-<objective>.f64. Prints one JSON line {objective: rounds}.
"""
import json
import os
import sys

import numpy as np
import xgboost as xgb

directory = sys.argv[1]
with open(os.path.join(directory, "meta.json")) as handle:
    meta = json.load(handle)
n_features = meta["nFeatures"]


def matrix(name):
    features = np.fromfile(os.path.join(directory, f"{name}.X.f32"), dtype="<f4").reshape(meta["rows"][name], n_features)
    target = np.fromfile(os.path.join(directory, f"{name}.y.f64"), dtype="<f8")
    return xgb.DMatrix(features, label=target, missing=np.nan, nthread=2)


splits = {name: matrix(name) for name in ("tune-train", "tune-valid", "train", "test")}
shared = {
    "tree_method": "hist",
    "nthread": 2,
    "seed": 0,
    "max_depth": meta["params"]["maxDepth"],
    "eta": meta["params"]["learningRate"],
    "subsample": meta["params"]["subsample"],
    "colsample_bytree": meta["params"]["colsampleByTree"],
    "lambda": meta["params"]["lambda"],
    "min_child_weight": meta["params"]["minChildWeight"],
    "max_bin": 256,
}
objectives = {
    "squared": {"objective": "reg:squarederror"},
    "poisson": {"objective": "count:poisson"},
    "tweedie": {"objective": "reg:tweedie", "tweedie_variance_power": 1.5},
}
rounds = {}
for name, extra in objectives.items():
    params = {**shared, **extra}
    stopping = xgb.train(params, splits["tune-train"], num_boost_round=meta["maxRounds"], evals=[(splits["tune-valid"], "valid")], early_stopping_rounds=20, verbose_eval=False)
    rounds[name] = stopping.best_iteration + 1
    booster = xgb.train(params, splits["train"], num_boost_round=rounds[name])
    booster.predict(splits["test"]).astype("<f8").tofile(os.path.join(directory, f"pred-{name}.f64"))
print(json.dumps({"xgboost": xgb.__version__, "rounds": rounds}))
