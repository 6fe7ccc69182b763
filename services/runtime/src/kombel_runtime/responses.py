"""Response classes for routes that answer something other than JSON.

A route declares one as its `response_class` so that its OpenAPI document names the real
content type (FastAPI would otherwise claim `application/json` for any route); the route may
still return a `StreamingResponse` with a charset of its own.
"""

from fastapi.responses import StreamingResponse


class CsvResponse(StreamingResponse):
    media_type = "text/csv"


class EventStreamResponse(StreamingResponse):
    media_type = "text/event-stream"
