"""Distributed search on ``torch.distributed``: rank 0 runs the search and writes the results
file; every rank measures its share of each batch of candidates.

Imported only when ``--distributed`` (or ``dl.search(..., distributed=True)``) asks for it: the
rest of the core never imports torch.

Launchers: ``torchrun`` (``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``), OpenMPI's ``mpirun``
(``OMPI_COMM_WORLD_*``), MPICH and Intel MPI (``PMI_RANK``, ``PMI_SIZE``, ``MPI_LOCALRANKID``);
``MASTER_ADDR``/``MASTER_PORT`` say where rank 0 listens (127.0.0.1:29500 when an MPI launcher
gives neither). The ranks meet through the c10d store, and the process group uses ``gloo`` on
CPUs and ``nccl`` on CUDA (``--backend`` chooses).

Protocol, all through the store as JSON (never pickle): rank 0 posts task ``k`` (the configs
and metrics of one batch); config ``i`` goes to rank ``i % world_size``; each rank posts each
result as soon as it has it, and rank 0 writes the rows in batch order as they arrive, so the
results file is the one a single process writes. Each rank beats a heartbeat counter; a rank
whose heartbeat stops (it died) or whose result does not come within ``dist_timeout`` (it hangs)
ends the run with an error naming it, everything measured so far written and resumable.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

__all__ = ["DistEnv", "Group", "RankLost", "current_group", "detect_env", "start"]

log = logging.getLogger("dynast_lite.distributed")

#: seconds without a heartbeat after which a rank counts as dead (or dist_timeout, if shorter)
HEARTBEAT_STALE = 15.0
HEARTBEAT_EVERY = 1.0
_POLL = 0.05
#: longest blocking wait for a key before the heartbeats and timeouts are checked again
_WAIT = 0.5


class RankLost(RuntimeError):
    """A rank died or stopped answering: the run ends (everything measured is written)."""


@dataclass(frozen=True)
class DistEnv:
    """Where this process stands in its group, as its launcher says."""

    rank: int
    world_size: int
    local_rank: int
    launcher: str


_LAUNCHERS = (
    ("torchrun", "RANK", "WORLD_SIZE", "LOCAL_RANK"),
    ("OpenMPI", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK"),
    ("MPICH / Intel MPI", "PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID"),
)


def detect_env(environ: Mapping[str, str] | None = None) -> DistEnv | None:
    """The rank variables of a launcher (torchrun, OpenMPI, MPICH / Intel MPI), or None."""
    environ = os.environ if environ is None else environ
    for launcher, rank, size, local in _LAUNCHERS:
        if environ.get(rank) is not None and environ.get(size) is not None:
            try:
                r, n = int(environ[rank]), int(environ[size])
                lr = int(environ.get(local, r))
            except ValueError:
                raise ValueError(
                    f"{launcher} set {rank}={environ[rank]!r}, {size}={environ[size]!r}: not whole numbers"
                ) from None
            if not 0 <= r < n:
                raise ValueError(f"{launcher} set rank {r} outside a group of {n}")
            return DistEnv(r, n, lr, launcher)
    return None


_CURRENT: Group | None = None


def current_group() -> Group | None:
    """The group this process started, if any."""
    return _CURRENT


def start(backend: str | None = None, timeout: float = 3600, device: str = "cpu") -> Group:
    """Join the group the launcher started (once per process; later calls return it).

    Args:
        backend: ``gloo`` or ``nccl``; default ``nccl`` when ``device`` is CUDA, else ``gloo``.
        timeout: seconds a rank waits for another (``--dist_timeout``).
        device: the device asked for; with CUDA each rank takes ``cuda:<local rank>``.

    Raises:
        ValueError: no launcher's rank variables, or a backend that does not fit the device.
    """
    global _CURRENT
    if _CURRENT is not None:
        return _CURRENT
    env = detect_env()
    if env is None:
        raise ValueError(
            "--distributed needs a launcher: run under torchrun (torchrun --nproc_per_node=2 "
            "$(which dynast-lite) search ...) or mpirun/mpiexec (mpirun -np 2 dynast-lite search ...); "
            "none of RANK/WORLD_SIZE, OMPI_COMM_WORLD_RANK/SIZE or PMI_RANK/PMI_SIZE is set"
        )
    cuda = str(device).startswith("cuda")
    backend = backend or ("nccl" if cuda else "gloo")
    if backend == "nccl" and not cuda:
        raise ValueError(f"backend nccl needs CUDA devices; with device {device!r} use gloo")
    # torch's C++ store client prints a stack trace when a peer goes away; the run says why
    os.environ.setdefault("TORCH_CPP_LOG_LEVEL", "ERROR")
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", "29500")
    os.environ["RANK"], os.environ["WORLD_SIZE"] = str(env.rank), str(env.world_size)
    os.environ["LOCAL_RANK"] = str(env.local_rank)

    import torch.distributed as dist

    wait = timedelta(seconds=timeout)
    store, _, _ = next(dist.rendezvous("env://", timeout=wait))
    if not dist.is_initialized():
        if backend == "nccl":
            import torch

            torch.cuda.set_device(env.local_rank)
        dist.init_process_group(
            backend,
            store=dist.PrefixStore("pg/", store),
            rank=env.rank,
            world_size=env.world_size,
            timeout=wait,
        )
    _CURRENT = Group(env, dist.PrefixStore("dynast/", store), timeout, backend)
    return _CURRENT


def rank_device(device: str, env: DistEnv) -> str:
    """``cuda`` becomes ``cuda:<local rank>``: one device per local rank."""
    return f"cuda:{env.local_rank}" if device == "cuda" else device


class Group:
    """A started group: :meth:`run` on every rank, rank 0 driving the search."""

    def __init__(self, env: DistEnv, store: Any, timeout: float, backend: str):
        self.env, self.store, self.timeout, self.backend = env, store, float(timeout), backend
        self.rank, self.world_size = env.rank, env.world_size
        self._beating = threading.Event()
        self._task = 0

    # -- shared -----------------------------------------------------------------------------

    def _get(self, key: str) -> Any:
        return json.loads(self.store.get(key).decode())

    def _set(self, key: str, value: Any) -> None:
        self.store.set(key, json.dumps(value))

    def _ready(self, key: str, wait: float = 0.0) -> bool:
        """Whether ``key`` is set, waiting up to ``wait`` seconds for it (a blocking wait wakes
        as soon as the key appears, so a result is read without polling delay)."""
        if wait <= 0:
            return bool(self.store.check([key]))
        try:
            self.store.wait([key], timedelta(seconds=wait))
        except Exception as err:  # the store says "timeout" with its own exception types
            if "timeout" not in str(err).lower() and "timed out" not in str(err).lower():
                raise
            return False
        return True

    def _heartbeat(self) -> None:
        def stop() -> None:
            sys.stderr.write(f"rank {self.rank}: rank 0 has ended the run; this rank stops\n")
            sys.stderr.flush()
            os._exit(1)

        def beat() -> None:
            ended_seen = False
            while not self._beating.wait(HEARTBEAT_EVERY):
                try:
                    self.store.add(f"hb/{self.rank}", 1)
                    # rank 0 ended the run and this rank's main thread, which would have
                    # stopped on its own within a beat, is still busy (stuck in a measurement):
                    # say so while rank 0 still listens, before a launcher kills this process
                    if self.rank != 0 and self.store.check(["ended"]):
                        if ended_seen:
                            self._set(f"bye/{self.rank}", True)
                            stop()
                        ended_seen = True
                except Exception:
                    if self._beating.is_set():
                        return
                    stop()  # rank 0 (which serves the store) is gone while this rank was busy

        self.store.add(f"hb/{self.rank}", 1)
        threading.Thread(target=beat, name="dynast-lite heartbeat", daemon=True).start()

    def run(self, evaluator: Any, metrics: Sequence[str], search: Callable[[Any], Any]) -> Any:
        """Rank 0: ``search(driver)`` with an evaluator that spreads measurements over the
        group, then its result shared; other ranks: measure until rank 0 is done, and return
        the same result."""
        self._heartbeat()
        try:
            if self.rank == 0:
                return self._drive(evaluator, metrics, search)
            return self._serve(evaluator)
        finally:
            self._beating.set()

    # -- rank 0 -----------------------------------------------------------------------------

    def _drive(self, evaluator: Any, metrics: Sequence[str], search: Callable[[Any], Any]) -> Any:
        driver = DistributedEvaluator(evaluator, self)
        try:
            prepare = getattr(evaluator, "prepare", None)
            if callable(prepare):  # rank 0 first: a one-off training or download happens once
                prepare(list(metrics))
            self._set("prepared", list(metrics))
            result = search(driver)
        except BaseException as err:
            self._set(f"task/{self._task}", {"abort": f"{type(err).__name__}: {err}"})
            if isinstance(err, RankLost):
                self._farewell()
            raise
        self._set(f"task/{self._task}", {"stop": True, "result": _result_to_json(result)})
        self._await_done()
        return result

    def _farewell(self) -> None:
        """After losing a rank: tell every rank the run has ended and wait (a few heartbeats at
        most) for each to answer, so that one stuck in a measurement can say why it stops before
        this process, which serves the store, exits and a launcher kills the rest."""
        self._set("ended", True)
        deadline = time.monotonic() + 2 * HEARTBEAT_EVERY + 1.5
        keys = [f"bye/{r}" for r in range(1, self.world_size)]
        while time.monotonic() < deadline and not all(self._ready(k) for k in keys):
            time.sleep(_POLL)

    def _await_done(self) -> None:
        """Wait (briefly) until every rank has read the result, so the store outlives them."""
        deadline = time.monotonic() + min(self.timeout, 60.0)
        keys = [f"done/{r}" for r in range(1, self.world_size)]
        while time.monotonic() < deadline and not all(self._ready(k) for k in keys):
            time.sleep(_POLL)

    def _watch(self, rank: int, key: str, what: str) -> None:
        """Wait for ``key`` from ``rank``; :class:`RankLost` if its heartbeat stops or it does
        not answer within the timeout."""
        start = last_change = time.monotonic()
        beats = self.store.add(f"hb/{rank}", 0)
        stale = min(HEARTBEAT_STALE, self.timeout)
        while not self._ready(key, _WAIT):
            now = time.monotonic()
            current = self.store.add(f"hb/{rank}", 0)
            if current != beats:
                beats, last_change = current, now
            if now - last_change > stale:
                raise RankLost(
                    f"rank {rank} of {self.world_size} stopped (no heartbeat for {stale:.0f} s) while "
                    f"measuring {what}"
                )
            if now - start > self.timeout:
                raise RankLost(
                    f"rank {rank} of {self.world_size} did not answer within --dist_timeout "
                    f"{self.timeout:.0f} s while measuring {what}"
                )

    def measure_stream(
        self, evaluator: Any, configs: list[dict], metrics: list[str]
    ) -> Iterator[tuple[dict[str, Any] | None, str | None]]:
        """``(values, error)`` of each config, in order: rank 0 measures configs ``0, W, 2W,
        ...`` itself and waits for the others' results in turn."""
        k = self._task
        self._task += 1
        self._set(f"task/{k}", {"configs": configs, "metrics": metrics})
        for i, config in enumerate(configs):
            owner = i % self.world_size
            if owner == 0:
                yield _measure_one(evaluator, config, metrics)
            else:
                key = f"res/{k}/{i}"
                self._watch(owner, key, f"sub-network {i + 1} of a batch of {len(configs)}")
                answer = self._get(key)
                yield answer.get("values"), answer.get("error")

    # -- other ranks --------------------------------------------------------------------------

    def _serve(self, evaluator: Any) -> Any:
        self._wait_for("prepared")
        prepare = getattr(evaluator, "prepare", None)
        if callable(prepare):
            prepare(self._get("prepared"))
        k = 0
        while True:
            key = f"task/{k}"
            self._wait_for(key)
            task = self._get(key)
            if "abort" in task:
                self._set(f"bye/{self.rank}", True)
                raise RankLost(f"rank 0 stopped the run: {task['abort']}")
            if task.get("stop"):
                self._set(f"done/{self.rank}", True)
                return _result_from_json(task["result"])
            configs, metrics = task["configs"], task["metrics"]
            for i in range(self.rank, len(configs), self.world_size):
                values, error = _measure_one(evaluator, configs[i], metrics)
                self._set(f"res/{k}/{i}", {"values": values, "error": error})
            k += 1

    def _wait_for(self, key: str) -> None:
        """Wait for rank 0's next message; :class:`RankLost` after the timeout or if rank 0's
        store is gone."""
        start = time.monotonic()
        while True:
            try:
                if self._ready(key, _WAIT):
                    return
            except Exception as err:  # rank 0 (which serves the store) is gone
                raise RankLost(f"rank 0 is gone ({type(err).__name__}: {err}); this rank stops") from None
            if time.monotonic() - start > self.timeout:
                raise RankLost(
                    f"rank 0 sent nothing within --dist_timeout {self.timeout:.0f} s; this rank stops"
                )


