"""Forecasts for intermittent demand: the Syntetos-Boylan classes, Croston, SBA and TSB.

statsmodels has none of these, and each is a few lines of smoothing, so they are written here.
All work on a ``numpy`` array of monthly units (oldest first, gap months 0) and return the flat
forecast with its one-step-ahead in-sample fit, from which the caller takes its intervals.
"""

from __future__ import annotations

import math

import numpy as np

#: Syntetos-Boylan cut-offs: average demand interval and squared CV of the non-zero sizes.
ADI_CUTOFF = 1.32
CV2_CUTOFF = 0.49
#: Smoothing weights: the low values the literature recommends for monthly spare-part demand.
CROSTON_ALPHA = 0.1
TSB_ALPHA = 0.1
TSB_BETA = 0.1

__all__ = ["ADI_CUTOFF", "CV2_CUTOFF", "croston_path", "demand_class", "tsb_path"]


def demand_class(y: np.ndarray) -> tuple[float, float, str]:
    """Syntetos-Boylan classification of a demand series.

    ADI is the average interval between non-zero months (months / non-zero months), CV² the
    squared coefficient of variation of the non-zero sizes.

    Returns:
        ``(adi, cv2, cls)`` with ``cls`` one of ``smooth``, ``erratic``, ``intermittent``,
        ``lumpy`` (or ``zero`` when there is no demand at all).
    """
    nz = y[y > 0]
    if nz.size == 0:
        return math.inf, 0.0, "zero"
    adi = y.size / nz.size
    cv2 = float((nz.std() / nz.mean()) ** 2) if nz.size > 1 else 0.0
    if adi > ADI_CUTOFF:
        return adi, cv2, "lumpy" if cv2 >= CV2_CUTOFF else "intermittent"
    return adi, cv2, "erratic" if cv2 >= CV2_CUTOFF else "smooth"


def croston_path(y: np.ndarray, alpha: float = CROSTON_ALPHA,
                 debias: bool = False) -> tuple[np.ndarray, float]:
    """Croston's method: smoothed size over smoothed interval (SBA with ``debias``).

    Size ``z`` and interval ``p`` start at the first non-zero demand and the months up to it
    (counted from the start of the series), and are updated only in months with demand. The
    Syntetos-Boylan approximation multiplies the ratio by ``1 - alpha / 2``, removing the bias
    Croston's ratio has towards too much.

    Returns:
        The one-step-ahead in-sample forecasts (NaN before the first demand) and the forecast.
    """
    factor = 1 - alpha / 2 if debias else 1.0
    fitted = np.full(y.size, np.nan)
    z = p = 0.0
    started = False
    q = 0
    for t, v in enumerate(y):
        if started:
            fitted[t] = factor * z / p
        q += 1
        if v > 0:
            if not started:
                z, p, started = float(v), float(q), True
            else:
                z += alpha * (v - z)
                p += alpha * (q - p)
            q = 0
    return fitted, (factor * z / p if started else 0.0)


def tsb_path(y: np.ndarray, alpha: float = TSB_ALPHA,
             beta: float = TSB_BETA) -> tuple[np.ndarray, float]:
    """Teunter-Syntetos-Babai: smoothed demand probability times smoothed size.

    Unlike Croston it updates the probability every month, so a dying item's forecast decays.
    Starts from the share of months with demand and the mean non-zero size.

    Returns:
        The one-step-ahead in-sample forecasts and the forecast.
    """
    nz = y[y > 0]
    if nz.size == 0:
        return np.zeros(y.size), 0.0
    prob, size = nz.size / y.size, float(nz.mean())
    fitted = np.empty(y.size)
    for t, v in enumerate(y):
        fitted[t] = prob * size
        prob += beta * ((v > 0) - prob)
        if v > 0:
            size += alpha * (v - size)
    return fitted, prob * size
