"""benchmarks/bench_booking.py fails (exit 1) when any request got a 5xx."""

import importlib.util
from pathlib import Path

PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_booking.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_booking", PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_fails_on_any_5xx_in_either_phase():
    bench = _bench()
    clean = {201: 1, 409: 29}
    assert bench.verdict(0, {201: 200, 409: 3}, clean, True) == 0
    assert bench.verdict(0, {201: 200}, {201: 1, 409: 27, 500: 2}, True) == 1  # the race
    assert bench.verdict(0, {201: 200, 503: 1}, clean, True) == 1  # the booking phase
    assert bench.verdict(1, {201: 200}, clean, True) == 1  # a double booking
    assert bench.verdict(0, {201: 200}, {201: 2, 409: 28}, True) == 1
    assert bench.verdict(0, {201: 200}, clean, False) == 1  # a broken audit chain
