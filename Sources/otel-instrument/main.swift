print("otel-instrument: not yet")
