#!/usr/bin/python3
"""Reference values for segflow's experiment statistics, computed independently with SciPy and statsmodels.

Run with Debian's Python (python3-scipy, python3-statsmodels), from the repository root:

    /usr/bin/python3 src/experiments/stats/reference/make-reference.py > src/experiments/stats/reference/reference.json

The TypeScript tests (stats-reference.test.ts) read the JSON and compare. Everything random is seeded.
"""
import json
import math
import sys

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW


def two_sided_normal(z):
    """p-value and its natural log, the log from logsf so it survives underflow."""
    return float(2 * stats.norm.sf(abs(z))), float(math.log(2) + stats.norm.logsf(abs(z)))


def ztests():
    cases = [
        (120, 1000, 100, 1000),
        (30, 1000, 25, 1000),
        (62, 20000, 40, 20000),   # rates under 1% with 20,000 per arm
        (9, 20000, 4, 20000),
        (11_000, 100_000, 10_000, 100_000),
        (36_000, 300_000, 30_000, 300_000),  # p far below 1e-100
        (1_200_000, 10_000_000, 1_000_000, 10_000_000),  # below the double range
        (3_000_000, 10_000_000, 2_000_000, 10_000_000),  # p below the double range: only ln p survives
    ]
    out = []
    for x1, n1, x2, n2 in cases:
        z, p = proportions_ztest([x1, x2], [n1, n2])
        _, ln_p = two_sided_normal(z)
        low, high = confint_proportions_2indep(x1, n1, x2, n2, method="wald", compare="diff", alpha=0.05)
        p1, p2 = x1 / n1, x2 / n2
        # delta-method relative lift, written out here from the formula
        var_ratio = (p1 * (1 - p1) / n1) / p2**2 + (p1**2) * (p2 * (1 - p2) / n2) / p2**4
        zc = stats.norm.ppf(0.975)
        rel = p1 / p2 - 1
        out.append({
            "x1": x1, "n1": n1, "x2": x2, "n2": n2,
            "z": float(z), "pValue": float(p), "lnPValue": ln_p,
            "diffLow": float(low), "diffHigh": float(high),
            "relLift": rel, "relLow": rel - zc * math.sqrt(var_ratio), "relHigh": rel + zc * math.sqrt(var_ratio),
        })
    return out


def welch():
    rng = np.random.default_rng(20261203)
    specs = [
        (40, 10.0, 2.0, 55, 11.0, 3.5),
        (500, 3.1, 9.0, 480, 2.6, 7.5),
        (5000, 10.0, 2.0, 5000, 11.0, 2.0),  # p far below 1e-100
        (12, 0.5, 1.0, 9, 0.4, 0.2),
    ]
    out = []
    for n1, m1, s1, n2, m2, s2 in specs:
        a = rng.normal(m1, s1, n1)
        b = rng.normal(m2, s2, n2)
        t, p = stats.ttest_ind(a, b, equal_var=False)
        va, vb = a.var(ddof=1) / n1, b.var(ddof=1) / n2
        df = (va + vb) ** 2 / (va**2 / (n1 - 1) + vb**2 / (n2 - 1))
        low, high = CompareMeans(DescrStatsW(a), DescrStatsW(b)).tconfint_diff(alpha=0.05, usevar="unequal")
        out.append({
            "a": {"n": n1, "mean": float(a.mean()), "variance": float(a.var(ddof=1))},
            "b": {"n": n2, "mean": float(b.mean()), "variance": float(b.var(ddof=1))},
            "t": float(t), "df": float(df), "pValue": float(p),
            "lnPValue": float(math.log(2) + stats.t.logsf(abs(t), df)),
            "diffLow": float(low), "diffHigh": float(high),
        })
    return out


def srm():
    cases = [
        ([5000, 5000], [1, 1]),
        ([5100, 4900], [1, 1]),
        ([50_500, 49_500], [1, 1]),
        ([4500, 4500, 1000], [45, 45, 10]),
        ([4700, 4400, 900], [45, 45, 10]),
        ([30_000, 31_000, 29_000, 10_000], [3, 3, 3, 1]),
        ([515_000, 485_000], [1, 1]),  # p far below 1e-100
    ]
    out = []
    for obs, w in cases:
        total = sum(obs)
        expected = [total * x / sum(w) for x in w]
        chi, p = stats.chisquare(obs, expected)
        out.append({"observed": obs, "weights": w, "chiSquare": float(chi), "pValue": float(p)})
    return out


def sample_sizes():
    out = []
    for p1, lift, alpha, power in [(0.03, 0.10, 0.05, 0.8), (0.10, 0.05, 0.05, 0.9), (0.5, -0.02, 0.01, 0.8), (0.002, 0.5, 0.05, 0.8)]:
        p2 = p1 * (1 + lift)
        pbar = (p1 + p2) / 2
        za = stats.norm.ppf(1 - alpha / 2)
        zb = stats.norm.ppf(power)
        n = (za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p2 - p1) ** 2
        out.append({"baselineRate": p1, "relativeLift": lift, "alpha": alpha, "power": power, "perArm": math.ceil(n)})
    return out


def confidence_sequences():
    """The normal-mixture boundary (Howard et al. 2021, eq. 14), written out independently."""
    out = []
    for est, var, n, n_star, alpha in [(0.05, 0.0004, 5000, 10000, 0.05), (-0.2, 0.01, 300, 10000, 0.05), (0.01, 1e-6, 200000, 50000, 0.1)]:
        l = 2 * math.log(1 / alpha)
        rho2 = (l + math.log(1 + l)) / n_star
        sigma2 = var * n
        t = n
        half = math.sqrt(sigma2 * 2 * (t * rho2 + 1) / (t * t * rho2) * math.log(math.sqrt(t * rho2 + 1) / alpha))
        out.append({"estimate": est, "variance": var, "n": n, "nStar": n_star, "alpha": alpha, "halfWidth": half})
    return out


def cuped_case():
    rng = np.random.default_rng(7)
    arms = []
    xs, ys = [], []
    for shift in (0.0, 0.3):
        x = rng.gamma(2.0, 5.0, 2000)
        y = 0.8 * x + rng.normal(shift, 3.0, 2000)
        xs.append(x)
        ys.append(y)
    x_all, y_all = np.concatenate(xs), np.concatenate(ys)
    theta = np.cov(x_all, y_all, ddof=1)[0, 1] / x_all.var(ddof=1)
    for x, y in zip(xs, ys):
        adj = y - theta * (x - x_all.mean())
        arms.append({
            "sums": {"n": len(x), "sumY": float(y.sum()), "sumY2": float((y * y).sum()), "sumX": float(x.sum()),
                     "sumX2": float((x * x).sum()), "sumXY": float((x * y).sum())},
            "mean": float(adj.mean()), "variance": float(adj.var(ddof=1)),
        })
    return {"theta": float(theta), "arms": arms}


json.dump({
    "generatedBy": "src/experiments/stats/reference/make-reference.py",
    "versions": {"python": sys.version.split()[0], "scipy": scipy.__version__, "statsmodels": statsmodels.__version__, "numpy": np.__version__},
    "zTests": ztests(),
    "welch": welch(),
    "srm": srm(),
    "sampleSizes": sample_sizes(),
    "confidenceSequences": confidence_sequences(),
    "cuped": cuped_case(),
}, sys.stdout, indent=1)
print()
