from math import comb

import numpy as np
import pytest
from scipy.spatial.distance import pdist

from dynast_lite.normalization import HyperplaneNormalization
from dynast_lite.reference_directions import (
    das_dennis,
    das_dennis_partitions,
    default_reference_directions,
    riesz_energy,
)


@pytest.mark.parametrize("p, m", [(1, 2), (12, 3), (6, 4), (3, 5), (20, 2)])
def test_das_dennis_lattice(p, m):
    W = das_dennis(n_partitions=p, n_obj=m)
    assert W.shape == (comb(p + m - 1, m - 1), m)
    assert np.allclose(W.sum(axis=1), 1.0)
    assert np.allclose(W * p, np.rint(W * p))
    assert len(np.unique(W, axis=0)) == len(W)


def test_riesz_energy_counts_points_not_partitions():
    W = riesz_energy(n_points=20, n_obj=3, seed=0)
    assert W.shape == (20, 3)  # DyNAS-T's "20 partitions" would be 231 lattice points
    assert np.allclose(W.sum(axis=1), 1.0) and (W >= 0).all()
    assert all(any(np.allclose(w, e) for w in W) for e in np.eye(3))  # corners included


def test_riesz_energy_is_seeded_and_well_spread():
    a = riesz_energy(n_points=40, n_obj=3, seed=1)
    assert np.array_equal(a, riesz_energy(n_points=40, n_obj=3, seed=1))
    assert not np.array_equal(a, riesz_energy(n_points=40, n_obj=3, seed=2))
    random = np.random.default_rng(0).dirichlet(np.ones(3), 40)
    assert pdist(a).min() > 5 * pdist(random).min()
    with pytest.raises(ValueError, match="n_points >= n_obj"):
        riesz_energy(n_points=2, n_obj=3)


def test_default_directions():
    assert np.array_equal(default_reference_directions(91, 3), das_dennis(n_partitions=12, n_obj=3))
    assert default_reference_directions(50, 3).shape == (50, 3)
    assert das_dennis_partitions(91, 3) == 12


def test_hyperplane_normalisation_recovers_a_linear_front(rng):
    W = np.vstack([np.eye(3), rng.dirichlet(np.ones(3), 200)])
    scale = np.array([1.0, 2.0, 3.0])
    F = 0.5 + W * scale  # the plane through (1.5, .5, .5), (.5, 2.5, .5), (.5, .5, 3.5)
    norm = HyperplaneNormalization(3)
    norm.update(F, np.arange(len(F)))
    assert np.allclose(norm.ideal, 0.5)
    assert np.allclose(norm.nadir, 0.5 + scale)
    Z = norm.normalize(F)
    assert Z.min() >= -1e-12 and Z.max() <= 1 + 1e-9


def test_counts_must_be_named():
    with pytest.raises(TypeError):
        das_dennis(12, 3)
    with pytest.raises(TypeError):
        riesz_energy(20, 3)
