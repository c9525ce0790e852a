"""OpenTelemetry through the API only: no-op without an SDK, spans and a histogram when a provider is given.

opentelemetry-sdk is not installed, so the recording provider here is a minimal one built on the API's
own no-op classes (it records what the plugin sets; it is not a stand-in for exporter behaviour).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
from opentelemetry import metrics, trace
from opentelemetry.trace import NonRecordingSpan, SpanKind, Status, StatusCode

from plugin.observability.telemetry import DURATION_METRIC, Telemetry
from tests.plugin_parts import IDENTITY


class RecordedSpan(NonRecordingSpan):
    def __init__(self, name: str, kind: SpanKind, attributes: dict[str, Any]) -> None:
        super().__init__(trace.INVALID_SPAN_CONTEXT)
        self.name, self.kind, self.attributes = name, kind, dict(attributes)
        self.status: Status | None = None

    def is_recording(self) -> bool:
        return True

    def set_attribute(self, key: str, value: Any) -> None:
        self.attributes[key] = value

    def set_attributes(self, attributes: Any) -> None:
        self.attributes.update(attributes)

    def set_status(self, status: Any, description: str | None = None) -> None:
        self.status = status


class RecordingTracer(trace.NoOpTracer):
    def __init__(self) -> None:
        self.spans: list[RecordedSpan] = []

    @contextmanager
    def start_as_current_span(  # type: ignore[override]
        self, name: str, context: Any = None, kind: SpanKind = SpanKind.INTERNAL, attributes: Any = None, **_: Any
    ) -> Iterator[RecordedSpan]:
        span = RecordedSpan(name, kind, attributes or {})
        self.spans.append(span)
        yield span


class RecordingTracerProvider(trace.NoOpTracerProvider):
    def __init__(self) -> None:
        self.tracer = RecordingTracer()

    def get_tracer(self, *args: Any, **kwargs: Any) -> trace.Tracer:
        return self.tracer


class RecordingHistogram(metrics.NoOpHistogram):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.points: list[tuple[float, dict[str, Any]]] = []

    def record(self, amount: float, attributes: Any = None, context: Any = None) -> None:
        self.points.append((amount, dict(attributes or {})))


class RecordingMeter(metrics.NoOpMeter):
    def __init__(self) -> None:
        super().__init__("test")
        self.histograms: dict[str, RecordingHistogram] = {}

    def create_histogram(self, name: str, *args: Any, **kwargs: Any) -> metrics.Histogram:
        self.histograms[name] = RecordingHistogram(name)
        return self.histograms[name]


class RecordingMeterProvider(metrics.NoOpMeterProvider):
    def __init__(self) -> None:
        self.meter = RecordingMeter()

    def get_meter(self, *args: Any, **kwargs: Any) -> metrics.Meter:
        return self.meter


def test_without_an_sdk_everything_is_a_no_op() -> None:
    telemetry = Telemetry(IDENTITY.name, "0.1.0")
    with telemetry.tool_call("clm__search_contracts", "req-1") as call:
        assert not trace.get_current_span().is_recording()
        call.outcome = "error:not_found"
    telemetry.record_duration("clm__search_contracts", "ok", 0.01)  # must not raise


@pytest.mark.parametrize(("outcome", "error_type"), [("ok", None), ("error:not_found", "not_found")])
def test_span_and_histogram_carry_tool_and_outcome(outcome: str, error_type: str | None) -> None:
    tracers, meters = RecordingTracerProvider(), RecordingMeterProvider()
    telemetry = Telemetry(IDENTITY.name, "0.1.0", tracer_provider=tracers, meter_provider=meters)
    with telemetry.tool_call("clm__get_contract", "req-9") as call:
        call.outcome, call.backend_requests = outcome, 2
    telemetry.record_duration("clm__get_contract", outcome, 0.25)
    (span,) = tracers.tracer.spans
    assert span.name == "tools/call clm__get_contract" and span.kind is SpanKind.INTERNAL
    assert span.attributes["gen_ai.tool.name"] == "clm__get_contract"
    assert span.attributes["mcp.request_id"] == "req-9"
    assert span.attributes["tool.outcome"] == outcome and span.attributes["tool.backend_requests"] == 2
    assert span.attributes.get("error.type") == error_type
    assert (span.status is not None and span.status.status_code is StatusCode.ERROR) is (error_type is not None)
    points: Sequence[tuple[float, dict[str, Any]]] = meters.meter.histograms[DURATION_METRIC].points
    assert points == [(0.25, {"gen_ai.tool.name": "clm__get_contract", "tool.outcome": outcome})]