def _measure_one(
    evaluator: Any, config: dict, metrics: list[str]
) -> tuple[dict[str, Any] | None, str | None]:
    """One config's values, or the error that measuring it raised."""
    try:
        row = evaluator.measure([config], metrics)[0]
        return {m: (None if row.get(m) is None else float(row[m])) for m in metrics}, None
    except Exception as err:  # reported to rank 0, which logs it as a failed candidate
        return None, f"{type(err).__name__}: {err}"


class DistributedEvaluator:
    """Rank 0's view of the evaluator: ``measure_stream`` spreads a batch over the group; every
    other attribute (``metrics``, ``exact_metrics``, cheap ``measure`` calls) is the local one's."""

    def __init__(self, evaluator: Any, group: Group):
        self._evaluator = evaluator
        self._group = group

    def __getattr__(self, name: str) -> Any:
        return getattr(self._evaluator, name)

    def measure(self, configs: list[dict], metrics: list[str]) -> list[dict[str, float]]:
        return self._evaluator.measure(configs, metrics)

    def prepare(self, metrics: Sequence[str]) -> None:
        """Done once by :meth:`Group.run` before the search."""

    def measure_stream(self, configs: list[dict], metrics: list[str]):
        return self._group.measure_stream(self._evaluator, configs, metrics)


def _result_to_json(result: Any) -> dict[str, Any]:
    def records(rs):
        return [{"config": r.config, "values": r.values, "date": r.date} for r in rs]

    every = list(result.records) + list(result.warm_records)
    index = {id(r): i for i, r in enumerate(every)}
    return {
        "records": records(result.records),
        "warm_records": records(result.warm_records),
        "pareto": [index[id(r)] for r in result.pareto],
        "tau_history": result.tau_history,
        "settings": asdict(result.settings),
        "results_path": result.results_path,
    }


def _result_from_json(data: Mapping[str, Any]) -> Any:
    from .nas import SearchResult, SearchSettings
    from .results import Record

    def records(rs):
        return [Record(r["config"], r["values"], r["date"]) for r in rs]

    own, warm = records(data["records"]), records(data["warm_records"])
    every = own + warm
    settings = {k: tuple(v) if isinstance(v, list) else v for k, v in data["settings"].items()}
    return SearchResult(
        own,
        warm,
        [every[i] for i in data["pareto"]],
        list(data["tau_history"]),
        SearchSettings(**settings),
        data["results_path"],
    )
