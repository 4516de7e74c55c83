"""The fragment cache: one render per key however many ask at once, each with its own token."""

import threading
import time

from workshop.fragment_cache import FragmentCache


def test_a_room_missing_at_once_renders_once_and_each_gets_its_own_token():
    cache, renders, answers = FragmentCache(), [], {}
    barrier = threading.Barrier(12)

    def ask(n: int) -> None:
        token, nonce = f"token-{n:02d}", f"nonce{n:02d}"

        def render() -> str:
            renders.append(n)
            time.sleep(0.05)  # long enough for the others to arrive meanwhile
            return f"<form>{token}<input value={nonce}></form>"

        barrier.wait()
        answers[n] = cache.get_or_render(("points", 1, 7), token, nonce, render)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(renders) == 1
    assert answers == {
        n: f"<form>token-{n:02d}<input value=nonce{n:02d}></form>" for n in range(12)
    }


def test_another_version_is_another_render_and_the_oldest_makes_room():
    cache = FragmentCache(size=2)
    for version in (1, 2, 3):
        cache.get_or_render(("board", version), "t", "", lambda v=version: f"v{v} t")
    assert cache.get(("board", 1), "x") is None
    assert cache.get(("board", 3), "x") == "v3 x"
