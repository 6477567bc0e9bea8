"""Issue 8: start-up freezes what it built and raises the young-generation threshold of the collector."""

from __future__ import annotations

import gc

from server import GC_THRESHOLDS, create_app


async def test_start_up_tunes_the_collector(settings):
    previous = gc.get_threshold()
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            assert gc.get_threshold() == GC_THRESHOLDS and gc.get_freeze_count() > 0
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()
