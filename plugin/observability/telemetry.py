"""OpenTelemetry for tool calls, through `opentelemetry-api` only (the API the `mcp` SDK already uses).

The SDK's middleware already opens a SERVER span per `tools/call`; inside it we add one INTERNAL
span per tool call (tool name, outcome, our request id, backend request count) and record the call's
duration in a histogram. With no OpenTelemetry SDK/exporter configured the API hands out no-op
tracers and meters, so this costs a few microseconds (see bench/audit_overhead.py). An
organisation with a collector installs `opentelemetry-sdk` + an exporter and sets the usual
`OTEL_*` environment; no code change here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

if TYPE_CHECKING:
    from opentelemetry.metrics import Histogram, MeterProvider

# OpenTelemetry semantic conventions for MCP (gen_ai.*, mcp.*); the instrumentation is named after the plugin.
DURATION_METRIC = "mcp.tool.duration"


@dataclass
class ToolCallTrace:
    """What the runtime fills in while the call runs; read when the span ends."""

    tool: str
    request_id: str
    outcome: str = "ok"
    backend_requests: int = 0


class Telemetry:
    """Tracer and duration histogram; providers injectable for tests, global (possibly no-op) otherwise."""

    def __init__(
        self,
        name: str,
        version: str,
        tracer_provider: trace.TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
    ) -> None:
        self._tracer = trace.get_tracer(name, version, tracer_provider=tracer_provider)
        self._name = name
        self._version = version
        self._meter_provider = meter_provider
        self._histogram: Histogram | None = None  # created at the first call: start-up skips the metrics API

    def _duration(self) -> Histogram:
        if self._histogram is None:
            from opentelemetry import metrics

            meter = metrics.get_meter(self._name, self._version, meter_provider=self._meter_provider)
            self._histogram = meter.create_histogram(
                DURATION_METRIC, unit="s", description="Duration of one MCP tool call, by tool and outcome"
            )
        return self._histogram

    @contextmanager
    def tool_call(self, tool: str, request_id: str) -> Iterator[ToolCallTrace]:
        call = ToolCallTrace(tool=tool, request_id=request_id)
        with self._tracer.start_as_current_span(
            f"tools/call {tool}",
            kind=SpanKind.INTERNAL,
            attributes={"gen_ai.tool.name": tool, "mcp.request_id": request_id},
            record_exception=False,  # exception text may carry user input; the outcome says enough
            set_status_on_exception=False,
        ) as span:
            try:
                yield call
            finally:
                if span.is_recording():
                    span.set_attributes({"tool.outcome": call.outcome, "tool.backend_requests": call.backend_requests})
                    if call.outcome != "ok":
                        span.set_attribute("error.type", call.outcome.partition(":")[2] or call.outcome)
                        span.set_status(Status(StatusCode.ERROR))

    def record_duration(self, tool: str, outcome: str, seconds: float) -> None:
        self._duration().record(seconds, {"gen_ai.tool.name": tool, "tool.outcome": outcome})
