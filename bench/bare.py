"""The floor: a bare Starlette endpoint returning fixed response bytes (BENCH_BODY_FILE)."""

import os

from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

BODY = open(os.environ["BENCH_BODY_FILE"], "rb").read()


async def endpoint(_request):
    return Response(BODY, media_type="application/json")


app = Starlette(routes=[Route("/graphql", endpoint, methods=["POST"])])
