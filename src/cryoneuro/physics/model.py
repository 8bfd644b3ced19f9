"""Assembly of a discrete model (line sets, properties, probe faces) from a geometry.

The canonical field layout is ``(nz, nr)`` (1-D geometries: ``(1, n)``). Direction
``"r"`` works on that layout directly; direction ``"z"`` on its transpose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from cryoneuro.physics.grid import Axisymmetric, Planar1D, Radial1D
from cryoneuro.physics.kernels import (
    conductivity_np,
    enthalpy_np,
    pack_properties,
    temperature_np,
)
from cryoneuro.physics.materials import LayeredTissue, Tissue

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

Geometry = Planar1D | Radial1D | Axisymmetric


@dataclass
class LineSet:
    """Geometry and end conditions of a batch of grid lines (see ``kernels``)."""

    transpose: bool
    V: FloatArray
    A: FloatArray
    hl: FloatArray
    hr: FloatArray
    props: FloatArray
    start: IntArray
    end: IntArray
    bc: FloatArray
    sources: bool
    probe_lines: IntArray  # lines whose end touches an active probe face
    probe_side: int  # 0: left end, 1: right end
    Q: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        self.Q = np.zeros((self.V.shape[0], 3))


@dataclass
class Model:
    kind: str
    rf: FloatArray  # r (or x) faces
    zf: FloatArray  # z faces (1-D: [0, 1])
    rc: FloatArray
    zc: FloatArray
    V: FloatArray  # (nz, nr) cell volumes (probe interior: 0)
    tissue_mask: NDArray[np.bool_]  # (nz, nr)
    props: FloatArray  # (NPROP, nz, nr)
    sets: list[LineSet]
    n_core: int = 0
    j_tip: int = 0
    skin: bool = False
    # probe faces: flat canonical index of the adjacent cell, area, half distance
    probe_cell: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    probe_area: FloatArray = field(default_factory=lambda: np.zeros(0))
    probe_half: FloatArray = field(default_factory=lambda: np.zeros(0))
    _probe_props: FloatArray | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.zc), len(self.rc))

    def enthalpy_from_temperature(self, T: FloatArray) -> FloatArray:
        H = enthalpy_np(T, self.props)
        return np.where(self.tissue_mask, H, 0.0)

    def fill_probe(self, T: FloatArray) -> None:
        """Give cells inside the probe the temperature of the tissue next to its wall."""
        if self.kind == "axisymmetric":
            T[self.j_tip :, : self.n_core] = T[self.j_tip :, self.n_core : self.n_core + 1]

    def total_enthalpy(self, H: FloatArray) -> float:
        return float(np.sum(self.V * H))

    def probe_conductance(self, H: FloatArray, resistance: float) -> FloatArray:
        """Uncapped conductances (W/K) of the probe faces for the current state."""
        if self._probe_props is None:
            self._probe_props = self.props.reshape(self.props.shape[0], -1)[:, self.probe_cell]
        p = self._probe_props
        T, fl, _ = temperature_np(H.reshape(-1)[self.probe_cell], p)
        k = conductivity_np(T, fl, p)
        out: FloatArray = self.probe_area / (resistance + self.probe_half / k)
        return out


def _halves(faces: FloatArray, centres: FloatArray) -> tuple[FloatArray, FloatArray]:
    return centres - faces[:-1], faces[1:] - centres


def _far(far: str, t_far: float) -> tuple[float, float]:
    return (0.0, t_far) if far == "dirichlet" else (math.inf, t_far)


def build_model(
    geometry: Geometry,
    tissue: LayeredTissue,
    r_probe: float,
    active_length: float,
    t_far: float,
) -> Model:
    """Discretise the geometry; probe ends start adiabatic (set per step by the solver)."""
    tissues: list[Tissue] = list(dict.fromkeys(layer.tissue for layer in tissue.layers))
    if isinstance(geometry, Planar1D | Radial1D):
        if isinstance(geometry, Planar1D):
            f = geometry.faces()
            A = np.ones(len(f))
            V = np.diff(f)
            kind = "planar"
        else:
            f = geometry.faces(r_probe)
            A = 2.0 * np.pi * f
            V = np.pi * np.diff(f**2)
            kind = "radial"
        c = 0.5 * (f[:-1] + f[1:])
        hl, hr = _halves(f, c)
        index = np.zeros((1, len(c)), np.int64)
        index[:] = tissues.index(tissue.layers[0].tissue)
        props = pack_properties(tissues, index)
        rr, tr = _far(geometry.far, t_far)
        bc = np.array([[math.inf, 0.0, 1.0, rr, tr, 1.0]])
        ls = LineSet(
            False,
            V[None, :].copy(),
            A[None, :].copy(),
            hl,
            hr,
            props,
            np.array([0]),
            np.array([len(c)]),
            bc,
            True,
            np.array([0]),
            0,
        )
        return Model(
            kind,
            f,
            np.array([0.0, 1.0]),
            c,
            np.array([0.5]),
            V[None, :].copy(),
            np.ones((1, len(c)), bool),
            props,
            [ls],
            probe_cell=np.array([0]),
            probe_area=np.array([A[0]]),
            probe_half=np.array([hl[0]]),
        )

    rf, zf, n_core, j_tip = geometry.faces(r_probe, active_length)
    rc = 0.5 * (rf[:-1] + rf[1:])
    zc = 0.5 * (zf[:-1] + zf[1:])
    nr, nz = len(rc), len(zc)
    dz = np.diff(zf)
    ring = np.pi * np.diff(rf**2)  # (nr,)
    V = dz[:, None] * ring[None, :]
    mask = np.ones((nz, nr), bool)
    mask[j_tip:, :n_core] = False
    V = np.where(mask, V, 0.0)
    if tissue.is_uniform:
        index = np.zeros((nz, nr), np.int64)
    else:
        if geometry.tip_depth is None:
            raise ValueError(
                "a layered tissue needs tip_depth (the depth of the probe tip below the skin)"
            )
        depth = geometry.tip_depth - zc
        rows = np.array([tissues.index(tissue.tissue_at(d)) for d in depth], np.int64)
        index = np.repeat(rows[:, None], nr, axis=1)
    props = pack_properties(tissues, index)
    t_far_r, tfr = _far(geometry.far, t_far)

    # r lines (rows)
    hl_r, hr_r = _halves(rf, rc)
    A_r = (2.0 * np.pi * rf)[None, :] * dz[:, None]
    start_r = np.where(np.arange(nz) >= j_tip, n_core, 0).astype(np.int64)
    end_r = np.full(nz, nr, np.int64)
    bc_r = np.zeros((nz, 6))
    bc_r[:, 0] = math.inf  # axis or adiabatic shaft
    bc_r[:, 2] = 1.0
    bc_r[:, 3], bc_r[:, 4], bc_r[:, 5] = t_far_r, tfr, 1.0
    active_rows = np.nonzero((np.arange(nz) >= j_tip) & (zc < active_length))[0].astype(np.int64)
    set_r = LineSet(False, V, A_r, hl_r, hr_r, props, start_r, end_r, bc_r, True, active_rows, 0)

    # z lines (columns)
    hl_z, hr_z = _halves(zf, zc)
    A_z = np.repeat(ring[:, None], nz + 1, axis=1)
    start_z = np.zeros(nr, np.int64)
    end_z = np.where(np.arange(nr) < n_core, j_tip, nz).astype(np.int64)
    bc_z = np.zeros((nr, 6))
    bc_z[:, 0], bc_z[:, 1], bc_z[:, 2] = t_far_r, tfr, 1.0
    skin = geometry.tip_depth is not None
    if skin:
        bc_z[:, 3], bc_z[:, 4] = 1.0 / geometry.skin_h, geometry.skin_temperature
    else:
        bc_z[:, 3], bc_z[:, 4] = t_far_r, tfr
    bc_z[:, 5] = 1.0
    core_cols = np.arange(n_core, dtype=np.int64)
    bc_z[core_cols, 3] = math.inf
    props_z = np.ascontiguousarray(props.transpose(0, 2, 1))
    set_z = LineSet(
        True,
        np.ascontiguousarray(V.T),
        A_z,
        hl_z,
        hr_z,
        props_z,
        start_z,
        end_z,
        bc_z,
        False,
        core_cols,
        1,
    )

    # probe faces in canonical flat indices
    cells_lat = active_rows * nr + n_core
    area_lat = 2.0 * np.pi * rf[n_core] * dz[active_rows]
    half_lat = np.full(len(active_rows), hl_r[n_core])
    cells_tip = (j_tip - 1) * nr + core_cols
    area_tip = ring[:n_core]
    half_tip = np.full(n_core, hr_z[j_tip - 1])
    return Model(
        "axisymmetric",
        rf,
        zf,
        rc,
        zc,
        V,
        mask,
        props,
        [set_r, set_z],
        n_core=n_core,
        j_tip=j_tip,
        skin=skin,
        probe_cell=np.concatenate([cells_lat, cells_tip]).astype(np.int64),
        probe_area=np.concatenate([area_lat, area_tip]),
        probe_half=np.concatenate([half_lat, half_tip]),
    )
