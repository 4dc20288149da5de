import pyarrow as pa
import pyarrow.compute as pc

from feedbackml.text import threads
from feedbackml.text.threads import map_slices


def upper(arr):
    return pc.utf8_upper(arr)


def test_slices_in_threads_give_the_whole_arrays_result_in_order(monkeypatch):
    monkeypatch.setattr(threads, "MIN_SLICE", 3)
    monkeypatch.setattr(pa, "cpu_count", lambda: 4)
    arr = pa.array([f"text {i}" for i in range(14)], type=pa.large_string())
    assert map_slices(upper, arr).equals(upper(arr))


def test_small_arrays_stay_in_one_thread(monkeypatch):
    calls = []
    monkeypatch.setattr(pa, "cpu_count", lambda: 4)
    map_slices(lambda a: calls.append(len(a)) or a, pa.array(["a", "b"]))
    assert calls == [2]
