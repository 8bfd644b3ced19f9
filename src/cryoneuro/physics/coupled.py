"""Unsplit backward Euler (``scheme="coupled"``): the reference for the split scheme.

Same discretisation as the line solver (lagged conductivities and perfusion switch, the
same fluxes and end conditions), but all directions are solved together: Newton on H
with the sparse Jacobian ``V + dt L Theta`` factorised by SuperLU each iteration. No
splitting error (exact steady states, no corner error at the probe tip); about ten times
slower than the Strang-split default, so it is meant for final checks and for testing the
split scheme. Plain numpy/scipy: there is no numba kernel here to keep a reference for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.linalg import splu

from cryoneuro.physics.kernels import (
    P_CF,
    P_CU,
    P_HL,
    P_QM,
    P_TA,
    P_WCB,
    conductivity_np,
    temperature_np,
)
from cryoneuro.physics.model import Model

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass
class CoupledSystem:
    n: int
    props: FloatArray  # (NPROP, n) flat
    V: FloatArray
    active: NDArray[np.bool_]
    fa: IntArray  # interior faces: left cell
    fb: IntArray  # right cell
    fA: FloatArray
    fha: FloatArray  # distance left centre -> face
    fhb: FloatArray
    ec: IntArray  # end faces: cell
    eA: FloatArray
    eh: FloatArray
    eset: IntArray  # which line set
    eline: IntArray
    eside: IntArray  # 0 left, 1 right
    eprobe: NDArray[np.bool_]


def build(model: Model) -> CoupledSystem:
    nz, nr = model.shape
    flat = np.arange(nz * nr).reshape(nz, nr)
    fa, fb, fA, fha, fhb = [], [], [], [], []
    ec, eA, eh, eset, eline, eside, eprobe = [], [], [], [], [], [], []
    for si, ls in enumerate(model.sets):
        idx = flat.T if ls.transpose else flat
        probe_lines = set(ls.probe_lines.tolist())
        for line in range(ls.V.shape[0]):
            s, e = int(ls.start[line]), int(ls.end[line])
            if e <= s:
                continue
            cells = idx[line, s:e]
            fa.append(cells[:-1])
            fb.append(cells[1:])
            fA.append(ls.A[line, s + 1 : e])
            fha.append(ls.hr[s : e - 1])
            fhb.append(ls.hl[s + 1 : e])
            for side, cell, area, half in (
                (0, cells[0], ls.A[line, s], ls.hl[s]),
                (1, cells[-1], ls.A[line, e], ls.hr[e - 1]),
            ):
                ec.append(cell)
                eA.append(area)
                eh.append(half)
                eset.append(si)
                eline.append(line)
                eside.append(side)
                eprobe.append(line in probe_lines and side == ls.probe_side)
    return CoupledSystem(
        nz * nr,
        model.props.reshape(model.props.shape[0], -1),
        model.V.reshape(-1),
        model.tissue_mask.reshape(-1),
        np.concatenate(fa).astype(np.int64),
        np.concatenate(fb).astype(np.int64),
        np.concatenate(fA),
        np.concatenate(fha),
        np.concatenate(fhb),
        np.array(ec, np.int64),
        np.array(eA),
        np.array(eh),
        np.array(eset, np.int64),
        np.array(eline, np.int64),
        np.array(eside, np.int64),
        np.array(eprobe, bool),
    )


def step(
    sysm: CoupledSystem, model: Model, H: FloatArray, dt: float, tol: float, max_iter: int
) -> tuple[FloatArray, int, float, float, float]:
    """One backward-Euler step; returns (H, iterations, probe, boundary, source heat in J);
    iterations is ``max_iter + 1`` when Newton stopped at its cap without converging."""
    p = sysm.props
    act = sysm.active
    h0 = H.reshape(-1).copy()
    h = h0.copy()
    T0, fl0, _ = temperature_np(h0, p)
    k = np.where(act, conductivity_np(T0, fl0, p), 1.0)
    K = sysm.fA / (sysm.fha / k[sysm.fa] + sysm.fhb / k[sysm.fb])
    bc = np.array([model.sets[s].bc[line] for s, line in zip(sysm.eset, sysm.eline, strict=True)])
    col = 3 * sysm.eside
    r_end = bc[np.arange(len(col)), col]
    t_end = bc[np.arange(len(col)), col + 1]
    s_end = bc[np.arange(len(col)), col + 2]
    G = s_end * sysm.eA / (r_end + sysm.eh / k[sysm.ec])
    W = np.where(act, fl0 * p[P_WCB], 0.0)
    Q0 = np.where(act, fl0 * (p[P_WCB] * p[P_TA] + p[P_QM]), 0.0)
    V = sysm.V
    n = sysm.n
    diag_k = np.bincount(sysm.fa, K, n) + np.bincount(sysm.fb, K, n) + np.bincount(sysm.ec, G, n)
    rows = np.concatenate([np.arange(n), sysm.fa, sysm.fb])
    cols = np.concatenate([np.arange(n), sysm.fb, sysm.fa])
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007
        T, _, th = temperature_np(h, p)
        flow = (
            np.bincount(sysm.fa, K * (T[sysm.fb] - T[sysm.fa]), n)
            + np.bincount(sysm.fb, K * (T[sysm.fa] - T[sysm.fb]), n)
            + np.bincount(sysm.ec, G * (t_end - T[sysm.ec]), n)
        )
        R = V * (h - h0) - dt * (flow + V * (Q0 - W * T))
        R = np.where(act, R, 0.0)
        th = np.where((h == 0.0) & (R > 0.0), 1.0 / p[P_CF], th)
        th = np.where((h == p[P_HL]) & (R < 0.0), 1.0 / p[P_CU], th)
        th = np.where(act, th, 0.0)
        d = np.where(act, V + dt * (diag_k + V * W) * th, 1.0)
        data = np.concatenate([d, -dt * K * th[sysm.fb], -dt * K * th[sysm.fa]])
        J = sp.csc_matrix((data, (rows, cols)), shape=(n, n))
        delta = splu(J, permc_spec="MMD_AT_PLUS_A").solve(-R)
        delta = np.where(act, delta, 0.0)
        old = h
        new = old + delta
        hl = p[P_HL]
        reg_old = np.where(old < 0.0, 0, np.where(old > hl, 2, 1))
        reg_new = np.where(new < 0.0, 0, np.where(new > hl, 2, 1))
        jump = (reg_new != reg_old) & (old != 0.0) & (old != hl)
        kink = np.where(
            reg_old == 0, 0.0, np.where(reg_old == 2, hl, np.where(reg_new == 0, 0.0, hl))
        )
        h = np.where(jump, kink, new)
        if np.max(np.abs(h - old)) <= tol:
            break
    else:  # the cap reached without converging: the caller refuses the step
        it = max_iter + 1
    T, _, _ = temperature_np(h, p)
    q_end = G * (t_end - T[sysm.ec])
    probe = float(q_end[sysm.eprobe].sum()) * dt
    other = float(q_end[~sysm.eprobe].sum()) * dt
    src = float(np.sum(np.where(act, V * (Q0 - W * T), 0.0))) * dt
    return h.reshape(H.shape), it, probe, other, src
