"""XGBoost side of bench/train (issue #3): same files, same parameters, tree_method=hist, nthread=2.

Usage: python3 run_xgboost.py DIR ROUNDS MAX_DEPTH ETA MAX_BIN LAMBDA MIN_CHILD_WEIGHT
Prints one JSON line shaped like RunnerResult (bench/train/shared-params.ts).
"""
import json
import os
import resource
import sys
import time

import numpy as np
import xgboost as xgb

directory = sys.argv[1]
rounds, max_depth = int(sys.argv[2]), int(sys.argv[3])
eta, max_bin, reg_lambda, min_child_weight = float(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7])
with open(os.path.join(directory, "meta.json")) as handle:
    meta = json.load(handle)
n_features = meta["nFeatures"]


def read_split(name, rows):
    features = np.fromfile(os.path.join(directory, f"{name}.X.f32"), dtype="<f4").reshape(rows, n_features)
    target = np.fromfile(os.path.join(directory, f"{name}.y.f64"), dtype="<f8")
    return features, target


train_x, train_y = read_split("train", meta["trainRows"])
test_x, test_y = read_split("test", meta["testRows"])
params = {
    "objective": "reg:squarederror",
    "tree_method": "hist",
    "nthread": 2,
    "max_depth": max_depth,
    "eta": eta,
    "max_bin": max_bin,
    "lambda": reg_lambda,
    "min_child_weight": min_child_weight,
    "base_score": float(train_y.mean()),
}
started = time.perf_counter()
usage_started = resource.getrusage(resource.RUSAGE_SELF)
dtrain = xgb.DMatrix(train_x, label=train_y, missing=np.nan, nthread=2)
booster = xgb.train(params, dtrain, num_boost_round=rounds)
fit_seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
fit_cpu_seconds = usage.ru_utime - usage_started.ru_utime + usage.ru_stime - usage_started.ru_stime
predictions = booster.predict(xgb.DMatrix(test_x, missing=np.nan, nthread=2))
rmse = float(np.sqrt(np.mean((predictions.astype(np.float64) - test_y) ** 2)))
print(json.dumps({
    "learner": f"xgboost {xgb.__version__} hist",
    "fitSeconds": fit_seconds,
    "fitCpuSeconds": fit_cpu_seconds,
    "holdoutRmse": rmse,
    "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "trees": rounds,
}))
