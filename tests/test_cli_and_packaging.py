import json
import os
import subprocess
import sys

from click.testing import CliRunner

import dynast_lite as dl
from dynast_lite.cli import main

HEAVY = ("torch", "numba", "scipy", "matplotlib")


def _imported_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(sorted({{m.split('.')[0] for m in sys.modules}}))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(eval(out.stdout.strip().splitlines()[-1])) & set(HEAVY)  # a list of names we printed


def test_import_is_light_and_never_pulls_in_torch():
    assert _imported_after("import dynast_lite") == set()
    assert "torch" not in _imported_after(
        "import dynast_lite as dl; dl.search; dl.SearchSpace; dl.algorithms.NSGA2"
    )


def test_cli_help_pulls_in_no_numba_scipy_or_torch():
    code = "from dynast_lite.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    assert _imported_after(code) == set()
    code = code.replace("['--help']", "['search', '--help']")
    assert _imported_after(code) == set()


def test_every_public_name_resolves():
    assert set(dl.__all__) == {"__version__", *dl._NAMES}
    for name in dl.__all__:
        assert getattr(dl, name) is not None
    assert set(dir(dl)) >= set(dl.__all__) - {"__version__"}
    assert callable(dl.minimize) and callable(dl.search) and isinstance(dl.SearchSpace, type)
    for name in dl.algorithms.__all__ + dl.operators.__all__ + dl.predictors.__all__ + dl.problems.__all__:
        assert getattr(dl.algorithms, name, None) is not None or any(
            getattr(getattr(dl, pkg), name, None) is not None
            for pkg in ("operators", "predictors", "problems")
        )


def test_the_registry_table_matches_each_algorithm():
    from dynast_lite.algorithms.registry import ALGORITHMS, objective_range

    for name in ALGORITHMS:
        assert ALGORITHMS[name].n_obj_range == objective_range(name)


def test_version_and_help():
    runner = CliRunner()
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and dl.__version__ in result.output
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0 and "optimize" in result.output


def test_optimize_runs_and_writes_the_front(tmp_path):
    out = tmp_path / "front.json"
    result = CliRunner().invoke(
        main,
        ["optimize", "--problem", "zdt2", "--n-evals", "2000", "--population", "40", "--output", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "evaluations  2000" in result.output and "hypervolume" in result.output
    data = json.loads(out.read_text())
    assert len(data["F"]) == len(data["X"]) > 0


def test_optimize_rejects_bad_input_with_one_clear_error():
    runner = CliRunner()
    result = runner.invoke(main, ["optimize", "--algorithm", "nsga9"])
    assert result.exit_code != 0 and "unknown algorithm 'nsga9'" in result.output
    result = runner.invoke(main, ["optimize", "--algorithm", "ga"])
    assert result.exit_code != 0 and "GA needs exactly 1 objective(s)" in result.output
    result = runner.invoke(main, ["optimize", "--problem", "zdt9"])
    assert result.exit_code != 0 and "zdt9" in result.output


def test_numpy_fallback_without_numba_matches_compiled_kernels(tmp_path):
    """Run the kernels with numba disabled in a fresh process and compare with this one."""
    import numpy as np

    from dynast_lite._kernels import crowding_distance, non_dominated_rank
    from dynast_lite.indicators import hypervolume

    rng = np.random.default_rng(0)
    sets = [rng.integers(0, 4, (60, m)).astype(float) for m in (2, 3, 4)] + [rng.random((450, 5))]
    np.save(tmp_path / "sets.npy", np.array(sets, dtype=object), allow_pickle=True)
    script = f"""
import json, numpy as np
from dynast_lite._kernels import HAVE_NUMBA, crowding_distance, non_dominated_rank
from dynast_lite.indicators import hypervolume
assert not HAVE_NUMBA
sets = np.load({str(tmp_path / "sets.npy")!r}, allow_pickle=True)
print(json.dumps([[non_dominated_rank(F).tolist(), crowding_distance(F).tolist(),
                   hypervolume(F[:40], F.max(axis=0) + 1)] for F in sets]))
"""
    env = dict(os.environ, DYNAST_LITE_DISABLE_NUMBA="1")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    for F, (rank, crowd, hv) in zip(sets, json.loads(out.stdout), strict=True):
        assert rank == non_dominated_rank(F).tolist()
        assert np.allclose(crowd, crowding_distance(F))
        assert abs(hv - hypervolume(F[:40], F.max(axis=0) + 1)) <= 1e-12 * hv


def test_optimize_on_a_constrained_many_objective_problem():
    result = CliRunner().invoke(
        main,
        [
            "optimize",
            "--problem",
            "c2_dtlz2",
            "--algorithm",
            "ctaea",
            "--n-evals",
            "1000",
            "--population",
            "30",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "n_obj=3" in result.output and "none feasible" not in result.output
